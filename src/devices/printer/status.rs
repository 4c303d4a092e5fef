//! Real-time status (`DLE EOT n`), sans-IO: requests as bytes, answers parsed from bytes.
//!
//! Each request `10 04 n` is answered by one byte matching the pattern `0xx1xx10`.
//! n = 1 printer status (0x08 offline); n = 2 offline cause (0x04 cover open, 0x20 stopped by paper
//! end, 0x40 error); n = 4 paper sensor (0x0C near end, 0x60 paper end).

use serde::Serialize;

/// The status requests asked before and after every job, in this order.
pub const STATUS_QUERIES: [u8; 3] = [1, 2, 4];

/// `DLE EOT n`.
pub fn status_request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// Whether `b` has the fixed bits of a status byte: `0xx1xx10`.
pub fn is_status_byte(b: u8) -> bool {
    b & 0b1001_0011 == 0b0001_0010
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperState {
    Ok,
    NearEnd,
    Out,
}

impl PaperState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::NearEnd => "near_end",
            Self::Out => "out",
        }
    }
}

/// What the printer said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    pub online: bool,
    pub paper: PaperState,
    pub cover_open: bool,
    pub error: bool,
    /// The answers to DLE EOT 1, 2 and 4, for diagnostics.
    #[serde(skip)]
    pub raw: [u8; 3],
}

/// Why a printer cannot print now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReady {
    PaperOut,
    CoverOpen,
    Error,
    Offline,
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::PaperOut => "out of paper",
            Self::CoverOpen => "cover open",
            Self::Error => "printer error",
            Self::Offline => "offline",
        })
    }
}

impl PrinterStatus {
    /// Why the printer cannot print, most specific cause first; `None` when ready (paper near end
    /// is ready).
    pub fn not_ready(&self) -> Option<NotReady> {
        if self.paper == PaperState::Out {
            Some(NotReady::PaperOut)
        } else if self.cover_open {
            Some(NotReady::CoverOpen)
        } else if self.error {
            Some(NotReady::Error)
        } else if !self.online {
            Some(NotReady::Offline)
        } else {
            None
        }
    }

    pub fn is_ready(&self) -> bool {
        self.not_ready().is_none()
    }

    /// `{"online":bool,"paper":"ok|near_end|out","cover_open":bool,"error":bool}`
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("status byte {byte:#04x} for DLE EOT {n} does not match 0xx1xx10")]
pub struct BadStatusByte {
    pub n: u8,
    pub byte: u8,
}

/// Parses the answers to DLE EOT 1, 2 and 4.
pub fn parse_status(printer: u8, offline_cause: u8, paper: u8) -> Result<PrinterStatus, BadStatusByte> {
    for (n, byte) in [(1, printer), (2, offline_cause), (4, paper)] {
        if !is_status_byte(byte) {
            return Err(BadStatusByte { n, byte });
        }
    }
    let paper_state = if paper & 0x60 != 0 || offline_cause & 0x20 != 0 {
        PaperState::Out
    } else if paper & 0x0C != 0 {
        PaperState::NearEnd
    } else {
        PaperState::Ok
    };
    Ok(PrinterStatus {
        online: printer & 0x08 == 0,
        paper: paper_state,
        cover_open: offline_cause & 0x04 != 0,
        error: offline_cause & 0x40 != 0,
        raw: [printer, offline_cause, paper],
    })
}

/// The bytes a printer in this state answers to DLE EOT 1, 2 and 4 (used by the simulator).
pub fn status_answers(paper: PaperState, cover_open: bool, error: bool) -> [u8; 3] {
    let base = 0x12;
    let offline = paper == PaperState::Out || cover_open || error;
    let n1 = base | if offline { 0x08 } else { 0 };
    let n2 = base
        | if cover_open { 0x04 } else { 0 }
        | if paper == PaperState::Out { 0x20 } else { 0 }
        | if error { 0x40 } else { 0 };
    let n4 = base
        | match paper {
            PaperState::Ok => 0,
            PaperState::NearEnd => 0x0C,
            PaperState::Out => 0x6C,
        };
    [n1, n2, n4]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes() {
        assert_eq!(status_request(1), [0x10, 0x04, 0x01]);
        assert_eq!(status_request(4), [0x10, 0x04, 0x04]);
    }

    #[test]
    fn ready_printer() {
        let s = parse_status(0x12, 0x12, 0x12).unwrap();
        assert!(s.online && !s.cover_open && !s.error && s.is_ready());
        assert_eq!(s.paper, PaperState::Ok);
        assert_eq!(s.raw, [0x12, 0x12, 0x12]);
        assert_eq!(s.to_json(), r#"{"online":true,"paper":"ok","cover_open":false,"error":false}"#);
    }

    #[test]
    fn paper_near_end_is_still_ready() {
        let s = parse_status(0x12, 0x12, 0x1E).unwrap();
        assert_eq!(s.paper, PaperState::NearEnd);
        assert!(s.is_ready());
        assert!(s.to_json().contains(r#""paper":"near_end""#));
    }

    #[test]
    fn paper_out_cover_open_and_error_block_printing() {
        let out = parse_status(0x1A, 0x32, 0x72).unwrap();
        assert_eq!((out.paper, out.online, out.not_ready()), (PaperState::Out, false, Some(NotReady::PaperOut)));
        let cover = parse_status(0x1A, 0x16, 0x12).unwrap();
        assert_eq!((cover.cover_open, cover.not_ready()), (true, Some(NotReady::CoverOpen)));
        let err = parse_status(0x1A, 0x52, 0x12).unwrap();
        assert_eq!((err.error, err.not_ready()), (true, Some(NotReady::Error)));
        let offline = parse_status(0x1A, 0x12, 0x12).unwrap();
        assert_eq!(offline.not_ready(), Some(NotReady::Offline));
    }

    #[test]
    fn bytes_not_matching_the_pattern_are_rejected() {
        assert_eq!(parse_status(0x00, 0x12, 0x12), Err(BadStatusByte { n: 1, byte: 0x00 }));
        assert_eq!(parse_status(0x12, 0x92, 0x12), Err(BadStatusByte { n: 2, byte: 0x92 }));
        assert_eq!(parse_status(0x12, 0x12, 0x13), Err(BadStatusByte { n: 4, byte: 0x13 }));
        assert!(!is_status_byte(0xFF) && is_status_byte(0x7E));
    }

    #[test]
    fn simulator_answers_round_trip() {
        for (paper, cover, error) in [
            (PaperState::Ok, false, false),
            (PaperState::NearEnd, false, false),
            (PaperState::Out, false, false),
            (PaperState::Ok, true, false),
            (PaperState::Ok, false, true),
        ] {
            let [a, b, c] = status_answers(paper, cover, error);
            let s = parse_status(a, b, c).unwrap();
            assert_eq!((s.paper, s.cover_open, s.error), (paper, cover, error));
        }
    }
}
