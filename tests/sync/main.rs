//! The sync worker against a real `kiosk-hub` on 127.0.0.1: offline first, a flaky network, refusals,
//! statuses and ratings, catalogue updates, re-provisioning.

#[path = "../sync_support/mod.rs"]
mod sync_support;

mod catalog;
mod clock_jumps;
mod enrolment;
mod flaky_network;
mod grid;
mod offline_first;
mod progress;
mod refusals;
mod reprovision;
