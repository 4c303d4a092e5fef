//! The hub's behaviour tests: a real server on 127.0.0.1 (random port) over a real SQLite file per
//! test, and the `kiosk-hub` command line.

mod common;

mod application_intake;
mod catalog_etag;
mod cli_exit_codes;
mod hardening;
mod heartbeat_health;
mod openapi_contract;
mod ratings;
mod status_timeline;
mod systemd;
mod terminal_auth;
