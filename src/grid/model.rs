//! The grid directory's model and its check live in the wire contract (`kiosk_contract::grid`), so the
//! hub validates a published directory (`kiosk-hub grid publish`) exactly as the kiosk does.

pub use kiosk_contract::grid::*;
