//! The application flow as a pure state machine (STYLE.md §3): consent → identification → form →
//! review → submitting → slip → rating, with its detours. The senior-card fast path skips the
//! consent screen: its one confirmation (同意并提交) after the card is the consent. `update` takes an event and returns the
//! effects the runtime (src/ui/apply.rs) executes: write the outbox, print, store a rating.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::forms::{check_eligibility, validate, validate_all};
use crate::catalog::{FieldKind, Guide};
use crate::devices::idcard::Card;
use crate::messages;
use crate::Lang;

/// Where the resident is in the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// 个人信息授权: before the card is read, since it says what will be read.
    Consent,
    /// Waiting for the ID card.
    Identify,
    /// The card could not be used (unreadable, expired, reader fault): what to do; placing a card retries.
    CardProblem(String),
    /// This card's holder already submitted this item today (its acceptance number): say so, offer
    /// the slip again, and go on only on purpose.
    AlreadySubmitted(String),
    /// The card's holder may not apply here: why, in plain words.
    NotEligible(String),
    /// Filling in what the card cannot tell.
    Form,
    /// Everything once more, then 确认提交 (the senior-card fast path combines consent and review).
    Review,
    /// Writing the application (a moment; the screen is busy).
    Submitting,
    /// 已提交: the slip prints (or shows on screen), and the resident may rate.
    Done,
    /// After the rating (or skipping it).
    Thanks,
}

/// What became of the slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintStatus {
    Printing,
    Printed {
        near_end: bool,
    },
    /// The printer cannot print: the sentence to show; the slip stays on screen.
    Failed(String),
    /// Sent, but the printer did not confirm it: most likely printed; the sentence to show.
    Unconfirmed(String),
}

/// The stored application, once the outbox has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub application_id: i64,
    pub acceptance_no: String,
    pub print_job_id: i64,
    pub pickup_code: String,
    pub promised_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    CardRead(Card),
    /// The reader says something went wrong (a sentence for the resident).
    CardProblem(String),
    /// A value for a field: a chosen option, 是/否, or what was typed.
    Set(String, String),
    /// 下一步 on the form.
    Next,
    /// 同意 on the consent screen.
    Agree,
    /// The store knows an application of this item by this card from today (its acceptance number);
    /// the runtime sends it right after `CardRead`.
    AlreadyToday(String),
    /// 仍要再次申请: apply again although one was submitted today.
    ApplyAgain,
    /// 补打回执 of the application submitted earlier today.
    ReprintEarlier,
    /// 确认提交 / 同意并提交.
    Confirm,
    Submitted(Result<Submitted, String>),
    Printed(Result<bool, String>),
    /// The slip was sent but the printer did not confirm it (the sentence to show).
    PrintUnconfirmed(String),
    /// 再试一次打印 / 补打回执.
    Reprint,
    /// A face: 5 非常满意 … 1 非常不满意.
    Rate(u8),
    ToggleReason(String),
    SubmitRating,
    SkipRating,
    /// 返回.
    Back,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write the application and its print job to the outbox, then send `Submitted`.
    Submit,
    /// Print the slip of the submitted application, then send `Printed`.
    Print,
    /// Store the rating with the application.
    SaveRating,
    /// Print the slip of the application submitted earlier today (the acceptance number).
    ReprintEarlier(String),
    /// Leave the flow (返回 from its first screen).
    Exit,
}

/// Reasons offered with the two lowest faces, as stored (shown through `messages::rating_reason`).
pub const RATING_REASONS: [&str; 6] =
    ["等待时间长", "操作不方便", "字太小看不清", "材料要求说不清", "结果不满意", "其他"];

#[derive(Debug, Clone)]
pub struct Flow {
    pub guide: Guide,
    /// The resident's language: the flow's sentences (card problems, form errors) are worded in it.
    /// The runtime keeps it the session's.
    pub lang: Lang,
    /// The senior-card fast path: card → one confirmation screen → slip.
    pub fast: bool,
    pub step: Step,
    pub card: Option<Card>,
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    pub submitted: Option<Submitted>,
    pub print: Option<PrintStatus>,
    pub submit_error: Option<String>,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

impl Flow {
    pub fn start(guide: Guide, fast: bool, lang: Lang) -> Flow {
        Flow {
            guide,
            lang,
            fast,
            step: if fast { Step::Identify } else { Step::Consent },
            card: None,
            values: BTreeMap::new(),
            errors: BTreeMap::new(),
            submitted: None,
            print: None,
            submit_error: None,
            score: None,
            reasons: Vec::new(),
        }
    }

    /// The step after identification.
    fn after_card(&self) -> Step {
        if self.fast || self.guide.form.is_empty() {
            Step::Review
        } else {
            Step::Form
        }
    }

    pub fn update(&mut self, event: Event, today: NaiveDate) -> Vec<Effect> {
        use Step::*;
        match (&self.step, event) {
            (Identify | CardProblem(_), Event::CardRead(card)) => {
                if card.expired {
                    self.step = CardProblem(messages::card_expired(self.lang).into());
                } else if !card.id_number_valid {
                    self.step = CardProblem(messages::card_invalid(self.lang).into());
                } else if let Err(why) =
                    check_eligibility(self.lang, &self.guide.eligibility, &card, today, &self.guide.name)
                {
                    self.step = NotEligible(why);
                } else {
                    self.card = Some(card);
                    self.step = self.after_card();
                }
                vec![]
            }
            (Identify | CardProblem(_), Event::CardProblem(p)) => {
                self.step = CardProblem(p);
                vec![]
            }
            (Form | Review, Event::AlreadyToday(acceptance_no)) if self.card.is_some() && self.values.is_empty() => {
                self.step = AlreadySubmitted(acceptance_no);
                vec![]
            }
            (AlreadySubmitted(_), Event::ApplyAgain) => {
                self.step = self.after_card();
                vec![]
            }
            (AlreadySubmitted(no), Event::ReprintEarlier) => vec![Effect::ReprintEarlier(no.clone())],
            (Form, Event::Set(key, value)) => {
                if let Some(field) = self.guide.form.iter().find(|f| f.key == key) {
                    // 是 / 否 are stored as such whatever the language the button said them in.
                    let value = if field.kind == FieldKind::YesNo { messages::yes_no_value(&value) } else { value };
                    // Choices are checked at once; typed values when the resident moves on.
                    if matches!(field.kind, FieldKind::Choice | FieldKind::YesNo) || self.errors.contains_key(&key) {
                        match validate(self.lang, field, &value) {
                            Ok(()) => self.errors.remove(&key),
                            Err(e) => self.errors.insert(key.clone(), e),
                        };
                    }
                    self.values.insert(key, value);
                }
                vec![]
            }
            (Form, Event::Next) => {
                self.errors = validate_all(self.lang, &self.guide.form, &self.values);
                if self.errors.is_empty() {
                    self.step = Review;
                }
                vec![]
            }
            (Consent, Event::Agree) => {
                self.step = Identify;
                vec![]
            }
            (Review, Event::Confirm) => {
                self.step = Submitting;
                self.submit_error = None;
                vec![Effect::Submit]
            }
            (Submitting, Event::Submitted(Ok(s))) => {
                self.submitted = Some(s);
                self.step = Done;
                self.print = Some(PrintStatus::Printing);
                vec![Effect::Print]
            }
            (Submitting, Event::Submitted(Err(e))) => {
                self.submit_error = Some(e);
                self.step = Review;
                vec![]
            }
            (Done | Thanks, Event::Printed(result)) => {
                self.print = Some(match result {
                    Ok(near_end) => PrintStatus::Printed { near_end },
                    Err(message) => PrintStatus::Failed(message),
                });
                vec![]
            }
            (Done | Thanks, Event::PrintUnconfirmed(message)) => {
                self.print = Some(PrintStatus::Unconfirmed(message));
                vec![]
            }
            (Done | Thanks, Event::Reprint) if !matches!(self.print, Some(PrintStatus::Printing)) => {
                self.print = Some(PrintStatus::Printing);
                vec![Effect::Print]
            }
            (Done, Event::Rate(score)) if (1..=5).contains(&score) => {
                self.score = Some(score);
                if score >= 3 {
                    self.reasons.clear();
                    self.step = Thanks;
                    vec![Effect::SaveRating]
                } else {
                    vec![]
                }
            }
            (Done, Event::ToggleReason(shown)) if self.score.is_some_and(|s| s <= 2) => {
                // Stored as the Chinese reason, whichever language the chip said it in.
                let lang = self.lang;
                let reason = RATING_REASONS.iter().find(|r| **r == shown || messages::rating_reason(lang, r) == shown);
                if let Some(r) = reason {
                    if let Some(i) = self.reasons.iter().position(|x| x == r) {
                        self.reasons.remove(i);
                    } else {
                        self.reasons.push(r.to_string());
                    }
                }
                vec![]
            }
            (Done, Event::SubmitRating) if self.score.is_some() => {
                self.step = Thanks;
                vec![Effect::SaveRating]
            }
            (Done, Event::SkipRating) => {
                self.step = Thanks;
                vec![]
            }
            (Identify | CardProblem(_), Event::Back) if !self.fast => {
                self.step = Consent;
                vec![]
            }
            (Consent | Identify | CardProblem(_) | NotEligible(_) | AlreadySubmitted(_), Event::Back) => {
                vec![Effect::Exit]
            }
            (Form, Event::Back) => {
                self.forget_card();
                vec![]
            }
            (Review, Event::Back) => {
                if self.fast || self.guide.form.is_empty() {
                    self.forget_card();
                } else {
                    self.step = Form;
                }
                vec![]
            }
            (Done | Thanks, Event::Back) => vec![Effect::Exit],
            // Anything else (a card while filling in, a stray tap) changes nothing.
            _ => vec![],
        }
    }

    /// Back to the card: the card and what was filled in are forgotten.
    fn forget_card(&mut self) {
        self.card = None;
        self.values.clear();
        self.errors.clear();
        self.step = Step::Identify;
    }

    /// The values the department gets, keyed by field.
    pub fn form_values(&self) -> BTreeMap<String, String> {
        self.guide
            .form
            .iter()
            .filter_map(|f| self.values.get(&f.key).map(|v| (f.key.clone(), v.trim().to_string())))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled, Guide};
    use crate::devices::idcard::sample_cards_on;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn guide(code: &str) -> Guide {
        bundled().items.into_iter().find(|g| g.code == code).unwrap()
    }

    fn card(key: &str) -> Card {
        sample_cards_on(today()).into_iter().find(|(k, _, _)| *k == key).unwrap().2
    }

    fn submitted() -> Submitted {
        Submitted {
            application_id: 1,
            acceptance_no: "T-20261122-0001".into(),
            print_job_id: 1,
            pickup_code: "K7M2Q9".into(),
            promised_date: None,
        }
    }

    #[test]
    fn senior_card_fast_path_goes_from_card_to_confirmation_to_slip() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        assert!(f.update(Event::CardRead(card("elderly")), today()).is_empty());
        assert_eq!(f.step, Step::Review, "one confirmation screen right after the card");
        assert_eq!(f.update(Event::Confirm, today()), vec![Effect::Submit]);
        assert_eq!(f.step, Step::Submitting);
        assert_eq!(f.update(Event::Submitted(Ok(submitted())), today()), vec![Effect::Print]);
        assert_eq!(f.step, Step::Done);
        f.update(Event::Printed(Ok(false)), today());
        assert_eq!(f.print, Some(PrintStatus::Printed { near_end: false }));
        assert_eq!(f.update(Event::Rate(5), today()), vec![Effect::SaveRating]);
        assert_eq!(f.step, Step::Thanks);
    }

    #[test]
    fn a_45_year_old_is_told_why_the_senior_card_is_not_for_them() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("younger")), today());
        let Step::NotEligible(why) = &f.step else { panic!("{:?}", f.step) };
        assert!(why.contains("年满60周岁") && why.contains("周岁"), "{why}");
        assert!(f.card.is_none(), "the card of an ineligible resident is not kept");
        assert_eq!(f.update(Event::Back, today()), vec![Effect::Exit]);
    }

    #[test]
    fn expired_cards_and_reader_problems_can_be_retried_with_another_card() {
        let mut f = Flow::start(guide("MZ0002"), false, Lang::Zh);
        f.update(Event::Agree, today());
        f.update(Event::CardRead(card("expired")), today());
        assert!(matches!(&f.step, Step::CardProblem(p) if p.contains("过期")));
        f.update(Event::CardProblem("读卡器故障，请联系工作人员。".into()), today());
        assert!(matches!(&f.step, Step::CardProblem(p) if p.contains("读卡器")));
        f.update(Event::CardRead(card("younger")), today());
        assert_eq!(f.step, Step::Form);
    }

    #[test]
    fn the_form_says_what_to_fix_and_moves_on_when_fixed() {
        let mut f = Flow::start(guide("MZ0002"), false, Lang::Zh);
        f.update(Event::Agree, today());
        f.update(Event::CardRead(card("younger")), today());
        f.update(Event::Next, today());
        assert_eq!(f.step, Step::Form);
        assert!(f.errors.get("phone").is_some_and(|e| e.contains("请填写联系电话")));
        assert!(f.errors.contains_key("reason") && f.errors.contains_key("amount"));
        f.update(Event::Set("reason".into(), "突发重大疾病".into()), today());
        assert!(!f.errors.contains_key("reason"), "a choice clears its error at once");
        f.update(Event::Set("amount".into(), "0".into()), today());
        assert!(f.errors["amount"].contains("不能少于1元"));
        f.update(Event::Set("amount".into(), "5000".into()), today());
        f.update(Event::Set("household_size".into(), "3".into()), today());
        f.update(Event::Set("phone".into(), "1380733".into()), today());
        f.update(Event::Next, today());
        assert!(f.errors["phone"].contains("11位"));
        f.update(Event::Set("phone".into(), "13807331234".into()), today());
        f.update(Event::Next, today());
        assert_eq!(f.step, Step::Review);
        assert_eq!(f.form_values().len(), 4, "the optional empty note is not sent");
        f.update(Event::Back, today());
        assert_eq!(f.step, Step::Form);
        assert_eq!(f.values["phone"], "13807331234", "going back loses nothing");
    }

    #[test]
    fn consent_comes_before_the_card_is_read() {
        let mut f = Flow::start(guide("MZ0002"), false, Lang::Zh);
        assert_eq!(f.step, Step::Consent, "the consent says the card will be read: it comes first");
        f.update(Event::CardRead(card("younger")), today());
        assert_eq!(f.step, Step::Consent, "no card is taken before consent");
        assert!(f.card.is_none());
        f.update(Event::Agree, today());
        assert_eq!(f.step, Step::Identify);
        assert!(f.update(Event::Back, today()).is_empty());
        assert_eq!(f.step, Step::Consent, "返回 from the card goes back to the consent");
        assert_eq!(f.update(Event::Back, today()), vec![Effect::Exit]);
    }

    #[test]
    fn a_second_application_on_the_same_day_needs_a_decision() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::AlreadyToday("SF-QST-01-20261122-0001".into()), today());
        assert_eq!(f.step, Step::AlreadySubmitted("SF-QST-01-20261122-0001".into()));
        assert!(f.update(Event::Confirm, today()).is_empty(), "nothing is submitted from the notice");
        assert_eq!(
            f.update(Event::ReprintEarlier, today()),
            vec![Effect::ReprintEarlier("SF-QST-01-20261122-0001".into())]
        );
        f.update(Event::ApplyAgain, today());
        assert_eq!(f.step, Step::Review, "only on purpose: then the usual confirmation");
        assert_eq!(f.update(Event::Confirm, today()), vec![Effect::Submit]);
        assert_eq!(f.update(Event::Confirm, today()), vec![], "a double tap submits once");

        let mut g = Flow::start(guide("LL0001"), true, Lang::Zh);
        g.update(Event::CardRead(card("elderly")), today());
        g.update(Event::AlreadyToday("X".into()), today());
        assert_eq!(g.update(Event::Back, today()), vec![Effect::Exit]);
    }

    #[test]
    fn an_unconfirmed_print_is_not_a_failure() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::Confirm, today());
        f.update(Event::Submitted(Ok(submitted())), today());
        f.update(Event::PrintUnconfirmed("回执应已打印".into()), today());
        assert!(matches!(&f.print, Some(PrintStatus::Unconfirmed(_))));
    }

    #[test]
    fn a_failed_submission_returns_to_review_with_the_reason() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::Confirm, today());
        f.update(Event::Submitted(Err("存储空间不足".into())), today());
        assert_eq!(f.step, Step::Review);
        assert_eq!(f.submit_error.as_deref(), Some("存储空间不足"));
    }

    #[test]
    fn paper_out_keeps_the_slip_on_screen_and_reprint_tries_again() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::Confirm, today());
        f.update(Event::Submitted(Ok(submitted())), today());
        f.update(Event::Printed(Err("打印机缺纸".into())), today());
        assert!(matches!(&f.print, Some(PrintStatus::Failed(m)) if m.contains("缺纸")));
        assert_eq!(f.step, Step::Done, "the application stays submitted");
        assert_eq!(f.update(Event::Reprint, today()), vec![Effect::Print]);
        assert_eq!(f.update(Event::Reprint, today()), vec![], "not twice while printing");
    }

    #[test]
    fn low_ratings_ask_for_reasons_and_skipping_stores_nothing() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::Confirm, today());
        f.update(Event::Submitted(Ok(submitted())), today());
        assert_eq!(f.update(Event::Rate(1), today()), vec![]);
        f.update(Event::ToggleReason("等待时间长".into()), today());
        f.update(Event::ToggleReason("不存在的理由".into()), today());
        assert_eq!(f.reasons, vec!["等待时间长".to_string()]);
        assert_eq!(f.update(Event::SubmitRating, today()), vec![Effect::SaveRating]);
        assert_eq!(f.step, Step::Thanks);

        let mut g = Flow::start(guide("LL0001"), true, Lang::Zh);
        g.update(Event::CardRead(card("elderly")), today());
        g.update(Event::Confirm, today());
        g.update(Event::Submitted(Ok(submitted())), today());
        assert_eq!(g.update(Event::SkipRating, today()), vec![]);
        assert_eq!(g.step, Step::Thanks);
    }

    #[test]
    fn stray_events_change_nothing() {
        let mut f = Flow::start(guide("LL0001"), true, Lang::Zh);
        assert!(f.update(Event::Confirm, today()).is_empty());
        assert!(f.update(Event::Rate(5), today()).is_empty());
        assert_eq!(f.step, Step::Identify);
        f.update(Event::CardRead(card("elderly")), today());
        f.update(Event::CardRead(card("younger")), today());
        assert_eq!(f.step, Step::Review, "a second card during review is ignored");
        assert!(f.card.as_ref().is_some_and(|c| c.name == card("elderly").name));
    }

    #[test]
    fn an_english_session_reads_english_and_stores_chinese() {
        let mut f = Flow::start(guide("MZ0005"), false, Lang::En);
        f.update(Event::Agree, today());
        f.update(Event::CardRead(card("expired")), today());
        assert!(matches!(&f.step, Step::CardProblem(p) if p.starts_with("Your ID card has expired")), "{:?}", f.step);
        f.update(Event::CardRead(card("elderly")), today());
        assert_eq!(f.step, Step::Form);
        f.update(Event::Next, today());
        assert_eq!(f.errors["phone"], "Please fill in “联系电话”.");
        f.update(Event::Set("lives_alone".into(), "Yes".into()), today());
        assert_eq!(f.values["lives_alone"], "是", "the department gets 是 whatever the button said");
        assert!(!f.errors.contains_key("lives_alone"));
        f.update(Event::Set("lives_alone".into(), "Maybe".into()), today());
        assert_eq!(f.errors["lives_alone"], "Please choose Yes or No for “是否独居”.");

        let mut g = Flow::start(guide("LL0001"), true, Lang::En);
        g.update(Event::CardRead(card("younger")), today());
        let Step::NotEligible(why) = &g.step else { panic!("{:?}", g.step) };
        assert!(why.starts_with("You must be 60 or older to apply for “"), "{why}");
        g.update(Event::Back, today());
        let mut g = Flow::start(guide("LL0001"), true, Lang::En);
        g.update(Event::CardRead(card("elderly")), today());
        g.update(Event::Confirm, today());
        g.update(Event::Submitted(Ok(submitted())), today());
        g.update(Event::Rate(2), today());
        g.update(Event::ToggleReason("Long wait".into()), today());
        g.update(Event::ToggleReason("Other".into()), today());
        g.update(Event::ToggleReason("Other".into()), today());
        assert_eq!(g.reasons, vec!["等待时间长".to_string()], "reasons are stored in Chinese");
    }
}
