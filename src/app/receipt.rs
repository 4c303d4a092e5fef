//! The pickup slip of a stored application: one place decides what a slip says. The slip's own
//! lines are in the resident's language (`PickupSlip::in_lang`); the official item name, places and
//! contacts stay as the catalogue and directory name them.

use chrono::{DateTime, Local, NaiveDate};

use crate::catalog::Guide;
use crate::config::Config;
use crate::slip::{qr_text, PickupSlip, RATING_INVITE};
use crate::store::outbox::Stored;
use crate::{messages, Lang};

/// The slip for application `a` of `guide`, submitted `now`, promised for `promised`, in Chinese
/// (`.in_lang(lang)` for a resident's session in another language).
pub fn pickup_slip(
    config: &Config,
    guide: &Guide,
    a: &Stored,
    now: DateTime<Local>,
    promised: NaiveDate,
) -> PickupSlip {
    PickupSlip {
        centre: config.centre_name.clone(),
        item: a.item_name.clone(),
        acceptance_no: a.acceptance_no.clone(),
        applicant_masked: a.masked_name.clone(),
        id_masked: a.masked_id.clone(),
        submitted_at: now.naive_local(),
        promised_date: Some(promised),
        call_back_by: None,
        pickup_place: guide.place.clone(),
        pickup_hours: guide.hours.clone(),
        grid_worker: None,
        pickup_code: a.pickup_code.clone(),
        qr_text: qr_text(&config.applications.qr_base, &a.token),
        token: a.token.clone(),
        hotline: guide.phone.clone(),
        rating_invite: RATING_INVITE.into(),
        lang: Lang::Zh,
    }
}

/// The slip of a 代办 request `a` to the grid worker `worker` of grid `grid` (e.g. 华垅社区第2网格): the
/// worker's contact takes the place of a pickup place. A call-back request promises nothing done by a
/// date: the slip says by when the worker calls back (`call_back_by`) instead. In `lang`, the
/// resident's.
pub fn proxy_slip(
    lang: Lang,
    config: &Config,
    a: &Stored,
    now: DateTime<Local>,
    call_back_by: NaiveDate,
    grid: &str,
    worker: &crate::grid::Worker,
) -> PickupSlip {
    // A matter outside the catalogue is stored as 其他事项; the resident reads it in their language.
    let matter = if a.item_code == crate::app::grid::OTHER_MATTER {
        messages::grid_other_matter(lang)
    } else {
        a.item_name.as_str()
    };
    PickupSlip {
        centre: config.centre_name.clone(),
        item: messages::proxy_item(lang, matter),
        acceptance_no: a.acceptance_no.clone(),
        applicant_masked: a.masked_name.clone(),
        id_masked: a.masked_id.clone(),
        submitted_at: now.naive_local(),
        promised_date: None,
        call_back_by: Some(call_back_by),
        pickup_place: messages::proxy_place(lang, grid),
        pickup_hours: worker.hours.clone(),
        grid_worker: Some(crate::slip::GridWorker { name: worker.name.clone(), phone: worker.phone.clone() }),
        pickup_code: a.pickup_code.clone(),
        qr_text: qr_text(&config.applications.qr_base, &a.token),
        token: a.token.clone(),
        hotline: worker.phone.clone(),
        rating_invite: messages::rating_invite(lang).into(),
        lang,
    }
}
