//! What the staff console (`web::`) keeps in the store: staff accounts (argon2id password hashes),
//! their sessions (the id hashed), failed logins (for the lockout), the access log of views of an
//! applicant's personal fields, the application queue (filters, search, keyset pages) and an
//! application's full detail. Both backends implement [`ConsoleStorage`] (`sqlite/console.rs`,
//! `postgres/console.rs`); this module prepares inputs and reads outputs for both.

use std::collections::BTreeMap;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rand::Rng;
use serde::Serialize;

use super::{crypto, now, sha256_hex, ApplicationRow, ApplicationSummary, Store, StoreError};
use crate::model::{Applicant, Grid, Kind, Status};

/// What a staff member may do: clerks process applications; admins also manage staff, terminals,
/// catalogues and grid directories, and read the access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "clerk" => Some(Role::Clerk),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The role's name on the console.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Clerk => "办事员",
            Role::Admin => "管理员",
        }
    }
}

/// A staff account (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffAccount {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

/// A logged-in staff member, as a valid session cookie names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub staff_id: i64,
    pub username: String,
    pub role: Role,
    /// The session's CSRF token: every form of the session carries it (hidden input `csrf`).
    pub csrf: String,
}

impl StaffSession {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Usernames: 1–32 letters, digits, `.`, `_` or `-`.
pub fn is_username(s: &str) -> bool {
    (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The shortest password `staff add` accepts (characters).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Failed logins within [`LOCKOUT_WINDOW_MINUTES`] that lock a username…
pub const MAX_FAILURES_PER_USERNAME: usize = 5;
/// …and a client address (higher: behind a reverse proxy a whole office shares one address).
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The window the failures are counted in, and how long a lock lasts after the failure that set it.
pub const LOCKOUT_WINDOW_MINUTES: i64 = 15;

/// The outcome of a login attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// A new session: the cookie's value (shown once; only its hash is stored) and the session.
    Ok { cookie: String, session: StaffSession },
    /// Wrong username or password (which one is not said).
    Wrong,
    /// The account is disabled (only said after the right password).
    Disabled,
    /// Too many failures lately, for the username or the address; the password was not checked.
    Locked { minutes: i64 },
}

/// An application's status in the console's words.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Accepted => "已受理",
        Status::Processing => "办理中",
        Status::Ready => "可取件",
        Status::PickedUp => "已取件",
        Status::Rejected => "未通过",
    }
}

/// The kind in the console's words.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Application => "申请",
        Kind::ProxyRequest => "代办",
    }
}

/// Finding applications by one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// 受理编号, exactly.
    AcceptanceNo(String),
    /// 取件码, exactly (several applications may share one).
    PickupCode(String),
    /// The last four characters of the applicant's ID number (身份证尾号).
    IdSuffix(String),
}

impl Search {
    /// Guesses what a typed value is: 4 characters of digits (X last) → ID suffix, 6 digits → pickup
    /// code, anything else → acceptance number.
    pub fn guess(q: &str) -> Search {
        let q = q.trim();
        if crypto::parse_id_suffix(q).is_some() && q.len() == 4 {
            Search::IdSuffix(q.to_string())
        } else if q.len() == 6 && q.bytes().all(|b| b.is_ascii_digit()) {
            Search::PickupCode(q.to_string())
        } else {
            Search::AcceptanceNo(q.to_string())
        }
    }
}

/// The queue's filters and page. Dates are `YYYY-MM-DD` of the kiosk's submission time (its local
/// date, as printed on the slip), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub item_code: Option<String>,
    pub terminal_id: Option<String>,
    /// 代办 requests under this grid.
    pub grid: Option<Grid>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub search: Option<Search>,
    /// Page: applications with a lower id than this (the next, older page)…
    pub before: Option<i64>,
    /// …or with a higher id (the previous, newer page).
    pub after: Option<i64>,
}

/// Rows per queue page.
pub const PAGE_SIZE: usize = 50;

/// One page of the queue, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuePage {
    pub rows: Vec<ApplicationSummary>,
    /// Applications matching the filters, all pages.
    pub total: u64,
    /// An older page exists (its `before` is the last row's id).
    pub older: bool,
    /// A newer page exists (its `after` is the first row's id).
    pub newer: bool,
}

/// A query parameter of a dynamically built statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// The queue's conditions for a backend: `clauses` joined by AND, with placeholders made by the
/// backend's `placeholder(n)` (`?n` or `$n`, numbered from 1) for `params`.
pub(crate) struct QueueQuery {
    /// Conditions of the filters (for the count).
    pub filters: Vec<String>,
    /// The page's condition on `id`, if any.
    pub page: Option<String>,
    pub params: Vec<Param>,
    /// Page params follow the filters' in `params`: how many belong to the filters.
    pub filter_params: usize,
    /// `ORDER BY id DESC` (true) or `ASC` (the previous page, reversed after reading).
    pub descending: bool,
    pub limit: usize,
}

impl QueueQuery {
    /// `suffix_hash`: the keyed hash of an ID suffix search (with a key file); without one the caller
    /// filters rows itself and no suffix condition is made.
    pub(crate) fn build(
        filter: &QueueFilter,
        suffix_hash: Option<&str>,
        placeholder: fn(usize) -> String,
    ) -> QueueQuery {
        let mut filters = Vec::new();
        let mut params = Vec::new();
        let mut add = |column: &str, op: &str, value: Param| {
            params.push(value);
            filters.push(format!("{column} {op} {}", placeholder(params.len())));
        };
        if let Some(s) = filter.status {
            add("status", "=", Param::Text(s.as_str().into()));
        }
        if let Some(k) = filter.kind {
            add("kind", "=", Param::Text(k.as_str().into()));
        }
        if let Some(item) = &filter.item_code {
            add("item_code", "=", Param::Text(item.clone()));
        }
        if let Some(t) = &filter.terminal_id {
            add("terminal_id", "=", Param::Text(t.clone()));
        }
        if let Some(g) = &filter.grid {
            add("grid", "=", Param::Text(serde_json::to_string(g).unwrap_or_default()));
        }
        if let Some(from) = filter.from {
            add("submitted_at", ">=", Param::Text(from.format("%Y-%m-%d").to_string()));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            add("submitted_at", "<", Param::Text(to.format("%Y-%m-%d").to_string()));
        }
        match &filter.search {
            Some(Search::AcceptanceNo(no)) => add("acceptance_no", "=", Param::Text(no.clone())),
            Some(Search::PickupCode(code)) => add("pickup_code", "=", Param::Text(code.clone())),
            Some(Search::IdSuffix(_)) => {
                if let Some(hash) = suffix_hash {
                    add("id_suffix", "=", Param::Text(hash.to_string()));
                }
            }
            None => {}
        }
        if filter.grid.is_some() {
            // 代办 requests under their grid (a literal: PostgreSQL then uses the partial index).
            filters.push("kind = 'proxy_request'".to_string());
        }
        let filter_params = params.len();
        let (page, descending) = match (filter.before, filter.after) {
            (Some(before), _) => {
                params.push(Param::Int(before));
                (Some(format!("id < {}", placeholder(params.len()))), true)
            }
            (None, Some(after)) => {
                params.push(Param::Int(after));
                (Some(format!("id > {}", placeholder(params.len()))), false)
            }
            (None, None) => (None, true),
        };
        QueueQuery { filters, page, params, filter_params, descending, limit: PAGE_SIZE + 1 }
    }

    /// `WHERE …` of the filters and the page (empty when there are none).
    pub(crate) fn where_page(&self) -> String {
        let mut all = self.filters.clone();
        all.extend(self.page.clone());
        where_of(&all)
    }

    /// `WHERE …` of the filters alone (the count).
    pub(crate) fn where_filters(&self) -> String {
        where_of(&self.filters)
    }
}

fn where_of(clauses: &[String]) -> String {
    match clauses.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", clauses.join(" AND ")),
    }
}

/// The columns of a queue row, in [`ApplicationRow`]'s order (both backends read them alike).
pub(crate) const QUEUE_COLUMNS: &str = "id, acceptance_no, kind, status, terminal_id, idempotency_key, item_code, \
                                        item_name, applicant, submitted_at, received_at, promised_date";

/// A timeline entry with who made it (a staff username; `None`: the kiosk or the command line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleEvent {
    pub status: Status,
    pub at: String,
    pub note: Option<String>,
    pub actor: Option<String>,
}

/// The rating of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingView {
    pub score: i64,
    pub reasons: Vec<String>,
    pub rated_at: String,
}

/// An application as a backend reads it for the detail page: personal fields still sealed.
pub(crate) struct DetailRow {
    pub row: ApplicationRow,
    pub form: String,
    pub grid: Option<String>,
    pub note: Option<String>,
    pub token: String,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<String>,
    pub purged_at: Option<String>,
    pub timeline: Vec<ConsoleEvent>,
    /// `(score, reasons JSON, rated_at)`.
    pub rating: Option<(i64, String, String)>,
}

/// An application in full, for a logged-in clerk (its view is written to the access log).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationDetail {
    pub summary: ApplicationSummary,
    /// `None` once purged (`retention_days`).
    pub applicant: Option<Applicant>,
    pub form: BTreeMap<String, String>,
    pub grid: Option<Grid>,
    pub note: Option<String>,
    /// The slip token (the phone page's address).
    pub token: String,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<String>,
    pub timeline: Vec<ConsoleEvent>,
    pub rating: Option<RatingView>,
}

/// One view of an applicant's personal fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub application_id: i64,
    pub acceptance_no: String,
}

/// Which access log entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    /// Entries older than this one (the next page).
    pub before: Option<i64>,
    /// Views of this application only.
    pub application_id: Option<i64>,
    /// Views by this staff member only.
    pub username: Option<String>,
}

/// Access log entries per page.
pub const ACCESS_PAGE_SIZE: usize = 100;

/// What each backend does for the console.
pub(crate) trait ConsoleStorage: Send + Sync {
    /// The backend's placeholder for the n-th parameter (`?n` or `$n`).
    fn placeholder(&self) -> fn(usize) -> String;
    fn insert_staff(&self, username: &str, role: Role, password_hash: &str, at: &str) -> Result<i64, StoreError>;
    fn list_staff(&self) -> Result<Vec<StaffAccount>, StoreError>;
    /// The account and its password hash.
    fn staff_by_username(&self, username: &str) -> Result<Option<(StaffAccount, String)>, StoreError>;
    /// Disables the account (keeping the first time) and ends its sessions.
    fn disable_staff(&self, username: &str, at: &str) -> Result<(), StoreError>;
    /// Replaces the account's password hash, ends its sessions and clears its failed logins.
    fn set_password(&self, username: &str, password_hash: &str) -> Result<(), StoreError>;
    /// Stores a session; removes sessions idle since before `expired_before` on the way.
    fn create_session(
        &self,
        id_hash: &str,
        staff_id: i64,
        csrf: &str,
        at: &str,
        expired_before: &str,
    ) -> Result<(), StoreError>;
    /// The session's staff member if the session was used since `idle_cutoff` and the account is
    /// enabled; marks it used at `at`.
    fn touch_session(&self, id_hash: &str, idle_cutoff: &str, at: &str) -> Result<Option<StaffSession>, StoreError>;
    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    fn record_login_failure(&self, username: &str, address: &str, at: &str) -> Result<(), StoreError>;
    /// Times of failures since `since`, newest first (at most `limit` each): for `username`, for `address`.
    fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: &str,
        limit: usize,
    ) -> Result<(Vec<String>, Vec<String>), StoreError>;
    fn clear_login_failures(&self, username: &str) -> Result<(), StoreError>;
    /// One page of the queue and the number of rows matching the filters.
    fn queue(&self, query: &QueueQuery) -> Result<(Vec<ApplicationRow>, u64), StoreError>;
    /// Every row matching the filters, newest first (the ID suffix search without a key file).
    fn queue_all(&self, query: &QueueQuery) -> Result<Vec<ApplicationRow>, StoreError>;
    /// The grids 代办 requests were sent to (stored JSON), sorted.
    fn grids(&self) -> Result<Vec<String>, StoreError>;
    fn application_detail(&self, id: i64) -> Result<Option<DetailRow>, StoreError>;
    fn log_access(&self, staff_id: i64, application_id: i64, at: &str) -> Result<(), StoreError>;
    /// Newest first, entries with an id below `before` if given, of one application or one staff
    /// member if given.
    fn access_log(&self, filter: &AccessFilter, limit: usize) -> Result<Vec<AccessEntry>, StoreError>;
    /// 取件: `ready → picked_up` if `pickup_code` is the application's, recording `actor`.
    fn hand_over(&self, id: i64, pickup_code: &str, actor: &str, at: &str) -> Result<String, StoreError>;
}

/// A new random secret: 32 bytes, hex.
fn secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// Equal strings, in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An argon2id PHC string of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("hashing the password: {e}")))
}

/// The hash of an account's new password, refused when shorter than [`MIN_PASSWORD_CHARS`] (whoever
/// sets it: `staff add`, `staff passwd`, the staff page).
fn new_password_hash(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::PasswordTooShort { min: MIN_PASSWORD_CHARS });
    }
    hash_password(password)
}

/// Whether `password` matches the PHC string `hash` (a malformed hash matches nothing).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash no password matches, verified for unknown usernames so that they take as long as known ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$iiHvfuvDqaB2YTTTaj9MEQ$TWSXRyIIPETqTNvmOHVQHMP75O7fFb4PAnKOPFgzJAE";

fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whole minutes (at least 1) until `failures` (newest first) no longer hold `max` within the window.
fn lock_minutes(failures: &[String], max: usize) -> Option<i64> {
    if failures.len() < max {
        return None;
    }
    // Locked until the max-th newest failure leaves the window.
    let oldest = chrono::DateTime::parse_from_rfc3339(&failures[max - 1]).ok()?.with_timezone(&chrono::Utc);
    let until = oldest + chrono::Duration::minutes(LOCKOUT_WINDOW_MINUTES);
    let left = (until - chrono::Utc::now()).num_seconds();
    Some(((left + 59) / 60).clamp(1, LOCKOUT_WINDOW_MINUTES))
}

impl Store {
    // --- staff -----------------------------------------------------------------------------------

    /// Adds a staff account; the password is stored as an argon2id hash.
    pub fn add_staff(&self, username: &str, role: Role, password: &str) -> Result<StaffAccount, StoreError> {
        let hash = new_password_hash(password)?;
        let at = now();
        let id = self.backend.insert_staff(username, role, &hash, &at)?;
        Ok(StaffAccount { id, username: username.to_string(), role, created_at: at, disabled_at: None })
    }

    pub fn list_staff(&self) -> Result<Vec<StaffAccount>, StoreError> {
        self.backend.list_staff()
    }

    /// Disables an account: it can no longer log in and its sessions end now.
    pub fn disable_staff(&self, username: &str) -> Result<(), StoreError> {
        self.backend.disable_staff(username, &now())
    }

    /// Sets a new password for an account (enabled or not): its open sessions end and its lockout is
    /// lifted.
    pub fn set_password(&self, username: &str, password: &str) -> Result<(), StoreError> {
        self.backend.set_password(username, &new_password_hash(password)?)
    }

    /// A login attempt from `address`: locked usernames and addresses are refused without checking
    /// the password; a failure is recorded; a success clears the username's failures and opens a
    /// session.
    pub fn login(&self, username: &str, password: &str, address: &str, idle_minutes: i64) -> Result<Login, StoreError> {
        let window_start = minutes_ago(LOCKOUT_WINDOW_MINUTES);
        let limit = MAX_FAILURES_PER_ADDRESS.max(MAX_FAILURES_PER_USERNAME);
        let (by_user, by_address) = self.backend.login_failures(username, address, &window_start, limit)?;
        let locked = lock_minutes(&by_user, MAX_FAILURES_PER_USERNAME)
            .into_iter()
            .chain(lock_minutes(&by_address, MAX_FAILURES_PER_ADDRESS))
            .max();
        if let Some(minutes) = locked {
            return Ok(Login::Locked { minutes });
        }
        let account = self.backend.staff_by_username(username)?;
        let right = match &account {
            Some((_, hash)) => verify_password(password, hash),
            None => {
                verify_password(password, DUMMY_HASH);
                false
            }
        };
        let Some((account, _)) = account.filter(|_| right) else {
            self.backend.record_login_failure(username, address, &now())?;
            return Ok(Login::Wrong);
        };
        if account.disabled_at.is_some() {
            return Ok(Login::Disabled);
        }
        self.backend.clear_login_failures(username)?;
        let (cookie, csrf) = (secret(), secret());
        self.backend.create_session(
            &sha256_hex(cookie.as_bytes()),
            account.id,
            &csrf,
            &now(),
            &minutes_ago(idle_minutes),
        )?;
        let session = StaffSession { staff_id: account.id, username: account.username, role: account.role, csrf };
        Ok(Login::Ok { cookie, session })
    }

    /// The staff member of a session cookie, if it is valid (used within `idle_minutes`, account
    /// enabled); the session counts as used now.
    pub fn session(&self, cookie: &str, idle_minutes: i64) -> Result<Option<StaffSession>, StoreError> {
        self.backend.touch_session(&sha256_hex(cookie.as_bytes()), &minutes_ago(idle_minutes), &now())
    }

    /// Ends a session (logout).
    pub fn end_session(&self, cookie: &str) -> Result<(), StoreError> {
        self.backend.delete_session(&sha256_hex(cookie.as_bytes()))
    }

    // --- the queue -------------------------------------------------------------------------------

    /// One page (up to [`PAGE_SIZE`] rows) of the applications matching `filter`, newest first; names
    /// masked. An ID suffix search asks the database for the suffix's keyed hash with a key file; without
    /// one it reads and compares every row matching the other filters (a small hub's case).
    pub fn queue(&self, filter: &QueueFilter) -> Result<QueuePage, StoreError> {
        let suffix = match &filter.search {
            Some(Search::IdSuffix(s)) => {
                Some(crypto::parse_id_suffix(s).ok_or_else(|| StoreError::InvalidIdSuffix(s.clone()))?)
            }
            _ => None,
        };
        let hash = match (&suffix, &self.crypto) {
            (Some(s), Some(c)) => Some(c.suffix_hash(s)),
            _ => None,
        };
        let placeholder = self.backend.placeholder();
        if let (Some(suffix), None) = (&suffix, &self.crypto) {
            // No keyed hash to ask for: every row of the other filters, compared here, paged here.
            let all_filters = QueueFilter { before: None, after: None, ..filter.clone() };
            let query = QueueQuery::build(&all_filters, None, placeholder);
            let mut matching = Vec::new();
            for row in self.backend.queue_all(&query)? {
                if self.applicant(&row.applicant)?.is_some_and(|a| crypto::id_suffix(&a.id_number) == *suffix) {
                    matching.push(row);
                }
            }
            let total = matching.len() as u64;
            // The page's rows in `matching` (newest first): after `before`, or the nearest ones before `after`.
            let (start, end) = match (filter.before, filter.after) {
                (Some(before), _) => {
                    let start = matching.iter().position(|r| r.summary.id < before).unwrap_or(matching.len());
                    (start, (start + PAGE_SIZE).min(matching.len()))
                }
                (None, Some(after)) => {
                    let newer = matching.iter().take_while(|r| r.summary.id > after).count();
                    (newer.saturating_sub(PAGE_SIZE), newer)
                }
                (None, None) => (0, PAGE_SIZE.min(matching.len())),
            };
            let (older, newer) = (end < matching.len(), start > 0);
            let rows = matching.drain(start..end).map(|row| self.summary(row)).collect::<Result<_, _>>()?;
            return Ok(QueuePage { rows, total, older, newer });
        }
        let query = QueueQuery::build(filter, hash.as_deref(), placeholder);
        let (mut rows, total) = self.backend.queue(&query)?;
        let more = rows.len() > PAGE_SIZE;
        rows.truncate(PAGE_SIZE);
        if !query.descending {
            rows.reverse();
        }
        let (older, newer) = match (filter.before, filter.after) {
            (Some(_), _) => (more, true),
            (None, Some(_)) => (true, more),
            (None, None) => (more, false),
        };
        let rows = rows.into_iter().map(|row| self.summary(row)).collect::<Result<_, _>>()?;
        Ok(QueuePage { rows, total, older, newer })
    }

    /// The grids 代办 requests were sent to, for the queue's grid filter.
    pub fn grids(&self) -> Result<Vec<Grid>, StoreError> {
        let mut grids: Vec<Grid> =
            self.backend.grids()?.iter().filter_map(|g| serde_json::from_str(g).ok()).collect::<Vec<_>>();
        grids.dedup();
        Ok(grids)
    }

    // --- one application -------------------------------------------------------------------------

    /// The application in full for staff member `viewer`: the view is written to the access log first
    /// (who, when, which application), so no one reads an applicant unrecorded.
    pub fn view_application(&self, id: i64, viewer: &StaffSession) -> Result<Option<ApplicationDetail>, StoreError> {
        let Some(d) = self.backend.application_detail(id)? else { return Ok(None) };
        self.backend.log_access(viewer.staff_id, id, &now())?;
        let applicant = self.applicant(&d.row.applicant)?;
        let form = match (d.purged_at.is_some(), &self.crypto) {
            (true, _) => BTreeMap::new(),
            (false, Some(c)) if crypto::is_sealed(&d.form) => {
                let text = c.open(&d.form, crypto::Field::Form)?;
                serde_json::from_str(&text).map_err(super::corrupt("form"))?
            }
            (false, _) => serde_json::from_str(&d.form).map_err(super::corrupt("form"))?,
        };
        let grid = d.grid.as_deref().map(serde_json::from_str).transpose().map_err(super::corrupt("grid"))?;
        let rating = match d.rating {
            Some((score, reasons, rated_at)) => {
                let reasons = serde_json::from_str(&reasons).map_err(super::corrupt("reasons"))?;
                Some(RatingView { score, reasons, rated_at })
            }
            None => None,
        };
        let mut summary = self.summary(d.row)?;
        if let Some(a) = &applicant {
            summary.applicant_name = a.name.clone();
        }
        Ok(Some(ApplicationDetail {
            summary,
            applicant,
            form,
            grid,
            note: d.note,
            token: d.token,
            handed_over_by: d.handed_over_by,
            handed_over_at: d.handed_over_at,
            timeline: d.timeline,
            rating,
        }))
    }

    /// Moves an application to `next` as staff member `actor` (recorded in the timeline).
    pub fn set_status_as(&self, id: i64, next: Status, note: Option<&str>, actor: &str) -> Result<String, StoreError> {
        self.backend.set_status(&id.to_string(), next, note, Some(actor), &now())
    }

    /// 取件: the resident's pickup code must be the application's and it must be ready; records who
    /// handed it over ([`StoreError::WrongPickupCode`] otherwise, nothing changed).
    pub fn hand_over(&self, id: i64, pickup_code: &str, actor: &str) -> Result<String, StoreError> {
        self.backend.hand_over(id, pickup_code.trim(), actor, &now())
    }

    /// The access log, newest first ([`ACCESS_PAGE_SIZE`] entries of `filter`).
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        self.backend.access_log(filter, ACCESS_PAGE_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_guesses_what_was_typed() {
        assert_eq!(Search::guess(" 1027 "), Search::IdSuffix("1027".into()));
        assert_eq!(Search::guess("102x"), Search::IdSuffix("102x".into()));
        assert_eq!(Search::guess("482913"), Search::PickupCode("482913".into()));
        assert_eq!(Search::guess("SF-QST-01-20261122-0001"), Search::AcceptanceNo("SF-QST-01-20261122-0001".into()));
    }

    #[test]
    fn the_queue_query_has_one_placeholder_per_param() {
        let filter = QueueFilter {
            status: Some(Status::Ready),
            terminal_id: Some("T1".into()),
            to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
            search: Some(Search::PickupCode("482913".into())),
            before: Some(77),
            ..QueueFilter::default()
        };
        let q = QueueQuery::build(&filter, None, |n| format!("${n}"));
        assert_eq!(
            q.where_page(),
            "WHERE status = $1 AND terminal_id = $2 AND submitted_at < $3 AND pickup_code = $4 AND id < $5"
        );
        assert_eq!(
            q.where_filters(),
            "WHERE status = $1 AND terminal_id = $2 AND submitted_at < $3 AND pickup_code = $4"
        );
        assert_eq!(q.params[2], Param::Text("2026-12-01".into()), "the last day is included");
        assert_eq!((q.filter_params, q.descending), (4, true));
        assert_eq!(QueueQuery::build(&QueueFilter::default(), None, |n| format!("?{n}")).where_page(), "");
    }

    #[test]
    fn a_lock_lasts_until_the_fifth_newest_failure_leaves_the_window() {
        let at = |m| minutes_ago(m);
        assert_eq!(lock_minutes(&[at(1), at(2), at(3), at(4)], 5), None);
        assert_eq!(lock_minutes(&[at(1), at(2), at(3), at(4), at(10)], 5), Some(5));
        assert_eq!(lock_minutes(&[at(0), at(0), at(0), at(0), at(0), at(14)], 5), Some(15));
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h) && !verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(constant_time_eq("abc", "abc") && !constant_time_eq("abc", "abd") && !constant_time_eq("a", "ab"));
    }
}
