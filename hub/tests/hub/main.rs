//! The hub's behaviour tests: a real server on 127.0.0.1 (random port) over a real SQLite file per
//! test, and over a database of a real PostgreSQL per test (`hub_test!`), and the `kiosk-hub` command line.

#[macro_use]
mod common;
mod pg;

mod application_intake;
mod board_pages;
mod board_stats;
mod catalog_etag;
mod cli_exit_codes;
mod console;
mod console_scale;
mod enrolment;
mod grid_publish;
mod hardening;
mod heartbeat_health;
mod instances;
mod openapi_contract;
mod phone_page;
mod ratings;
mod staff_cli;
mod status_timeline;
mod store_backends;
mod systemd;
mod terminal_auth;
