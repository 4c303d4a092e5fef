//! ESC/POS real-time status: `kiosk::devices::printer::status::parse_status` on the answers to
//! DLE EOT 1, 2 and 4, and the simulator's answers parsed back.
#![no_main]

use kiosk::devices::printer::status::{is_status_byte, parse_status, status_answers, NotReady, PaperState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for answers in data.chunks(3) {
        let [printer, cause, paper] = [0, 1, 2].map(|i| answers.get(i).copied().unwrap_or(0x12));
        match parse_status(printer, cause, paper) {
            Ok(status) => {
                assert!([printer, cause, paper].iter().all(|&b| is_status_byte(b)));
                assert_eq!(status.raw, [printer, cause, paper]);
                let json: serde_json::Value = serde_json::from_str(&status.to_json()).expect("status JSON");
                assert_eq!(json["paper"], status.paper.as_str());
                match status.not_ready() {
                    None => assert!(status.is_ready() && status.online && status.paper != PaperState::Out),
                    Some(NotReady::PaperOut) => assert_eq!(status.paper, PaperState::Out),
                    Some(NotReady::CoverOpen) => assert!(status.cover_open),
                    Some(NotReady::Error) => assert!(status.error),
                    Some(NotReady::Offline) => assert!(!status.online),
                }
                let _ = status.not_ready().map(|n| n.to_string());
                // The simulator answering for this state is read as this state.
                let again = status_answers(status.paper, status.cover_open, status.error);
                let back = parse_status(again[0], again[1], again[2]).expect("the simulator's answers parse");
                assert_eq!((back.paper, back.cover_open, back.error), (status.paper, status.cover_open, status.error));
            }
            Err(e) => {
                assert!(!is_status_byte(e.byte));
                let _ = e.to_string();
            }
        }
    }
});
