//! A full disk on the window: an outbox write that failed with [`StoreError::Full`] puts a line in
//! the header for staff (until space returns), and the resident is told to ask staff. Nothing is
//! printed for an application that was not written (the print is the flow's next effect, after
//! 已提交), and SQLite rolled the failed write back whole. Once a second while the disk is full the
//! store is asked whether there is room again: the line clears by itself, no restart.

use slint::ComponentHandle;

use super::State;
use crate::store::{StoreError, ROOM_BYTES};
use crate::AppState;

/// An outbox write's outcome: a full disk is remembered for the header, a write that worked clears it.
pub(super) fn note_write<T>(s: &mut State, result: &Result<T, StoreError>) {
    match result {
        Err(e) if e.is_full() => {
            if !s.terminal.storage_full {
                log::error!("storage: the disk holding the database is full; applications cannot be submitted");
            }
            s.terminal.storage_full = true;
        }
        Ok(_) => {
            if s.terminal.storage_full {
                log::info!("storage: a write worked again; the disk has room");
            }
            s.terminal.storage_full = false;
        }
        // Another error says nothing about the disk: the header stays as it is.
        Err(_) => {}
    }
}

/// Once a second while the disk is full: whether it has room again. Whether the header changed.
pub(super) fn on_second(s: &mut State) -> bool {
    if !s.terminal.storage_full {
        return false;
    }
    if s.terminal.store.is_none() {
        return open_when_room(s);
    }
    let room = match s.terminal.store.as_ref().map(|st| st.has_room(ROOM_BYTES)) {
        Some(Ok(room)) => room,
        Some(Err(e)) => {
            log::warn!("storage: cannot tell whether the disk has room: {e}");
            false
        }
        None => false,
    };
    if room {
        log::info!("storage: the disk has room again; applications can be submitted");
        s.terminal.storage_full = false;
    }
    room
}

/// The store the start could not open (a full disk): opened and attached once its disk has room.
fn open_when_room(s: &mut State) -> bool {
    let Some(path) = s.terminal.store_when_room.clone() else { return false };
    if !crate::staff::disk::free_bytes(crate::store::data_folder(&path)).is_ok_and(|free| free >= ROOM_BYTES) {
        return false;
    }
    match crate::store::Store::open_recovering_with_catalog(&path, &crate::catalog::bundled()) {
        Ok((store, _)) => {
            log::info!("storage: the disk has room again; the database is open and applications can be submitted");
            s.terminal.store = Some(store);
            s.terminal.store_when_room = None;
            s.terminal.storage_full = false;
            super::staff::on_store_attached(s);
            true
        }
        Err(e) => {
            log::warn!("storage: the database still cannot be opened: {e}");
            false
        }
    }
}

pub(super) fn render(window: &crate::AppWindow, s: &State) {
    let line = if s.terminal.storage_full { crate::messages::storage_full(s.session.lang) } else { "" };
    window.global::<AppState>().set_storage_status(line.into());
}
