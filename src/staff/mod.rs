//! Staff mode and terminal provisioning, as pure logic with no Slint types:
//!
//! - [`pin`]: the staff PIN (argon2id PHC strings in `[staff] pin_hash`) and the lockout after
//!   repeated wrong PINs;
//! - [`gesture`]: the hidden five-taps-on-the-terminal-number gesture;
//! - [`bundle`]: provisioning bundles (TOML), validated in full before anything changes;
//! - [`provision`]: the atomic switch of the config file, its backup and the one-step rollback;
//! - [`enrol`]: enrolment with the hub by a one-time code (token and bundle from `POST /api/v1/enrolment`);
//! - [`disk`]: free space of the data folder for the diagnostics screen;
//! - [`wording`]: configuration problems and bundle changes in Chinese for the staff screens.
//!
//! The staff flow (PIN pad, menu, diagnostics, out of service, re-provisioning) is the pure state
//! machine in `src/app/staff.rs`; its runtime is `src/ui/staff.rs`, its screens
//! `ui/screens/staff*.slint`.

pub mod bundle;
pub mod disk;
pub mod enrol;
pub mod gesture;
pub mod pin;
pub mod provision;
pub mod wording;

/// Which staff screen is showing (a `Page::Staff` of the navigation stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffView {
    /// The large numeric PIN pad.
    #[default]
    Pin,
    /// The maintenance menu (reached only with the right PIN).
    Menu,
    Diagnostics,
    OutOfService,
    Provision,
}

/// Who an audit entry names for changes made on the terminal.
pub const AUDIT_WHO: &str = "staff";

/// An audit entry for a config switched: what was done, then each change, `; ` between.
pub fn audit_line(what: &str, changes: &[String]) -> String {
    std::iter::once(what).chain(changes.iter().map(String::as_str)).collect::<Vec<_>>().join("; ")
}

/// The sentence residents see while the terminal is out of service.
pub fn out_of_service_message(window: &str) -> String {
    format!("暂停服务，请前往{window}窗口办理")
}
