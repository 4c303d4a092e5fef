//! Terminal heartbeats (`POST /api/v1/terminals/{id}/heartbeat`): the devices' health in the
//! contract's own words. The kiosk maps its device states to these types; no device type is sent.

use serde::{Deserialize, Serialize};

use crate::lenient::WireName;
use crate::limits as l;
use crate::nullable;
use crate::validate::{self as v, Checked};

/// The ID-card reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderHealth {
    /// The reader answers well-formed frames.
    Ok,
    /// The port is open but the reader is silent or answers garbage.
    NoAnswer,
    /// The port does not exist or cannot be opened (or no reader is configured).
    PortMissing,
    /// The built-in simulator (demo terminals).
    Simulated,
}

impl WireName for ReaderHealth {
    const ALL: &'static [ReaderHealth] =
        &[ReaderHealth::Ok, ReaderHealth::NoAnswer, ReaderHealth::PortMissing, ReaderHealth::Simulated];

    fn as_str(self) -> &'static str {
        match self {
            ReaderHealth::Ok => "ok",
            ReaderHealth::NoAnswer => "no_answer",
            ReaderHealth::PortMissing => "port_missing",
            ReaderHealth::Simulated => "simulated",
        }
    }
}

/// The receipt printer's paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    Ok,
    NearEnd,
    Out,
}

impl WireName for Paper {
    const ALL: &'static [Paper] = &[Paper::Ok, Paper::NearEnd, Paper::Out];

    fn as_str(self) -> &'static str {
        match self {
            Paper::Ok => "ok",
            Paper::NearEnd => "near_end",
            Paper::Out => "out",
        }
    }
}

/// The receipt printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterHealth {
    pub online: bool,
    pub paper: Paper,
    pub cover_open: bool,
    pub error: bool,
}

/// `POST /api/v1/terminals/{id}/heartbeat` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    pub app_version: String,
    #[serde(deserialize_with = "nullable")]
    pub catalog_version: Option<i64>,
    pub outbox_depth: i64,
    pub reader: ReaderHealth,
    pub printer: PrinterHealth,
    #[serde(deserialize_with = "nullable")]
    pub last_error: Option<String>,
}

impl Heartbeat {
    pub fn validate(&self) -> Checked {
        v::length("app_version", &self.app_version, l::APP_VERSION)?;
        if let Some(c) = self.catalog_version {
            v::range("catalog_version", c, 1, l::MAX_VERSION)?;
        }
        v::range("outbox_depth", self.outbox_depth, 0, l::MAX_OUTBOX_DEPTH)?;
        if let Some(e) = &self.last_error {
            v::length("last_error", e, l::LAST_ERROR)?;
        }
        Ok(())
    }

    /// Short problem labels for staff (`paper_out`, `reader_no_answer`, …); empty when all is well.
    pub fn problems(&self) -> Vec<&'static str> {
        let mut p = Vec::new();
        match self.reader {
            ReaderHealth::NoAnswer => p.push("reader_no_answer"),
            ReaderHealth::PortMissing => p.push("reader_port_missing"),
            ReaderHealth::Ok | ReaderHealth::Simulated => {}
        }
        if !self.printer.online {
            p.push("printer_offline");
        }
        match self.printer.paper {
            Paper::NearEnd => p.push("paper_near_end"),
            Paper::Out => p.push("paper_out"),
            Paper::Ok => {}
        }
        if self.printer.cover_open {
            p.push("cover_open");
        }
        if self.printer.error {
            p.push("printer_error");
        }
        if self.outbox_depth > 0 {
            p.push("outbox_backlog");
        }
        p
    }
}
