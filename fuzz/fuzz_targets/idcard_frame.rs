//! GA 467 frames: `kiosk::devices::idcard::protocol::Decoder`, fed the input in the pieces a serial
//! port might deliver, then the read-response payload split of every frame it returns.
#![no_main]

use kiosk::devices::idcard::protocol::{encode_frame, parse_read_data, Decoder, MAX_LEN, PREAMBLE};
use libfuzzer_sys::fuzz_target;

/// Most bytes a decoder may hold between pushes: less than one maximal frame.
const HELD: usize = PREAMBLE.len() + 2 + MAX_LEN;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, bytes)) = data.split_first() else { return };

    // All at once.
    let mut whole = Decoder::new();
    let at_once = whole.push(bytes);
    assert!(whole.buffered() < HELD, "decoder holds {} bytes", whole.buffered());

    // The same bytes in pieces of 1..=64 bytes (the first input byte picks the size).
    let piece = usize::from(cut % 64) + 1;
    let mut split = Decoder::new();
    let mut in_pieces = Vec::new();
    for chunk in bytes.chunks(piece) {
        in_pieces.extend(split.push(chunk));
        assert!(split.buffered() < HELD, "decoder holds {} bytes", split.buffered());
    }
    assert_eq!(at_once, in_pieces, "frames depend on how the bytes were cut");
    assert_eq!(whole.skipped(), split.skipped());
    assert_eq!(whole.buffered(), split.buffered());

    for frame in at_once.into_iter().flatten() {
        // A decoded frame encodes back to one frame with the same body.
        let again = Decoder::new().push(&encode_frame(&frame.body));
        assert_eq!(again, vec![Ok(frame.clone())]);
        let _ = frame.command();
        let _ = format!("{frame:?}");
        if let Ok(response) = frame.response() {
            let _ = response.sw3.description();
            if let Ok(data) = response.result() {
                for with_fingerprint in [false, true] {
                    if let Ok(payload) = parse_read_data(data, with_fingerprint) {
                        let _ = format!("{payload:?}");
                        let _ = kiosk::devices::idcard::card::decode_text(&payload.text, today());
                    }
                }
            }
        }
        let mut wiped = frame;
        wiped.wipe();
        assert!(wiped.body.is_empty());
    }

    // Any body short enough is framed and decoded back unchanged.
    if bytes.len() < MAX_LEN {
        let frames = Decoder::new().push(&encode_frame(bytes));
        if bytes.len() >= 2 {
            assert_eq!(frames.len(), 1);
            assert_eq!(frames[0].as_ref().map(|f| f.body.as_slice()), Ok(bytes));
        }
    }
});

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}
