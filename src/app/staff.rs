//! The staff flow as a pure state machine (STYLE.md §3), like the application flow: the PIN pad with
//! its lockout decisions, the maintenance menu, diagnostics, out of service and re-provisioning from
//! a bundle. `update` takes an event — carrying "now" where time matters, and whatever the runtime
//! fetched — and returns the effects the runtime (src/ui/staff.rs) executes: read and write the
//! store, gather the facts for diagnostics, ask the printing worker for the printer's status, list
//! the bundle folder, check and apply a bundle. Nothing here opens a file, a port or a database, and
//! nothing reads a clock; rendering reads this state only.
//!
//! Staff screens show no resident data; nothing here keeps more of a card than its masked name.

use chrono::{DateTime, Utc};

use crate::devices::idcard::{CardType, FaultKind, ReaderEvent};
use crate::devices::printer::{PaperState, PrinterStatus};
use crate::staff::pin::{self, Attempt, Lockout};
use crate::staff::{out_of_service_message, wording, StaffView};

/// Staff mode ends after this long without a touch: a warning at 100 s, the reset at 120 s.
pub const IDLE_SECS: u32 = 100;
pub const WARNING_SECS: u32 = 20;

/// What a test read on the diagnostics screen found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderTest {
    /// 读卡测试 was tapped: waiting for a card.
    Waiting,
    /// A card was read: its masked name and type only.
    Read {
        masked_name: String,
        card_type: CardType,
    },
    Failed(FaultKind),
}

/// The staff test page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestPage {
    Printing,
    /// What became of it, as the printing runtime words it.
    Done(String),
}

/// The printer's status on the diagnostics screen. It is asked of the printing worker (off the UI
/// thread) and never while a job is printing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PrinterCheck {
    #[default]
    NotAsked,
    /// To be asked once the next facts say whether a job is printing.
    Wanted,
    /// The printing worker has the request.
    Asking,
    /// A job is printing: not asked, so as not to disturb it.
    Printing,
    /// No printing worker runs.
    NotStarted,
    Answered(PrinterStatus),
    Failed(String),
}

/// A device's serial port as diagnostics show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub path: String,
    pub simulated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceHealth {
    NotStarted,
    Ok,
    NoAnswer,
    PortMissing,
}

/// The hub as the sync worker last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubFacts {
    NotConfigured,
    NotStarted {
        url: String,
    },
    Running {
        url: String,
        revoked: bool,
        online: bool,
        /// "11-22 10:35:07", when a round last succeeded.
        last_success: Option<String>,
        last_error: Option<String>,
    },
}

/// What the runtime gathered for the diagnostics screen (on opening it, on 刷新, after an outcome):
/// devices, hub, outbox, catalogue, versions and disk. Rendering shows it; it never fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub reader_port: Option<Port>,
    pub reader: DeviceHealth,
    pub printer_port: Option<Port>,
    /// A printing worker runs.
    pub printer_started: bool,
    pub paper_mm: u32,
    /// A print job is in flight (the terminal is busy).
    pub printing: bool,
    pub scanner_port: Option<Port>,
    pub scanner: DeviceHealth,
    pub hub: HubFacts,
    /// Applications not yet at the hub; none when the database cannot be read.
    pub outbox_depth: Option<usize>,
    /// The latest recovery from a damaged database file (src/store/recover.rs): (when, what), as the
    /// audit log has it.
    pub database_recovery: Option<(String, String)>,
    pub catalog_version: u64,
    pub catalog_items: usize,
    pub software_version: String,
    pub data_dir: String,
    /// Free bytes in the data folder, or why they could not be read.
    pub free_space: Result<u64, String>,
    pub terminal_id: String,
    pub centre_name: String,
    pub speech: SpeechFacts,
}

/// Speech as diagnostics show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpeechFacts {
    /// Why nothing can be heard (espeak-ng missing, turned off); none when speech works.
    pub unavailable: Option<String>,
    /// The last playback failure (no sound card, wrong device), if the last playback failed.
    pub playback: Option<String>,
    /// Where every utterance is also written, if anywhere.
    pub capture_dir: Option<String>,
}

/// A valid bundle waiting for 确认更新 / 取消.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBundle {
    /// The file's name in the bundle folder.
    pub name: String,
    /// Its full path (for the audit log).
    pub path: String,
    /// What it changes, one line per key (as `validated.changes` says it; no secrets).
    pub changes: Vec<String>,
    pub notes: Vec<String>,
}

/// What checking or applying a bundle came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleOutcome {
    /// The terminal runs on the built-in demo config: there is no file to rewrite.
    NoConfigFile,
    /// No such file in the bundle folder (any more).
    NotFound,
    /// Checked: these are the changes; nothing written yet.
    Valid { changes: Vec<String>, notes: Vec<String> },
    /// At 确认更新 the bundle no longer said what was confirmed: nothing written; these are its changes now.
    Changed { changes: Vec<String>, notes: Vec<String> },
    /// Written: the new config's identity.
    Applied { changes: Vec<String>, notes: Vec<String>, terminal_id: String, centre_name: String },
    /// Its problems, worded for staff; nothing written.
    Invalid(Vec<String>),
    /// The config file could not be read; nothing written.
    Unreadable(String),
    /// Writing the new config failed; the old one is in place.
    WriteFailed(String),
}

/// What 撤销上次配置 came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollbackOutcome {
    NoConfigFile,
    Done {
        terminal_id: String,
        centre_name: String,
    },
    /// The backup's problems, worded for staff; nothing changed.
    Invalid(Vec<String>),
    Failed(String),
}

/// What 用登记码配置 (enrolment with the hub by a one-time code) came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolOutcome {
    NoConfigFile,
    Done {
        terminal_id: String,
        centre_name: String,
        /// One line per key, for the audit log (no secrets).
        changes: Vec<String>,
    },
    /// Why not, worded for staff; nothing changed.
    Refused(String),
}

/// While an enrolment code is with the hub.
const ENROLLING: &str = "正在向中心平台登记，请稍候……";

/// The digits of an enrolment code (`kiosk-hub enrolment create`).
pub const ENROL_CODE_DIGITS: usize = 12;

/// Whether the out-of-service state was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Yes,
    NoStore,
    Failed,
}

// A few events a second at most, moved once each: boxing the facts would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Five taps opened the PIN pad; the lockout as the store has it (none when it cannot be read).
    Opened {
        lockout: Option<Lockout>,
        now: DateTime<Utc>,
    },
    /// A key of the PIN pad.
    Digit(String),
    /// 删除.
    Delete,
    /// 确定 on the PIN pad, with the configured PIN hash (none when the terminal has no PIN).
    ConfirmPin {
        pin_hash: Option<String>,
        now: DateTime<Utc>,
    },
    /// A menu entry.
    Open(StaffView),
    /// 返回.
    Back,
    /// 退出维护.
    Exit,
    /// 刷新.
    Refresh,
    Facts(Facts),
    /// The printing worker's answer to a status check (its error worded for staff).
    PrinterStatus(Result<PrinterStatus, String>),
    /// 打印测试页; `busy` while a print job is in flight.
    TestPrint {
        busy: bool,
    },
    /// The test page's outcome, as the printing runtime words it.
    TestPageDone(String),
    /// 读卡测试.
    TestRead,
    /// The reader said something (while a staff screen is open).
    Reader(ReaderEvent),
    /// The scanner read a code of this many characters (only its length: it may be a resident's slip).
    Scanned(usize),
    /// A window for the out-of-service message.
    ChooseWindow(String),
    /// 暂停服务 / 恢复服务, with the window residents are sent to.
    SetOutOfService {
        on: bool,
        window: String,
    },
    /// The out-of-service message was saved (none: back in service), or not.
    OutOfServiceSaved {
        message: Option<String>,
        saved: Saved,
    },
    /// The bundle folder's `*.toml` files, and whether a backup to roll back to exists.
    Bundles {
        names: Vec<String>,
        can_roll_back: bool,
    },
    /// A bundle's button: check it, then ask.
    LoadBundle(String),
    /// What checking or applying the bundle `name` (at `path`) came to.
    Bundle {
        name: String,
        path: String,
        outcome: BundleOutcome,
    },
    /// 确认更新.
    ConfirmBundle,
    /// 取消.
    CancelBundle,
    /// 撤销上次配置.
    RollBack,
    RolledBack(RollbackOutcome),
    /// A digit of the enrolment code's pad.
    CodeDigit(String),
    /// 删除 on the enrolment code's pad.
    CodeDelete,
    /// 用登记码配置, with the hub the config names (none: the terminal has no hub address).
    Enrol {
        hub_url: Option<String>,
    },
    Enrolled(EnrolOutcome),
    /// An enrolment sent in an earlier staff session (left with 首页) is still with the hub: the
    /// terminal knows, this session's flow did not.
    EnrolmentUnderway,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Persist the lockout (a restart must not reset it).
    SaveLockout(Lockout),
    /// Write a line to the audit log (never a PIN, a hash or a token).
    Audit(String),
    /// The right PIN: staff mode's own idle timing starts.
    Granted,
    /// Staff mode ends: the session is wiped.
    End,
    /// Gather the facts for diagnostics, then send `Facts`.
    Gather,
    /// Ask the printing worker for the printer's status, then send `PrinterStatus`.
    CheckPrinter,
    /// Print the test page; send `TestPageDone` when it is done (or could not be sent).
    PrintTestPage,
    /// Save the out-of-service message (none: back in service), then send `OutOfServiceSaved`.
    SaveOutOfService(Option<String>),
    /// List the bundle folder, then send `Bundles`.
    ListBundles,
    /// Validate a bundle of the folder (nothing written), then send `Bundle`.
    CheckBundle(String),
    /// Apply a bundle if it still makes exactly these changes, then send `Bundle`.
    ApplyBundle { name: String, changes: Vec<String> },
    /// Swap the config and its backup, then send `RolledBack`.
    RollBack,
    /// Exchange the code at the hub and switch the config, then send `Enrolled`.
    Enrol { hub_url: String, code: String },
}

/// The staff session: part of the resident session's state, so it ends with it (退出维护, 首页, idle).
#[derive(Clone, Default)]
pub struct StaffFlow {
    pub view: StaffView,
    /// Digits typed on the PIN pad (never shown, logged or audited; cleared by each attempt).
    pin: String,
    pub pin_message: String,
    /// The lockout as last read or written; none when the store cannot be read.
    lockout: Option<Lockout>,
    /// Staff mode is locked (as of the last PIN pad event).
    pub locked: bool,
    /// The right PIN was given: the menu and its screens are open.
    pub active: bool,
    /// The result of the last action.
    pub message: String,
    pub facts: Option<Facts>,
    pub printer: PrinterCheck,
    pub reader_test: Option<ReaderTest>,
    pub last_scan_len: Option<usize>,
    pub test_page: Option<TestPage>,
    /// The window chosen for the out-of-service message (none: the first configured).
    pub window: Option<String>,
    pub bundles: Vec<String>,
    pub can_roll_back: bool,
    pub pending: Option<PendingBundle>,
    /// The problems of the last bundle (or backup), worded for staff.
    pub problems: Vec<String>,
    /// The enrolment code typed so far (a one-time code: shown while typed, never logged).
    pub enrol_code: String,
    /// An enrolment is on its way to the hub (its answer comes as `Enrolled`).
    pub enrolling: bool,
}

/// Shows how many PIN digits were typed, never the digits; every other field as it is.
impl std::fmt::Debug for StaffFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffFlow")
            .field("view", &self.view)
            .field("pin_digits", &self.pin.len())
            .field("pin_message", &self.pin_message)
            .field("lockout", &self.lockout)
            .field("locked", &self.locked)
            .field("active", &self.active)
            .field("message", &self.message)
            .field("facts", &self.facts)
            .field("printer", &self.printer)
            .field("reader_test", &self.reader_test)
            .field("last_scan_len", &self.last_scan_len)
            .field("test_page", &self.test_page)
            .field("window", &self.window)
            .field("bundles", &self.bundles)
            .field("can_roll_back", &self.can_roll_back)
            .field("pending", &self.pending)
            .field("problems", &self.problems)
            .field("enrol_code_digits", &self.enrol_code.len())
            .field("enrolling", &self.enrolling)
            .finish()
    }
}

impl StaffFlow {
    /// Digits typed so far (the pad shows one dot each).
    pub fn pin_len(&self) -> usize {
        self.pin.len()
    }

    fn on_pad(&self) -> bool {
        !self.active && self.view == StaffView::Pin
    }

    fn at(&self, view: StaffView) -> bool {
        self.active && self.view == view
    }

    /// The window residents are sent to: the chosen one, else the first configured.
    pub fn chosen_window(&self, windows: &[String]) -> String {
        self.window.clone().or_else(|| windows.first().cloned()).unwrap_or_else(|| "服务".into())
    }

    /// The printer is to be asked with the next facts (unless a check is already out).
    fn want_printer(&mut self) {
        if self.printer != PrinterCheck::Asking {
            self.printer = PrinterCheck::Wanted;
        }
    }

    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        use StaffView::*;
        match event {
            Event::Opened { lockout, now } => {
                *self = StaffFlow { lockout, ..StaffFlow::default() };
                let minutes = lockout.and_then(|l| l.minutes_left(now));
                self.locked = minutes.is_some();
                self.pin_message =
                    minutes.map(|minutes| Attempt::StillLocked { minutes }.message()).unwrap_or_default();
                vec![]
            }
            Event::Digit(d) if self.on_pad() => {
                if self.pin.len() < pin::MAX_LEN && d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()) {
                    self.pin.push_str(&d);
                }
                vec![]
            }
            Event::Delete if self.on_pad() => {
                self.pin.pop();
                vec![]
            }
            Event::ConfirmPin { pin_hash, now } if self.on_pad() => self.confirm_pin(pin_hash.as_deref(), now),
            Event::Open(view @ (Diagnostics | OutOfService | Provision)) if self.at(Menu) => {
                self.view = view;
                self.message.clear();
                if view == Provision && self.enrolling {
                    // Left and opened again while the hub has not answered yet.
                    self.message = ENROLLING.into();
                }
                self.problems.clear();
                self.pending = None;
                match view {
                    Diagnostics => {
                        self.want_printer();
                        vec![Effect::Gather]
                    }
                    Provision => vec![Effect::ListBundles],
                    _ => vec![],
                }
            }
            Event::Back => match self.view {
                Diagnostics | OutOfService | Provision if self.active => {
                    self.view = Menu;
                    self.pending = None;
                    vec![]
                }
                _ => self.end(),
            },
            Event::Exit => self.end(),
            Event::Refresh if self.active => {
                self.message.clear();
                match self.view {
                    Diagnostics => {
                        self.want_printer();
                        vec![Effect::Gather]
                    }
                    Provision => {
                        self.problems.clear();
                        self.pending = None;
                        vec![Effect::ListBundles]
                    }
                    _ => vec![],
                }
            }
            Event::Facts(facts) if self.at(Diagnostics) => {
                let mut effects = vec![];
                if self.printer == PrinterCheck::Wanted {
                    self.printer = if !facts.printer_started {
                        PrinterCheck::NotStarted
                    } else if facts.printing {
                        PrinterCheck::Printing
                    } else {
                        effects.push(Effect::CheckPrinter);
                        PrinterCheck::Asking
                    };
                }
                self.facts = Some(facts);
                effects
            }
            Event::PrinterStatus(result) if self.printer == PrinterCheck::Asking => {
                self.printer = match result {
                    Ok(status) => PrinterCheck::Answered(status),
                    Err(e) => PrinterCheck::Failed(e),
                };
                vec![]
            }
            Event::TestPrint { busy } if self.at(Diagnostics) => {
                if busy || self.test_page == Some(TestPage::Printing) {
                    return vec![];
                }
                self.test_page = Some(TestPage::Printing);
                self.want_printer();
                vec![Effect::PrintTestPage, Effect::Gather]
            }
            Event::TestPageDone(message) if self.test_page == Some(TestPage::Printing) => {
                self.test_page = Some(TestPage::Done(message));
                if self.at(Diagnostics) {
                    self.want_printer();
                    vec![Effect::Gather]
                } else {
                    vec![]
                }
            }
            Event::TestRead if self.at(Diagnostics) => {
                self.reader_test = Some(ReaderTest::Waiting);
                vec![]
            }
            Event::Reader(e) if self.at(Diagnostics) => {
                if self.reader_test.is_some() {
                    match e {
                        ReaderEvent::CardRead(card) => {
                            self.reader_test =
                                Some(ReaderTest::Read { masked_name: card.masked_name(), card_type: card.card_type })
                        }
                        ReaderEvent::ReaderFault(kind) => self.reader_test = Some(ReaderTest::Failed(kind)),
                        ReaderEvent::CardRemoved | ReaderEvent::ReaderRecovered => {}
                    }
                }
                // The reader's health may have changed.
                vec![Effect::Gather]
            }
            Event::Scanned(chars) if self.active => {
                self.last_scan_len = Some(chars);
                vec![]
            }
            Event::ChooseWindow(w) if self.at(OutOfService) => {
                self.window = Some(w);
                vec![]
            }
            Event::SetOutOfService { on, window } if self.at(OutOfService) => {
                self.message.clear();
                vec![Effect::SaveOutOfService(on.then(|| out_of_service_message(&window)))]
            }
            Event::OutOfServiceSaved { message, saved } if self.active => match saved {
                Saved::Yes => {
                    self.message = if message.is_some() { "已暂停服务。" } else { "已恢复服务。" }.into();
                    let what = match message {
                        Some(m) => format!("out of service: {m}"),
                        None => "back in service".to_string(),
                    };
                    vec![Effect::Audit(what)]
                }
                Saved::NoStore => {
                    self.message = "终端数据库不可用，无法保存。".into();
                    vec![]
                }
                Saved::Failed => {
                    self.message = "保存失败，请重试。".into();
                    vec![]
                }
            },
            Event::Bundles { names, can_roll_back } if self.at(Provision) => {
                self.bundles = names;
                self.can_roll_back = can_roll_back;
                vec![]
            }
            Event::LoadBundle(name) if self.at(Provision) && self.pending.is_none() => {
                self.message.clear();
                self.problems.clear();
                vec![Effect::CheckBundle(name)]
            }
            Event::Bundle { name, path, outcome } if self.at(Provision) => self.bundle_outcome(name, path, outcome),
            Event::ConfirmBundle if self.at(Provision) => match self.pending.take() {
                Some(p) => vec![Effect::ApplyBundle { name: p.name, changes: p.changes }],
                None => vec![],
            },
            Event::CancelBundle if self.at(Provision) => {
                if self.pending.take().is_some() {
                    self.message = "已取消，未做任何更改。".into();
                }
                vec![]
            }
            Event::RollBack if self.at(Provision) && self.pending.is_none() => {
                self.message.clear();
                self.problems.clear();
                vec![Effect::RollBack]
            }
            Event::RolledBack(outcome) if self.at(Provision) => match outcome {
                RollbackOutcome::NoConfigFile => vec![],
                RollbackOutcome::Done { terminal_id, centre_name } => {
                    self.message = format!("已恢复上一份配置：终端号 {terminal_id}，服务中心 {centre_name}。");
                    vec![
                        Effect::Audit(format!("rolled back to the previous config ({terminal_id})")),
                        Effect::ListBundles,
                    ]
                }
                RollbackOutcome::Invalid(problems) => {
                    self.message = "备份配置有问题，未恢复：".into();
                    self.problems = problems;
                    vec![]
                }
                RollbackOutcome::Failed(e) => {
                    self.message = format!("恢复失败：{e}");
                    vec![]
                }
            },
            Event::CodeDigit(d) if self.at(Provision) && self.pending.is_none() => {
                if self.enrol_code.len() < ENROL_CODE_DIGITS && d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()) {
                    self.enrol_code.push_str(&d);
                }
                vec![]
            }
            Event::CodeDelete if self.at(Provision) => {
                self.enrol_code.pop();
                vec![]
            }
            // A second tap, or a second code, while the first is with the hub: one request at a time.
            Event::Enrol { .. } if self.at(Provision) && self.enrolling => {
                self.message = ENROLLING.into();
                vec![]
            }
            Event::Enrol { hub_url } if self.at(Provision) && self.pending.is_none() => {
                self.message.clear();
                self.problems.clear();
                match hub_url {
                    None => {
                        self.message =
                            "本终端未配置中心平台地址（[hub] url），请用配置包或 kiosk enrol 命令登记。".into();
                        vec![]
                    }
                    Some(_) if self.enrol_code.len() != ENROL_CODE_DIGITS => {
                        self.message = "登记码应为 12 位数字，请核对后重新输入。".into();
                        vec![]
                    }
                    Some(hub_url) => {
                        self.enrolling = true;
                        self.message = ENROLLING.into();
                        // The code stays typed until it worked: a refusal or an unreachable hub
                        // lets staff correct it or try again without typing it all.
                        vec![Effect::Enrol { hub_url, code: self.enrol_code.clone() }]
                    }
                }
            }
            Event::EnrolmentUnderway if self.at(Provision) => {
                self.enrolling = true;
                self.message = ENROLLING.into();
                vec![]
            }
            // Also when staff went back to the menu meanwhile: the flow must not wait for ever.
            Event::Enrolled(outcome) if self.active => {
                self.enrolling = false;
                self.enrolled(outcome)
            }
            // Anything else (a stray tap, an event for a screen no longer shown) changes nothing.
            _ => vec![],
        }
    }

    /// What an enrolment came to, on the screen and in the audit log.
    fn enrolled(&mut self, outcome: EnrolOutcome) -> Vec<Effect> {
        match outcome {
            EnrolOutcome::NoConfigFile => {
                self.message = "本终端使用内置演示配置，没有可改写的配置文件。".into();
                vec![]
            }
            EnrolOutcome::Done { terminal_id, centre_name, changes } => {
                self.enrol_code.clear();
                self.message = format!(
                    "已用登记码完成配置（{} 项更改），原配置已备份。终端号 {terminal_id}，服务中心 {centre_name}。已改用新令牌与中心平台同步。",
                    changes.len()
                );
                let what = crate::staff::audit_line("enrolled with the hub by a one-time code", &changes);
                vec![Effect::Audit(what), Effect::ListBundles]
            }
            EnrolOutcome::Refused(why) => {
                self.message = why;
                vec![Effect::Audit("enrolment with the hub refused; nothing changed".into())]
            }
        }
    }

    /// 确定 on the PIN pad: the lockout decides whether the PIN is even checked.
    fn confirm_pin(&mut self, pin_hash: Option<&str>, now: DateTime<Utc>) -> Vec<Effect> {
        let typed = std::mem::take(&mut self.pin);
        let Some(hash) = pin_hash else {
            self.pin_message = "本终端未设置维护密码（[staff] pin_hash），请用配置包设置。".into();
            return vec![];
        };
        let Some(lock) = self.lockout else {
            self.pin_message = "终端数据库不可用，暂不能进入维护。".into();
            return vec![];
        };
        // While locked the PIN is not even checked.
        let correct = lock.minutes_left(now).is_none() && pin::verify_pin(&typed, hash);
        let (next, attempt) = lock.attempt(correct, now);
        self.lockout = Some(next);
        self.locked = next.minutes_left(now).is_some();
        self.pin_message = attempt.message();
        let mut effects = vec![Effect::SaveLockout(next)];
        match attempt {
            Attempt::Granted => {
                self.active = true;
                self.view = StaffView::Menu;
                effects.push(Effect::Audit("staff mode opened".into()));
                effects.push(Effect::Granted);
            }
            Attempt::LockedNow { minutes } => effects.push(Effect::Audit(format!(
                "staff mode locked for {minutes} minutes after {} wrong PINs",
                pin::MAX_FAILURES
            ))),
            Attempt::Wrong { .. } | Attempt::StillLocked { .. } => {}
        }
        effects
    }

    /// 退出维护, or 返回 from the menu or the PIN pad.
    fn end(&mut self) -> Vec<Effect> {
        let mut effects = vec![];
        if self.active {
            effects.push(Effect::Audit("staff mode closed".into()));
        }
        effects.push(Effect::End);
        effects
    }

    fn bundle_outcome(&mut self, name: String, path: String, outcome: BundleOutcome) -> Vec<Effect> {
        match outcome {
            BundleOutcome::NoConfigFile => {
                self.message = "本终端使用内置演示配置，没有可改写的配置文件。".into();
                vec![]
            }
            BundleOutcome::NotFound => {
                self.message = format!("找不到配置包 {name}，请点“刷新”。");
                vec![]
            }
            BundleOutcome::Valid { changes, notes } => {
                self.message = format!("配置包 {name} 校验通过。确认后将做以下 {} 项更改：", changes.len());
                self.pending = Some(PendingBundle { name, path, changes, notes });
                vec![]
            }
            BundleOutcome::Changed { changes, notes } => {
                self.message =
                    format!("配置包 {name} 在确认前被改动过，未做更改。请重新核对以下 {} 项更改：", changes.len());
                self.pending = Some(PendingBundle { name, path, changes, notes });
                vec![]
            }
            BundleOutcome::Applied { changes, notes, terminal_id, centre_name } => {
                let mut message = format!(
                    "配置已更新（{} 项更改），原配置已备份。终端号 {terminal_id}，服务中心 {centre_name}。设备端口等设置在重启后生效。",
                    changes.len()
                );
                for n in &notes {
                    message.push_str(n);
                }
                self.message = message;
                let what = crate::staff::audit_line(&format!("provisioned from {path}"), &changes);
                vec![Effect::Audit(what), Effect::ListBundles]
            }
            BundleOutcome::Invalid(problems) => {
                self.message = format!("配置包有 {} 处问题，未做任何更改：", problems.len());
                let what = format!("bundle {path} refused: {} problem(s)", problems.len());
                self.problems = problems;
                vec![Effect::Audit(what)]
            }
            BundleOutcome::Unreadable(e) => {
                self.message = format!("读取配置失败，未做更改：{e}");
                vec![]
            }
            BundleOutcome::WriteFailed(e) => {
                self.message = format!("写入配置失败，未做更改：{e}");
                vec![]
            }
        }
    }

    /// The diagnostics screen, one line per fact; empty until the facts came in.
    pub fn diagnostics(&self) -> Vec<String> {
        let Some(f) = &self.facts else { return vec![] };
        let port = |p: &Option<Port>| match p {
            Some(Port { path, simulated: true }) => format!("{path}（模拟）"),
            Some(Port { path, simulated: false }) => path.clone(),
            None => "未配置".to_string(),
        };
        let mut out = vec![format!("读卡器：端口 {}，状态 {}", port(&f.reader_port), health_text(f.reader))];
        if let Some(t) = &self.reader_test {
            out.push(format!("读卡测试：{}", reader_test_text(t)));
        }
        let status = match &self.printer {
            PrinterCheck::NotAsked | PrinterCheck::Wanted => "状态未读取，请点“刷新”".to_string(),
            PrinterCheck::Asking => "正在读取状态…".to_string(),
            PrinterCheck::Printing => "正在打印，稍后请点“刷新”".to_string(),
            PrinterCheck::NotStarted if f.printer_port.is_none() => "未配置端口".to_string(),
            PrinterCheck::NotStarted => "打印服务未启动".to_string(),
            PrinterCheck::Answered(st) => printer_status_text(st),
            PrinterCheck::Failed(e) => format!("无法读取状态（{e}）"),
        };
        out.push(format!("打印机：端口 {}，纸宽 {} 毫米，{status}", port(&f.printer_port), f.paper_mm));
        match &self.test_page {
            Some(TestPage::Printing) => out.push("测试页：正在打印…".into()),
            Some(TestPage::Done(m)) => out.push(format!("测试页：{m}")),
            None => {}
        }
        let last = self.last_scan_len.map_or("无".to_string(), |n| format!("{n} 个字符"));
        out.push(format!(
            "扫码器：端口 {}，状态 {}，最近一次扫码 {last}",
            port(&f.scanner_port),
            health_text(f.scanner)
        ));
        out.push(match (&f.speech.unavailable, &f.speech.playback) {
            (Some(why), _) => format!("语音朗读：不可用（{why}）"),
            (None, Some(p)) => format!("语音朗读：可合成，但无法播放（{p}）"),
            (None, None) => "语音朗读：正常".to_string(),
        });
        if let Some(dir) = &f.speech.capture_dir {
            out.push(format!("语音录存目录：{dir}"));
        }
        match &f.hub {
            HubFacts::NotConfigured => out.push("中心平台：未配置（仅离线工作）".into()),
            HubFacts::NotStarted { url } => out.push(format!("中心平台：{url}（同步未启动）")),
            HubFacts::Running { url, revoked, online, last_success, last_error } => {
                let state = if *revoked {
                    "中心平台拒绝本终端（已停用或令牌无效），申请暂存本机"
                } else if *online {
                    "连接正常"
                } else {
                    "无法连接"
                };
                let last = last_success.as_deref().unwrap_or("从未");
                out.push(format!("中心平台：{url}，{state}，最近一次成功同步 {last}"));
                if let Some(e) = last_error {
                    out.push(format!("最近的同步错误：{e}"));
                }
            }
        }
        out.push(match f.outbox_depth {
            Some(n) => format!("待上传申请：{n} 件"),
            None => "待上传申请：数据库不可用".into(),
        });
        if let Some((at, what)) = &f.database_recovery {
            let at =
                chrono::DateTime::parse_from_rfc3339(at).map_or(at.clone(), |t| t.format("%m-%d %H:%M").to_string());
            // The audit entry says it in Chinese, then in English for the log: staff read the first.
            let chinese = what.split_inclusive('。').next().unwrap_or(what);
            out.push(format!("数据库恢复（{at}）：{chinese}"));
        }
        out.push(format!("办事指南目录：版本 {}，共 {} 项", f.catalog_version, f.catalog_items));
        out.push(format!("软件版本：{}", f.software_version));
        out.push(match &f.free_space {
            Ok(b) => format!("数据目录可用空间：{}（{}）", crate::staff::disk::human(*b), f.data_dir),
            Err(e) => format!("数据目录可用空间：无法读取（{}：{e}）", f.data_dir),
        });
        out.push(format!("终端号：{}　服务中心：{}", f.terminal_id, f.centre_name));
        out
    }

    /// The pending bundle's changes and notes as the confirmation screen lists them.
    pub fn pending_lines(&self) -> Vec<String> {
        let Some(p) = &self.pending else { return vec![] };
        p.changes.iter().map(|c| wording::change(c)).chain(p.notes.iter().cloned()).collect()
    }
}

fn health_text(h: DeviceHealth) -> &'static str {
    match h {
        DeviceHealth::NotStarted => "未启动",
        DeviceHealth::Ok => "正常",
        DeviceHealth::NoAnswer => "无应答",
        DeviceHealth::PortMissing => "端口不存在",
    }
}

fn reader_test_text(t: &ReaderTest) -> String {
    match t {
        ReaderTest::Waiting => "请将身份证放在感应区（只显示遮挡后的姓名和证件类型）。".into(),
        ReaderTest::Read { masked_name, card_type } => {
            let kind = match card_type {
                CardType::Resident => "居民身份证",
                CardType::HkMoTw => "港澳台居民居住证",
                CardType::Foreign => "外国人永久居留身份证",
            };
            format!("读卡成功：{masked_name}（{kind}）")
        }
        ReaderTest::Failed(kind) => {
            let what = match kind {
                FaultKind::PortMissing => "读卡器端口不存在",
                FaultKind::NoAnswer => "读卡器无应答",
                FaultKind::Garbled => "读卡器应答有误（校验错误）",
                FaultKind::Device(_) => "读卡器报告故障",
                FaultKind::CardUnreadable => "证件无法读取，请重新放置",
            };
            format!("读卡失败：{what}（{kind:?}）")
        }
    }
}

/// "在线，缺纸，状态字节 16 12 72" for staff.
pub fn printer_status_text(st: &PrinterStatus) -> String {
    let mut parts = vec![if st.online { "在线" } else { "离线" }.to_string()];
    parts.push(
        match st.paper {
            PaperState::Ok => "纸张正常",
            PaperState::NearEnd => "纸将用完",
            PaperState::Out => "缺纸",
        }
        .into(),
    );
    if st.cover_open {
        parts.push("纸仓盖打开".into());
    }
    if st.error {
        parts.push("故障".into());
    }
    parts.push(format!("状态字节 {:02X} {:02X} {:02X}", st.raw[0], st.raw[1], st.raw[2]));
    parts.join("，")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::idcard::sample_cards;
    use crate::devices::printer::status::parse_status;
    use chrono::Duration;

    /// The demo PIN 246810's hash (kiosk-config/demo.toml).
    const HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$iiHvfuvDqaB2YTTTaj9MEQ$TWSXRyIIPETqTNvmOHVQHMP75O7fFb4PAnKOPFgzJAE";
    const PIN: &str = "246810";

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn opened(lockout: Option<Lockout>) -> StaffFlow {
        let mut f = StaffFlow::default();
        assert!(f.update(Event::Opened { lockout, now: t0() }).is_empty());
        f
    }

    fn type_pin(f: &mut StaffFlow, pin: &str) {
        for d in pin.chars() {
            f.update(Event::Digit(d.to_string()));
        }
    }

    fn confirm(f: &mut StaffFlow, pin: &str, now: DateTime<Utc>) -> Vec<Effect> {
        type_pin(f, pin);
        f.update(Event::ConfirmPin { pin_hash: Some(HASH.into()), now })
    }

    fn menu() -> StaffFlow {
        let mut f = opened(Some(Lockout::default()));
        confirm(&mut f, PIN, t0());
        assert_eq!(f.view, StaffView::Menu);
        f
    }

    fn at(view: StaffView) -> StaffFlow {
        let mut f = menu();
        f.update(Event::Open(view));
        f
    }

    fn facts() -> Facts {
        Facts {
            reader_port: Some(Port { path: "/dev/pts/7".into(), simulated: true }),
            reader: DeviceHealth::Ok,
            printer_port: Some(Port { path: "/dev/ttyS1".into(), simulated: false }),
            printer_started: true,
            paper_mm: 80,
            printing: false,
            scanner_port: None,
            scanner: DeviceHealth::NotStarted,
            hub: HubFacts::NotConfigured,
            outbox_depth: Some(0),
            database_recovery: None,
            catalog_version: 3,
            catalog_items: 120,
            software_version: "0.1.0".into(),
            data_dir: "/var/lib/kiosk".into(),
            free_space: Ok(3 * 1024 * 1024 * 1024 / 2),
            terminal_id: "SF-QST-01".into(),
            centre_name: "清水塘".into(),
            speech: SpeechFacts::default(),
        }
    }

    fn paper_out() -> PrinterStatus {
        parse_status(0x16, 0x32, 0x72).unwrap()
    }

    fn line(f: &StaffFlow, start: &str) -> String {
        f.diagnostics().into_iter().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no {start} line"))
    }

    #[test]
    fn an_enrolment_code_is_typed_then_exchanged_once_and_its_outcome_shown() {
        let mut f = at(StaffView::Provision);
        assert_eq!(f.update(Event::Enrol { hub_url: Some("http://hub".into()) }), vec![]);
        assert!(f.message.contains("12 位数字"), "{}", f.message);
        for d in "4930271855219".chars() {
            f.update(Event::CodeDigit(d.to_string()));
        }
        f.update(Event::CodeDigit("x".into()));
        assert_eq!(f.enrol_code, "493027185521", "at most 12 digits");
        assert!(!format!("{f:?}").contains("4930"), "the code never shows in debug output");
        assert_eq!(f.update(Event::Enrol { hub_url: None }), vec![]);
        assert!(f.message.contains("未配置中心平台地址"));
        assert_eq!(
            f.update(Event::Enrol { hub_url: Some("http://hub".into()) }),
            vec![Effect::Enrol { hub_url: "http://hub".into(), code: "493027185521".into() }]
        );
        assert_eq!(f.enrol_code, "493027185521", "kept until it worked");
        assert!(f.enrolling && f.message.starts_with("正在向中心平台登记"), "{}", f.message);
        f.message.clear();
        assert_eq!(f.update(Event::Enrol { hub_url: Some("http://hub".into()) }), vec![], "one at a time");
        assert!(f.message.starts_with("正在向中心平台登记"), "and the second tap is told so: {}", f.message);
        f.update(Event::Back);
        f.update(Event::Open(StaffView::Provision));
        assert!(f.message.starts_with("正在向中心平台登记"), "left and opened again: {}", f.message);
        f.update(Event::Enrolled(EnrolOutcome::Refused("登记码不正确，请核对后重新输入。".into())));
        assert_eq!(f.message, "登记码不正确，请核对后重新输入。");
        assert!(!f.enrolling);
        assert_eq!(f.enrol_code, "493027185521", "to correct it or try again");
        f.update(Event::CodeDelete);
        f.update(Event::CodeDigit("2".into()));
        assert_eq!(
            f.update(Event::Enrol { hub_url: Some("http://hub".into()) }),
            vec![Effect::Enrol { hub_url: "http://hub".into(), code: "493027185522".into() }]
        );
        let done = EnrolOutcome::Done {
            terminal_id: "SF-YT-03".into(),
            centre_name: "月塘".into(),
            changes: vec!["terminal_id: \"A\" → \"SF-YT-03\"".into()],
        };
        let effects = f.update(Event::Enrolled(done));
        assert!(matches!(&effects[0], Effect::Audit(w) if w.contains("enrolled") && w.contains("SF-YT-03")));
        assert!(f.message.starts_with("已用登记码完成配置") && f.message.contains("SF-YT-03"), "{}", f.message);
        assert!(!f.enrolling);
        assert!(f.enrol_code.is_empty(), "a used code is gone once it worked");
    }

    #[test]
    fn an_enrolment_answered_while_staff_are_elsewhere_ends_the_wait_and_one_from_before_is_waited_for() {
        let mut f = at(StaffView::Provision);
        for d in "493027185521".chars() {
            f.update(Event::CodeDigit(d.to_string()));
        }
        assert_eq!(f.update(Event::Enrol { hub_url: Some("http://hub".into()) }).len(), 1);
        f.update(Event::Back);
        let done = EnrolOutcome::Done { terminal_id: "SF-YT-03".into(), centre_name: "月塘".into(), changes: vec![] };
        let effects = f.update(Event::Enrolled(done));
        assert!(matches!(&effects[0], Effect::Audit(w) if w.contains("enrolled")), "audited from the menu too");
        assert!(!f.enrolling, "the screen does not wait for ever");
        // A new staff session (after 首页) on the same screen while an earlier request is with the hub.
        let mut g = at(StaffView::Provision);
        g.update(Event::EnrolmentUnderway);
        assert!(g.enrolling && g.message.starts_with("正在向中心平台登记"), "{}", g.message);
        assert!(g.update(Event::Enrol { hub_url: Some("http://hub".into()) }).is_empty(), "nothing sent meanwhile");
    }

    #[test]
    fn the_right_pin_opens_the_menu_and_starts_staff_idle_timing() {
        let mut f = opened(Some(Lockout::default()));
        assert_eq!(f.view, StaffView::Pin);
        assert!(!f.locked && f.pin_message.is_empty());
        let effects = confirm(&mut f, PIN, t0());
        assert_eq!(
            effects,
            vec![Effect::SaveLockout(Lockout::default()), Effect::Audit("staff mode opened".into()), Effect::Granted]
        );
        assert!(f.active);
        assert_eq!(f.view, StaffView::Menu);
        assert_eq!(f.pin_len(), 0);
    }

    #[test]
    fn a_wrong_pin_says_how_many_tries_are_left_and_clears_the_pad() {
        let mut f = opened(Some(Lockout::default()));
        let effects = confirm(&mut f, "111111", t0());
        assert_eq!(effects, vec![Effect::SaveLockout(Lockout { failures: 1, locked_until: None })]);
        assert_eq!(f.pin_message, "密码错误，还可以再试 4 次。");
        assert_eq!(f.pin_len(), 0, "cleared after each attempt");
        assert!(!f.active);
    }

    #[test]
    fn the_fifth_wrong_pin_locks_and_even_the_right_one_is_then_refused() {
        let mut f = opened(Some(Lockout { failures: 4, locked_until: None }));
        let effects = confirm(&mut f, "111111", t0());
        let until = t0() + Duration::minutes(5);
        assert_eq!(
            effects,
            vec![
                Effect::SaveLockout(Lockout { failures: 0, locked_until: Some(until) }),
                Effect::Audit("staff mode locked for 5 minutes after 5 wrong PINs".into())
            ]
        );
        assert!(f.locked);
        let effects = confirm(&mut f, PIN, t0() + Duration::seconds(61));
        assert!(!effects.contains(&Effect::Granted));
        assert!(f.pin_message.contains("4 分钟后再试"), "{}", f.pin_message);
        assert!(!f.active);
        // Once the lock has passed, the right PIN opens.
        confirm(&mut f, PIN, t0() + Duration::minutes(5));
        assert!(f.active && !f.locked);
    }

    #[test]
    fn a_lock_read_from_the_store_shows_at_once() {
        let f = opened(Some(Lockout { failures: 0, locked_until: Some(t0() + Duration::seconds(150)) }));
        assert!(f.locked);
        assert_eq!(f.pin_message, "密码错误次数过多，维护功能已锁定，请 3 分钟后再试。");
    }

    #[test]
    fn without_a_pin_hash_or_a_store_staff_mode_stays_closed() {
        let mut f = opened(Some(Lockout::default()));
        type_pin(&mut f, PIN);
        assert!(f.update(Event::ConfirmPin { pin_hash: None, now: t0() }).is_empty());
        assert!(f.pin_message.contains("pin_hash") && !f.active);
        let mut g = opened(None);
        assert!(confirm(&mut g, PIN, t0()).is_empty(), "no lockout to save: nothing is checked");
        assert!(g.pin_message.contains("数据库不可用") && !g.active);
    }

    #[test]
    fn the_pad_takes_single_digits_up_to_the_longest_pin_and_deletes() {
        let mut f = opened(Some(Lockout::default()));
        for d in ["1", "x", "23", "", "4"] {
            f.update(Event::Digit(d.into()));
        }
        assert_eq!(f.pin_len(), 2);
        f.update(Event::Delete);
        assert_eq!(f.pin_len(), 1);
        type_pin(&mut f, "9999999999999999");
        assert_eq!(f.pin_len(), pin::MAX_LEN);
        let shown = format!("{f:?}");
        assert!(shown.contains("pin_digits: 12") && !shown.contains("9999"), "{shown}");
    }

    #[test]
    fn menu_entries_open_only_after_the_right_pin() {
        let mut f = opened(Some(Lockout::default()));
        assert!(f.update(Event::Open(StaffView::Diagnostics)).is_empty());
        assert_eq!(f.view, StaffView::Pin);
        let mut f = menu();
        assert!(f.update(Event::Open(StaffView::Pin)).is_empty(), "the pad is not a menu entry");
        assert_eq!(f.update(Event::Open(StaffView::Diagnostics)), vec![Effect::Gather]);
        assert_eq!(f.view, StaffView::Diagnostics);
        assert_eq!(f.printer, PrinterCheck::Wanted);
        let mut f = menu();
        assert_eq!(f.update(Event::Open(StaffView::Provision)), vec![Effect::ListBundles]);
        let mut f = menu();
        assert!(f.update(Event::Open(StaffView::OutOfService)).is_empty());
        assert_eq!(f.view, StaffView::OutOfService);
    }

    #[test]
    fn back_goes_to_the_menu_then_ends_staff_mode_and_exit_ends_it_at_once() {
        let mut f = at(StaffView::Provision);
        assert!(f.update(Event::Back).is_empty());
        assert_eq!(f.view, StaffView::Menu);
        assert_eq!(f.update(Event::Back), vec![Effect::Audit("staff mode closed".into()), Effect::End]);
        let mut f = at(StaffView::Diagnostics);
        assert_eq!(f.update(Event::Exit), vec![Effect::Audit("staff mode closed".into()), Effect::End]);
        let mut f = opened(Some(Lockout::default()));
        assert_eq!(f.update(Event::Back), vec![Effect::End], "nothing to audit from the pad");
    }

    #[test]
    fn diagnostics_tell_staff_of_a_database_recovery() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        assert!(!f.diagnostics().iter().any(|l| l.starts_with("数据库恢复")), "nothing when there was none");
        let what =
            "数据库文件已损坏，已另存为 kiosk.sqlite3.corrupt-20261130-101500，已恢复 3 份申请（1 份无法读取）。 \
                    The database file was damaged; moved aside as kiosk.sqlite3.corrupt-20261130-101500.";
        f.update(Event::Facts(Facts {
            database_recovery: Some(("2026-11-30T10:15:00+08:00".into(), what.into())),
            ..facts()
        }));
        assert_eq!(
            line(&f, "数据库恢复"),
            "数据库恢复（11-30 10:15）：数据库文件已损坏，已另存为 kiosk.sqlite3.corrupt-20261130-101500，已恢复 3 份申请（1 份无法读取）。"
        );
    }

    #[test]
    fn diagnostics_say_whether_speech_works_and_why_not() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        assert_eq!(line(&f, "语音朗读"), "语音朗读：正常");
        let missing = SpeechFacts {
            unavailable: Some("espeak-ng not found on PATH (install the Debian package espeak-ng)".into()),
            playback: None,
            capture_dir: Some("/var/lib/kiosk/speech".into()),
        };
        f.update(Event::Facts(Facts { speech: missing, ..facts() }));
        assert!(line(&f, "语音朗读").contains("不可用（espeak-ng not found"), "{}", line(&f, "语音朗读"));
        assert_eq!(line(&f, "语音录存目录"), "语音录存目录：/var/lib/kiosk/speech");
        let silent_room = SpeechFacts { playback: Some("aplay failed".into()), ..SpeechFacts::default() };
        f.update(Event::Facts(Facts { speech: silent_room, ..facts() }));
        assert_eq!(line(&f, "语音朗读"), "语音朗读：可合成，但无法播放（aplay failed）");
    }

    #[test]
    fn diagnostics_ask_the_printer_only_when_no_job_is_printing() {
        let mut f = at(StaffView::Diagnostics);
        assert_eq!(f.update(Event::Facts(facts())), vec![Effect::CheckPrinter]);
        assert_eq!(f.printer, PrinterCheck::Asking);
        assert!(line(&f, "打印机：").contains("正在读取状态"));
        f.update(Event::PrinterStatus(Ok(paper_out())));
        let printer = line(&f, "打印机：");
        assert!(printer.contains("缺纸") && printer.contains("状态字节 16 32 72"), "{printer}");
        assert!(printer.contains("/dev/ttyS1") && printer.contains("纸宽 80 毫米"), "{printer}");

        // 刷新 while a job prints: the printer is left alone.
        assert_eq!(f.update(Event::Refresh), vec![Effect::Gather]);
        assert!(f.update(Event::Facts(Facts { printing: true, ..facts() })).is_empty());
        assert_eq!(f.printer, PrinterCheck::Printing);
        assert!(line(&f, "打印机：").contains("正在打印"));
    }

    #[test]
    fn a_refresh_while_a_check_is_out_asks_no_second_time() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        f.update(Event::Refresh);
        assert!(f.update(Event::Facts(facts())).is_empty());
        assert_eq!(f.printer, PrinterCheck::Asking);
        f.update(Event::PrinterStatus(Err("no answer".into())));
        assert!(line(&f, "打印机：").contains("无法读取状态（no answer）"));
        assert!(f.update(Event::PrinterStatus(Ok(paper_out()))).is_empty(), "an answer nobody waits for");
        assert!(matches!(f.printer, PrinterCheck::Failed(_)));
    }

    #[test]
    fn without_a_printing_worker_nothing_is_asked() {
        let mut f = at(StaffView::Diagnostics);
        assert!(f.update(Event::Facts(Facts { printer_started: false, printer_port: None, ..facts() })).is_empty());
        assert!(line(&f, "打印机：").contains("未配置端口"));
    }

    #[test]
    fn the_facts_become_one_line_each() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(Facts {
            hub: HubFacts::Running {
                url: "http://hub".into(),
                revoked: false,
                online: false,
                last_success: None,
                last_error: Some("timeout".into()),
            },
            outbox_depth: None,
            ..facts()
        }));
        f.update(Event::Scanned(42));
        assert_eq!(line(&f, "读卡器："), "读卡器：端口 /dev/pts/7（模拟），状态 正常");
        assert_eq!(line(&f, "扫码器："), "扫码器：端口 未配置，状态 未启动，最近一次扫码 42 个字符");
        assert_eq!(line(&f, "中心平台："), "中心平台：http://hub，无法连接，最近一次成功同步 从未");
        assert_eq!(line(&f, "最近的同步错误："), "最近的同步错误：timeout");
        assert_eq!(line(&f, "待上传申请："), "待上传申请：数据库不可用");
        assert_eq!(line(&f, "办事指南目录："), "办事指南目录：版本 3，共 120 项");
        assert_eq!(line(&f, "数据目录可用空间："), "数据目录可用空间：1.5 GB（/var/lib/kiosk）");
        assert_eq!(line(&f, "终端号："), "终端号：SF-QST-01　服务中心：清水塘");
        assert!(StaffFlow::default().diagnostics().is_empty(), "nothing before the facts came in");
    }

    #[test]
    fn a_test_page_is_sent_once_and_its_outcome_shown() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        f.update(Event::PrinterStatus(Ok(paper_out())));
        assert!(f.update(Event::TestPrint { busy: true }).is_empty(), "not while a job prints");
        assert_eq!(f.update(Event::TestPrint { busy: false }), vec![Effect::PrintTestPage, Effect::Gather]);
        assert!(f.update(Event::TestPrint { busy: false }).is_empty(), "a double tap prints once");
        assert_eq!(line(&f, "测试页："), "测试页：正在打印…");
        f.update(Event::Facts(Facts { printing: true, ..facts() }));
        assert_eq!(f.printer, PrinterCheck::Printing);
        assert_eq!(f.update(Event::TestPageDone("已打印".into())), vec![Effect::Gather]);
        assert_eq!(line(&f, "测试页："), "测试页：已打印");
        assert_eq!(f.update(Event::Facts(facts())), vec![Effect::CheckPrinter], "asked again once it is done");
        assert!(f.update(Event::TestPageDone("again".into())).is_empty());
    }

    #[test]
    fn a_test_read_shows_the_masked_name_and_card_type_only_when_armed() {
        let card = sample_cards().into_iter().find(|(k, _, _)| *k == "elderly").unwrap().2;
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        assert_eq!(f.update(Event::Reader(ReaderEvent::CardRead(card.clone()))), vec![Effect::Gather]);
        assert!(f.reader_test.is_none(), "not armed: no card is shown");
        f.update(Event::TestRead);
        assert!(line(&f, "读卡测试：").contains("请将身份证放在感应区"));
        f.update(Event::Reader(ReaderEvent::CardRead(card.clone())));
        let shown = line(&f, "读卡测试：");
        assert_eq!(shown, format!("读卡测试：读卡成功：{}（居民身份证）", card.masked_name()));
        assert!(!format!("{f:?}").contains(&card.name) && !format!("{f:?}").contains(&card.id_number));
        f.update(Event::Reader(ReaderEvent::ReaderFault(FaultKind::NoAnswer)));
        assert_eq!(line(&f, "读卡测试："), "读卡测试：读卡失败：读卡器无应答（NoAnswer）");
        let mut g = at(StaffView::Provision);
        assert!(g.update(Event::Reader(ReaderEvent::ReaderFault(FaultKind::NoAnswer))).is_empty());
    }

    #[test]
    fn out_of_service_is_saved_with_the_chosen_window_and_audited() {
        let windows = vec!["1号".to_string(), "2号".to_string()];
        let mut f = at(StaffView::OutOfService);
        assert_eq!(f.chosen_window(&windows), "1号");
        f.update(Event::ChooseWindow("2号".into()));
        assert_eq!(f.chosen_window(&windows), "2号");
        let effects = f.update(Event::SetOutOfService { on: true, window: f.chosen_window(&windows) });
        let message = "暂停服务，请前往2号窗口办理".to_string();
        assert_eq!(effects, vec![Effect::SaveOutOfService(Some(message.clone()))]);
        let effects = f.update(Event::OutOfServiceSaved { message: Some(message.clone()), saved: Saved::Yes });
        assert_eq!(effects, vec![Effect::Audit(format!("out of service: {message}"))]);
        assert_eq!(f.message, "已暂停服务。");
        assert_eq!(
            f.update(Event::SetOutOfService { on: false, window: "2号".into() }),
            vec![Effect::SaveOutOfService(None)]
        );
        f.update(Event::OutOfServiceSaved { message: None, saved: Saved::Yes });
        assert_eq!(f.message, "已恢复服务。");
        assert!(f.update(Event::OutOfServiceSaved { message: None, saved: Saved::Failed }).is_empty());
        assert_eq!(f.message, "保存失败，请重试。");
        f.update(Event::OutOfServiceSaved { message: None, saved: Saved::NoStore });
        assert!(f.message.contains("数据库不可用"));
        let mut g = at(StaffView::Diagnostics);
        assert!(g.update(Event::SetOutOfService { on: true, window: "1号".into() }).is_empty());
    }

    fn bundle(outcome: BundleOutcome) -> Event {
        Event::Bundle { name: "move.toml".into(), path: "/media/usb/move.toml".into(), outcome }
    }

    fn changes() -> Vec<String> {
        vec!["terminal_id: \"SF-QST-01\" → \"SF-HTL-03\"".to_string(), "staff.pin_hash changed".to_string()]
    }

    #[test]
    fn a_valid_bundle_is_applied_only_after_confirmation() {
        let mut f = at(StaffView::Provision);
        f.update(Event::Bundles { names: vec!["move.toml".into()], can_roll_back: false });
        assert_eq!(f.update(Event::LoadBundle("move.toml".into())), vec![Effect::CheckBundle("move.toml".into())]);
        assert!(f.update(bundle(BundleOutcome::Valid { changes: changes(), notes: vec![] })).is_empty());
        assert!(f.message.contains("确认后将做以下 2 项更改"), "{}", f.message);
        assert_eq!(
            f.pending_lines(),
            vec![
                "terminal_id：\"SF-QST-01\" → \"SF-HTL-03\"".to_string(),
                "staff.pin_hash：将更改（内容不显示）".into()
            ]
        );
        assert!(f.update(Event::LoadBundle("other.toml".into())).is_empty(), "one bundle at a time");
        assert_eq!(
            f.update(Event::ConfirmBundle),
            vec![Effect::ApplyBundle { name: "move.toml".into(), changes: changes() }]
        );
        assert!(f.update(Event::ConfirmBundle).is_empty(), "a double tap applies once");
        let effects = f.update(bundle(BundleOutcome::Applied {
            changes: changes(),
            notes: vec![],
            terminal_id: "SF-HTL-03".into(),
            centre_name: "月塘".into(),
        }));
        assert_eq!(
            effects,
            vec![
                Effect::Audit(
                    "provisioned from /media/usb/move.toml; terminal_id: \"SF-QST-01\" → \"SF-HTL-03\"; \
                     staff.pin_hash changed"
                        .into()
                ),
                Effect::ListBundles
            ]
        );
        assert!(f.message.starts_with("配置已更新（2 项更改）") && f.message.contains("终端号 SF-HTL-03"));
        assert!(f.pending.is_none());
    }

    #[test]
    fn cancelling_a_bundle_changes_nothing() {
        let mut f = at(StaffView::Provision);
        f.update(Event::LoadBundle("move.toml".into()));
        f.update(bundle(BundleOutcome::Valid { changes: changes(), notes: vec!["note".into()] }));
        assert_eq!(f.pending_lines().last().map(String::as_str), Some("note"));
        assert!(f.update(Event::CancelBundle).is_empty());
        assert_eq!(f.message, "已取消，未做任何更改。");
        assert!(f.pending.is_none());
        assert!(f.update(Event::ConfirmBundle).is_empty(), "nothing left to confirm");
        // 返回 from a confirmation drops it too.
        f.update(Event::LoadBundle("move.toml".into()));
        f.update(bundle(BundleOutcome::Valid { changes: changes(), notes: vec![] }));
        f.update(Event::Back);
        assert!(f.pending.is_none());
    }

    #[test]
    fn a_bundle_changed_before_confirmation_is_shown_again() {
        let mut f = at(StaffView::Provision);
        f.update(Event::LoadBundle("move.toml".into()));
        f.update(bundle(BundleOutcome::Valid { changes: changes(), notes: vec![] }));
        f.update(Event::ConfirmBundle);
        let now = vec!["centre_name: \"清水塘\" → \"别处\"".to_string()];
        assert!(f.update(bundle(BundleOutcome::Changed { changes: now.clone(), notes: vec![] })).is_empty());
        assert!(f.message.contains("被改动过"));
        assert_eq!(f.pending.as_ref().map(|p| p.changes.clone()), Some(now.clone()));
        assert_eq!(
            f.update(Event::ConfirmBundle),
            vec![Effect::ApplyBundle { name: "move.toml".into(), changes: now }]
        );
    }

    #[test]
    fn an_invalid_bundle_lists_its_problems_and_is_audited() {
        let mut f = at(StaffView::Provision);
        f.update(Event::LoadBundle("move.toml".into()));
        let problems = vec!["a：printer.port：应为设备路径".to_string(), "a：hub.url：必须填写".into()];
        let effects = f.update(bundle(BundleOutcome::Invalid(problems.clone())));
        assert_eq!(effects, vec![Effect::Audit("bundle /media/usb/move.toml refused: 2 problem(s)".into())]);
        assert_eq!(f.message, "配置包有 2 处问题，未做任何更改：");
        assert_eq!(f.problems, problems);
        assert!(f.pending.is_none());
        f.update(Event::Refresh);
        assert!(f.problems.is_empty() && f.message.is_empty(), "刷新 starts over");
    }

    #[test]
    fn bundle_outcomes_without_changes_say_why() {
        let mut f = at(StaffView::Provision);
        for (outcome, says) in [
            (BundleOutcome::NoConfigFile, "内置演示配置"),
            (BundleOutcome::NotFound, "找不到配置包 move.toml"),
            (BundleOutcome::Unreadable("gone".into()), "读取配置失败，未做更改：gone"),
            (BundleOutcome::WriteFailed("disk full".into()), "写入配置失败，未做更改：disk full"),
        ] {
            assert!(f.update(bundle(outcome)).is_empty());
            assert!(f.message.contains(says), "{}", f.message);
            assert!(f.pending.is_none());
        }
    }

    #[test]
    fn a_rollback_is_audited_and_its_problems_shown() {
        let mut f = at(StaffView::Provision);
        assert_eq!(f.update(Event::RollBack), vec![Effect::RollBack]);
        let effects = f.update(Event::RolledBack(RollbackOutcome::Done {
            terminal_id: "SF-QST-01".into(),
            centre_name: "清水塘".into(),
        }));
        assert_eq!(
            effects,
            vec![Effect::Audit("rolled back to the previous config (SF-QST-01)".into()), Effect::ListBundles]
        );
        assert_eq!(f.message, "已恢复上一份配置：终端号 SF-QST-01，服务中心 清水塘。");
        f.update(Event::RolledBack(RollbackOutcome::Invalid(vec!["x".into()])));
        assert_eq!((f.message.as_str(), f.problems.len()), ("备份配置有问题，未恢复：", 1));
        f.update(Event::RolledBack(RollbackOutcome::Failed("no backup".into())));
        assert_eq!(f.message, "恢复失败：no backup");
    }

    #[test]
    fn opening_the_pad_again_starts_a_fresh_staff_session() {
        let mut f = at(StaffView::Diagnostics);
        f.update(Event::Facts(facts()));
        f.update(Event::Scanned(3));
        f.update(Event::Opened { lockout: Some(Lockout::default()), now: t0() });
        assert_eq!(format!("{f:?}"), format!("{:?}", opened(Some(Lockout::default()))));
    }

    #[test]
    fn stray_events_change_nothing() {
        let mut f = opened(Some(Lockout::default()));
        let before = format!("{f:?}");
        for e in [
            Event::Refresh,
            Event::TestPrint { busy: false },
            Event::TestRead,
            Event::Scanned(5),
            Event::ChooseWindow("1号".into()),
            Event::LoadBundle("x.toml".into()),
            Event::ConfirmBundle,
            Event::RollBack,
            Event::Facts(facts()),
            Event::PrinterStatus(Ok(paper_out())),
        ] {
            assert!(f.update(e).is_empty());
        }
        assert_eq!(format!("{f:?}"), before, "nothing of staff mode works before the right PIN");
        let mut g = menu();
        type_pin(&mut g, "1");
        assert_eq!(g.pin_len(), 0, "the pad takes no digits once open");
    }
}
