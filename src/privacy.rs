//! Masking of personal data for screens, slips and logs' stand-ins (PIPL): the contract's one rule
//! (`kiosk-contract`), which the hub's staff lists use too. Never log what these functions take.
//!
//! `张三英` → `张*英`, `张英` → `张*`, `欧阳娜娜` → `欧**娜`; `430202195801011027` → `4302**********1027`.

pub use kiosk_contract::{mask_id_number, mask_name};
