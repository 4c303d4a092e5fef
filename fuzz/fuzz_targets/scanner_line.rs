//! Scanner lines: `kiosk::devices::scanner::protocol::LineDecoder`, fed the input whole and in pieces.
#![no_main]

use kiosk::devices::scanner::protocol::{encode, LineDecoder, LineError, Suffix, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&opts, bytes)) = data.split_first() else { return };
    // Half the runs with a small limit, so that over-long lines are common.
    let max = if opts & 0x80 != 0 { usize::from(opts & 0x1F) } else { MAX_LINE };
    let piece = usize::from(opts & 0x3F) + 1;

    let mut whole = LineDecoder::with_max_line(max);
    let at_once = whole.push(bytes);
    let mut split = LineDecoder::with_max_line(max);
    let mut in_pieces = Vec::new();
    for chunk in bytes.chunks(piece) {
        in_pieces.extend(split.push(chunk));
        assert!(split.buffered() <= split.max_line());
    }
    assert!(whole.buffered() <= whole.max_line());
    assert_eq!(at_once, in_pieces, "lines depend on how the bytes were cut");
    assert_eq!(whole.buffered(), split.buffered());

    for result in &at_once {
        match result {
            Ok(scan) => {
                assert!(!scan.is_empty() && scan.len() <= whole.max_line());
                assert!(!scan.as_str().contains(['\r', '\n']));
                let _ = format!("{scan:?}");
                // What a scanner sends for this text decodes to the same scan, whatever its suffix.
                for suffix in Suffix::ALL {
                    let again = LineDecoder::with_max_line(max).push(&encode(scan.as_str(), suffix));
                    assert_eq!(again, vec![Ok(scan.clone())]);
                }
            }
            Err(LineError::NotUtf8 { len, valid_up_to }) => assert!(valid_up_to < len && *len <= whole.max_line()),
            Err(LineError::TooLong { max: m }) => assert_eq!(*m, whole.max_line()),
        }
    }
    let _ = split.abandon_partial();
    assert_eq!(split.buffered(), 0);
});
