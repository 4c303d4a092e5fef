//! Barcode/QR scanners in serial ("virtual COM") mode: each scanned code arrives as text followed by a
//! suffix the scanner is configured with: CR, LF or CR LF. This file is the pure line codec (sans-IO):
//! [`LineDecoder`] turns bytes, cut anywhere, into [`Scan`]s or a precise [`LineError`]; [`encode`]
//! makes the bytes a scanner sends, for the simulator.
//!
//! A scanned text may be a slip token: [`Scan`]'s `Debug` and every error name lengths, never content.

use std::fmt;

/// Longest line accepted, terminator excluded. A pickup slip's QR holds well under 200 bytes; a line
/// this long is line noise or a code that is not ours.
pub const MAX_LINE: usize = 512;

/// The suffix a scanner appends to every code (a setting of the scanner). The decoder accepts all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suffix {
    Cr,
    Lf,
    CrLf,
}

impl Suffix {
    pub const ALL: [Suffix; 3] = [Suffix::Cr, Suffix::Lf, Suffix::CrLf];

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Suffix::Cr => b"\r",
            Suffix::Lf => b"\n",
            Suffix::CrLf => b"\r\n",
        }
    }
}

/// The bytes a scanner sends for `text`.
pub fn encode(text: &str, suffix: Suffix) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 2);
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(suffix.bytes());
    bytes
}

fn is_terminator(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

/// One scanned code: non-empty text without its terminator.
#[derive(Clone, PartialEq, Eq)]
pub struct Scan(String);

impl Scan {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: empty lines are not scans. Here for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Scan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scan {{ len: {} }}", self.0.len())
    }
}

/// Why a line did not make a scan. The decoder carries on with the next line either way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The line grew past the limit; its bytes are dropped up to the next terminator.
    #[error("line longer than {max} bytes (dropped up to the next CR/LF)")]
    TooLong { max: usize },
    /// The line is not UTF-8 text.
    #[error("line of {len} bytes is not UTF-8 text (invalid byte at offset {valid_up_to})")]
    NotUtf8 { len: usize, valid_up_to: usize },
}

/// Incremental line decoder: push bytes as they arrive, get every line they complete.
///
/// Holds at most [`LineDecoder::max_line`] bytes; never blocks, never panics.
#[derive(Debug)]
pub struct LineDecoder {
    buf: Vec<u8>,
    max: usize,
    /// Inside an over-long line: drop bytes until the next terminator.
    discarding: bool,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl LineDecoder {
    /// A decoder with the [`MAX_LINE`] limit.
    pub fn new() -> Self {
        Self::with_max_line(MAX_LINE)
    }

    /// A decoder accepting lines of at most `max` bytes (at least 1).
    pub fn with_max_line(max: usize) -> Self {
        Self { buf: Vec::new(), max: max.max(1), discarding: false }
    }

    pub fn max_line(&self) -> usize {
        self.max
    }

    /// Feeds `bytes`; returns every line they complete, in order. An over-long line is reported as
    /// soon as it passes the limit, once.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Scan, LineError>> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|&b| is_terminator(b)) {
            self.append(&rest[..end], &mut out);
            self.end_line(&mut out);
            rest = &rest[end + 1..];
        }
        self.append(rest, &mut out);
        out
    }

    /// Bytes of an unfinished line held so far.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Drops an unfinished line (e.g. after a long silence, or when the port is reopened) and returns
    /// its length; 0 if there was none.
    pub fn abandon_partial(&mut self) -> usize {
        let len = self.buf.len();
        self.wipe();
        self.discarding = false;
        len
    }

    fn wipe(&mut self) {
        self.buf.fill(0);
        self.buf.clear();
    }

    fn append(&mut self, part: &[u8], out: &mut Vec<Result<Scan, LineError>>) {
        if self.discarding || part.is_empty() {
            return;
        }
        if self.buf.len() + part.len() > self.max {
            self.wipe();
            self.discarding = true;
            out.push(Err(LineError::TooLong { max: self.max }));
        } else {
            self.buf.extend_from_slice(part);
        }
    }

    fn end_line(&mut self, out: &mut Vec<Result<Scan, LineError>>) {
        if std::mem::take(&mut self.discarding) || self.buf.is_empty() {
            return;
        }
        let line = std::mem::replace(&mut self.buf, Vec::with_capacity(64));
        match String::from_utf8(line) {
            Ok(text) => out.push(Ok(Scan(text))),
            Err(e) => {
                let error = LineError::NotUtf8 { len: e.as_bytes().len(), valid_up_to: e.utf8_error().valid_up_to() };
                let mut bytes = e.into_bytes();
                bytes.fill(0);
                out.push(Err(error));
            }
        }
    }
}

impl Drop for LineDecoder {
    fn drop(&mut self) {
        self.wipe();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: Vec<Result<Scan, LineError>>) -> Vec<Result<String, LineError>> {
        items.into_iter().map(|r| r.map(Scan::into_string)).collect()
    }

    fn decode_all(bytes: &[u8]) -> Vec<Result<String, LineError>> {
        texts(LineDecoder::new().push(bytes))
    }

    #[test]
    fn every_suffix_ends_a_line() {
        for suffix in Suffix::ALL {
            let mut bytes = encode("KIOSK:Q1-20261122-0007", suffix);
            bytes.extend(encode("第二张", suffix));
            assert_eq!(
                decode_all(&bytes),
                vec![Ok("KIOSK:Q1-20261122-0007".to_string()), Ok("第二张".to_string())],
                "{suffix:?}"
            );
        }
    }

    #[test]
    fn mixed_terminators_and_blank_lines_yield_only_codes() {
        assert_eq!(decode_all(b"\r\n\r\nA\rB\n\n\rC\r\n\n"), vec![Ok("A".into()), Ok("B".into()), Ok("C".into())]);
        assert!(decode_all(b"\r\n\n\r\r").is_empty());
    }

    #[test]
    fn a_line_is_held_until_its_terminator() {
        let mut decoder = LineDecoder::new();
        assert!(decoder.push(b"ABC").is_empty());
        assert_eq!(decoder.buffered(), 3);
        assert!(decoder.push(b"DE").is_empty());
        assert_eq!(texts(decoder.push(b"\r")), vec![Ok("ABCDE".into())]);
        // The LF of a CR LF split from its CR is an empty line, not a scan.
        assert!(decoder.push(b"\n").is_empty());
        assert_eq!(decoder.buffered(), 0);
    }

    #[test]
    fn a_multibyte_character_split_across_pushes_is_kept() {
        let bytes = encode("进度查询", Suffix::CrLf);
        let mut decoder = LineDecoder::new();
        assert!(decoder.push(&bytes[..4]).is_empty());
        assert_eq!(texts(decoder.push(&bytes[4..])), vec![Ok("进度查询".into())]);
    }

    #[test]
    fn an_over_long_line_is_reported_once_and_the_next_line_decodes() {
        let mut decoder = LineDecoder::with_max_line(8);
        assert_eq!(texts(decoder.push(b"12345678")), vec![], "exactly the limit is fine so far");
        assert_eq!(texts(decoder.push(b"9")), vec![Err(LineError::TooLong { max: 8 })]);
        assert!(decoder.push(b"more and more noise").is_empty(), "reported once");
        assert_eq!(decoder.buffered(), 0);
        assert_eq!(texts(decoder.push(b"tail\r\nOK\r\n")), vec![Ok("OK".into())]);
        assert_eq!(decode_all(&[b'x'; MAX_LINE]), vec![]);
        let mut line = vec![b'x'; MAX_LINE];
        line.extend_from_slice(b"\r\n");
        assert_eq!(decode_all(&line).len(), 1, "a line of exactly MAX_LINE bytes is a scan");
        line.insert(0, b'x');
        assert_eq!(decode_all(&line), vec![Err(LineError::TooLong { max: MAX_LINE })]);
    }

    #[test]
    fn non_utf8_is_an_error_for_that_line_only() {
        let got = decode_all(b"AB\xFF\xFECD\r\nnext\n");
        assert_eq!(got, vec![Err(LineError::NotUtf8 { len: 6, valid_up_to: 2 }), Ok("next".into())]);
        // A truncated multi-byte sequence at the end of the line.
        assert_eq!(decode_all(b"\xE8\xBF\r"), vec![Err(LineError::NotUtf8 { len: 2, valid_up_to: 0 })]);
    }

    #[test]
    fn abandoning_a_partial_line_drops_it() {
        let mut decoder = LineDecoder::new();
        assert!(decoder.push(b"stale").is_empty());
        assert_eq!(decoder.abandon_partial(), 5);
        assert_eq!(texts(decoder.push(b"fresh\r")), vec![Ok("fresh".into())]);
        let mut decoder = LineDecoder::with_max_line(2);
        let _ = decoder.push(b"xyz");
        assert_eq!(decoder.abandon_partial(), 0);
        assert_eq!(texts(decoder.push(b"ok\r")), vec![Ok("ok".into())], "no longer discarding");
    }

    #[test]
    fn debug_and_errors_do_not_show_the_text() {
        let scan = LineDecoder::new().push(b"TOKEN-SECRET\r").remove(0).unwrap();
        assert_eq!(format!("{scan:?}"), "Scan { len: 12 }");
        let error = LineDecoder::new().push(b"SECRET\xFF\r").remove(0).unwrap_err();
        assert!(!error.to_string().contains("SECRET"), "{error}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn code() -> impl Strategy<Value = String> {
            // Printable text without CR/LF, including non-ASCII, up to the limit.
            "[^\r\n]{1,120}"
        }

        proptest! {
            #[test]
            fn any_split_of_a_valid_stream_decodes_the_same(
                codes in prop::collection::vec((code(), prop::sample::select(Suffix::ALL.to_vec())), 0..12),
                cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
            ) {
                let mut stream = Vec::new();
                for (text, suffix) in &codes {
                    stream.extend(encode(text, *suffix));
                }
                let mut points: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
                points.extend([0, stream.len()]);
                points.sort_unstable();
                let mut decoder = LineDecoder::new();
                let mut got = Vec::new();
                for pair in points.windows(2) {
                    got.extend(decoder.push(&stream[pair[0]..pair[1]]));
                }
                let expected: Vec<Result<String, LineError>> = codes.iter().map(|(t, _)| Ok(t.clone())).collect();
                prop_assert_eq!(texts(got), expected);
                prop_assert_eq!(decoder.buffered(), 0);
            }

            #[test]
            fn arbitrary_bytes_never_panic_and_stay_bounded(
                chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..700), 0..20),
                max in 1usize..600,
            ) {
                let mut decoder = LineDecoder::with_max_line(max);
                for chunk in &chunks {
                    for scan in decoder.push(chunk).into_iter().flatten() {
                        prop_assert!(!scan.is_empty() && scan.len() <= max);
                        prop_assert!(!scan.as_str().contains(['\r', '\n']));
                    }
                    prop_assert!(decoder.buffered() <= max);
                }
            }
        }
    }
}
