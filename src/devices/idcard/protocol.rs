//! GA 467 SAM serial frames: pure encoding and an incremental decoder (sans-IO).
//!
//! Frame: `AA AA AA 96 69 | LEN (2 bytes, big-endian) | body | CHK`. LEN counts everything after itself,
//! checksum included; CHK is the XOR of every byte after the preamble except itself. A command body is
//! `CMD PARA [data]`, a response body `SW1 SW2 SW3 [data]`. Both directions share the frame format, so
//! the same [`Decoder`] serves the driver (responses) and the simulator (commands).

use std::fmt;

/// The five bytes every frame starts with.
pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
/// Largest LEN accepted. A text+photo+fingerprint response is about 2.3 KiB; anything much larger is
/// line noise that happens to follow a preamble.
pub const MAX_LEN: usize = 4096;
/// Smallest LEN of a well-formed frame: two body bytes and the checksum.
pub const MIN_LEN: usize = 3;
/// Length of the text block in a read response.
pub const TEXT_LEN: usize = 256;
/// Length of the (WLT-compressed) photo in a read response.
pub const PHOTO_LEN: usize = 1024;

/// XOR of `bytes`, the frame checksum.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, b| acc ^ b)
}

/// Wraps `body` in a frame: preamble, LEN, body, checksum. `body` must be shorter than [`MAX_LEN`].
pub fn encode_frame(body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 1).unwrap_or(u16::MAX);
    let mut frame = Vec::with_capacity(PREAMBLE.len() + 2 + body.len() + 1);
    frame.extend_from_slice(&PREAMBLE);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(body);
    let chk = checksum(&frame[PREAMBLE.len()..]);
    frame.push(chk);
    frame
}

/// Every host command of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// `10 FF`
    ResetSam,
    /// `11 FF`
    SamStatus,
    /// `12 FF`
    ReadSamId,
    /// `20 01` 寻卡
    FindCard,
    /// `20 02` 选卡
    SelectCard,
    /// `30 01` text and photo
    ReadText,
    /// `30 10` text, photo and fingerprint
    ReadTextFingerprint,
    /// `30 03` appended address (追加住址)
    ReadAppendedAddress,
}

impl Command {
    pub const ALL: [Command; 8] = [
        Command::ResetSam,
        Command::SamStatus,
        Command::ReadSamId,
        Command::FindCard,
        Command::SelectCard,
        Command::ReadText,
        Command::ReadTextFingerprint,
        Command::ReadAppendedAddress,
    ];

    /// The `CMD PARA` pair.
    pub fn code(self) -> [u8; 2] {
        match self {
            Command::ResetSam => [0x10, 0xFF],
            Command::SamStatus => [0x11, 0xFF],
            Command::ReadSamId => [0x12, 0xFF],
            Command::FindCard => [0x20, 0x01],
            Command::SelectCard => [0x20, 0x02],
            Command::ReadText => [0x30, 0x01],
            Command::ReadTextFingerprint => [0x30, 0x10],
            Command::ReadAppendedAddress => [0x30, 0x03],
        }
    }

    /// The command a `CMD PARA` pair stands for.
    pub fn from_code(cmd: u8, para: u8) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.code() == [cmd, para])
    }

    /// The complete 10-byte frame.
    pub fn encode(self) -> [u8; 10] {
        let [cmd, para] = self.code();
        // XOR of LEN (00 03), CMD and PARA.
        let chk = 0x03 ^ cmd ^ para;
        [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, cmd, para, chk]
    }

    /// Short English name for logs and technician messages.
    pub fn name(self) -> &'static str {
        match self {
            Command::ResetSam => "reset SAM",
            Command::SamStatus => "SAM status",
            Command::ReadSamId => "read SAM ID",
            Command::FindCard => "find",
            Command::SelectCard => "select",
            Command::ReadText => "read",
            Command::ReadTextFingerprint => "read (with fingerprint)",
            Command::ReadAppendedAddress => "read appended address",
        }
    }
}

/// The SW3 status byte of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sw3 {
    /// 90 operation succeeded
    Ok,
    /// 9F find card succeeded
    FindOk,
    /// 91 the requested item is empty (e.g. no appended address)
    ItemEmpty,
    /// 10 the reader received a frame with a bad checksum
    HostChecksum,
    /// 11 the reader received a frame with a bad length
    HostLength,
    /// 21 command error
    CommandError,
    /// 23 unauthorised
    Unauthorised,
    /// 24 unrecognised error
    UnknownError,
    /// 31 card authentication of the SAM failed
    CardAuthFailed,
    /// 32 SAM authentication of the card failed
    SamAuthFailed,
    /// 33 information check failed
    InfoCheckFailed,
    /// 40 unknown card type
    UnknownCardType,
    /// 41 reading the card failed
    ReadFailed,
    /// 47 fetching a random number failed
    RandomFailed,
    /// 60 SAM self-test failed
    SamSelfTestFailed,
    /// 66 SAM not authorised
    SamNotAuthorised,
    /// 80 find card failed: no card on the reader
    FindFailed,
    /// 81 select card failed
    SelectFailed,
    /// Any other code.
    Unknown(u8),
}

impl Sw3 {
    pub fn from_u8(code: u8) -> Sw3 {
        match code {
            0x90 => Sw3::Ok,
            0x9F => Sw3::FindOk,
            0x91 => Sw3::ItemEmpty,
            0x10 => Sw3::HostChecksum,
            0x11 => Sw3::HostLength,
            0x21 => Sw3::CommandError,
            0x23 => Sw3::Unauthorised,
            0x24 => Sw3::UnknownError,
            0x31 => Sw3::CardAuthFailed,
            0x32 => Sw3::SamAuthFailed,
            0x33 => Sw3::InfoCheckFailed,
            0x40 => Sw3::UnknownCardType,
            0x41 => Sw3::ReadFailed,
            0x47 => Sw3::RandomFailed,
            0x60 => Sw3::SamSelfTestFailed,
            0x66 => Sw3::SamNotAuthorised,
            0x80 => Sw3::FindFailed,
            0x81 => Sw3::SelectFailed,
            other => Sw3::Unknown(other),
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Sw3::Ok => 0x90,
            Sw3::FindOk => 0x9F,
            Sw3::ItemEmpty => 0x91,
            Sw3::HostChecksum => 0x10,
            Sw3::HostLength => 0x11,
            Sw3::CommandError => 0x21,
            Sw3::Unauthorised => 0x23,
            Sw3::UnknownError => 0x24,
            Sw3::CardAuthFailed => 0x31,
            Sw3::SamAuthFailed => 0x32,
            Sw3::InfoCheckFailed => 0x33,
            Sw3::UnknownCardType => 0x40,
            Sw3::ReadFailed => 0x41,
            Sw3::RandomFailed => 0x47,
            Sw3::SamSelfTestFailed => 0x60,
            Sw3::SamNotAuthorised => 0x66,
            Sw3::FindFailed => 0x80,
            Sw3::SelectFailed => 0x81,
            Sw3::Unknown(code) => code,
        }
    }

    /// 90, 9F and 91 are successes; everything else is a failure.
    pub fn is_success(self) -> bool {
        matches!(self, Sw3::Ok | Sw3::FindOk | Sw3::ItemEmpty)
    }

    /// What the code means, in English, for technicians.
    pub fn description(self) -> &'static str {
        match self {
            Sw3::Ok => "ok",
            Sw3::FindOk => "find ok",
            Sw3::ItemEmpty => "item empty",
            Sw3::HostChecksum => "reader saw a checksum error in the host frame",
            Sw3::HostLength => "reader saw a length error in the host frame",
            Sw3::CommandError => "command error",
            Sw3::Unauthorised => "unauthorised",
            Sw3::UnknownError => "unknown error",
            Sw3::CardAuthFailed => "card authentication failed",
            Sw3::SamAuthFailed => "SAM authentication failed",
            Sw3::InfoCheckFailed => "information check failed",
            Sw3::UnknownCardType => "unknown card type",
            Sw3::ReadFailed => "read failed",
            Sw3::RandomFailed => "random number failed",
            Sw3::SamSelfTestFailed => "SAM self-test failed",
            Sw3::SamNotAuthorised => "SAM not authorised",
            Sw3::FindFailed => "find failed (no card)",
            Sw3::SelectFailed => "select failed",
            Sw3::Unknown(_) => "unknown status code",
        }
    }
}

impl fmt::Display for Sw3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SW3 {:02X} ({})", self.code(), self.description())
    }
}

/// A frame whose LEN and checksum were verified. `body` is everything between LEN and CHK.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub body: Vec<u8>,
}

impl fmt::Debug for Frame {
    // The body of a read response is personal data: show its size and the first three bytes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = &self.body[..self.body.len().min(3)];
        write!(f, "Frame {{ len: {}, head: {:02X?} }}", self.body.len(), head)
    }
}

impl Frame {
    /// Reads the body as a response `SW1 SW2 SW3 [data]`.
    pub fn response(&self) -> Result<Response<'_>, FrameError> {
        match self.body.as_slice() {
            [sw1, sw2, sw3, data @ ..] => Ok(Response { sw1: *sw1, sw2: *sw2, sw3: Sw3::from_u8(*sw3), data }),
            _ => Err(FrameError::ShortBody { len: self.body.len() }),
        }
    }

    /// Reads the body as a command `CMD PARA [data]`; `None` for an unknown pair.
    pub fn command(&self) -> Option<Command> {
        match self.body.as_slice() {
            [cmd, para, ..] => Command::from_code(*cmd, *para),
            _ => None,
        }
    }

    /// Overwrites the body with zeros (it may hold personal data) and empties it.
    pub fn wipe(&mut self) {
        self.body.fill(0);
        std::hint::black_box(&self.body);
        self.body.clear();
    }
}

/// A decoded response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response<'a> {
    pub sw1: u8,
    pub sw2: u8,
    pub sw3: Sw3,
    pub data: &'a [u8],
}

impl Response<'_> {
    /// The data on success, else the status.
    pub fn result(&self) -> Result<&[u8], Sw3> {
        if self.sw3.is_success() {
            Ok(self.data)
        } else {
            Err(self.sw3)
        }
    }
}

/// Builds a response frame `SW1=00 SW2=00 SW3 data` (used by the simulator and tests).
pub fn encode_response(sw3: Sw3, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(3 + data.len());
    body.extend_from_slice(&[0x00, 0x00, sw3.code()]);
    body.extend_from_slice(data);
    encode_frame(&body)
}

/// What can be wrong with a frame on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("checksum mismatch: frame says {expected:02X}, bytes give {actual:02X}")]
    Checksum { expected: u8, actual: u8 },
    #[error("implausible LEN {len} (accepted {MIN_LEN}..={MAX_LEN})")]
    Length { len: usize },
    #[error("response body too short ({len} bytes, need 3)")]
    ShortBody { len: usize },
    /// Bytes arrived but none of them began a frame (a dying reader, a wrong baud rate).
    #[error("no frame in {bytes} bytes of line noise")]
    Noise { bytes: u64 },
}

/// Incremental frame decoder: push bytes as they arrive, get whole frames back.
///
/// Bytes before a preamble are skipped. A frame with an implausible LEN is reported and the search
/// resumes one byte after its preamble; a frame with a bad checksum is reported and dropped whole.
/// The internal buffer never holds more than one maximal frame plus one input chunk.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    skipped: u64,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `bytes` and returns every frame (or frame error) completed by them, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Frame, FrameError>> {
        let mut out = Vec::new();
        for chunk in bytes.chunks(MAX_LEN) {
            self.buf.extend_from_slice(chunk);
            self.drain_into(&mut out);
        }
        out
    }

    /// Number of noise bytes skipped so far (bytes that were not part of a frame).
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Bytes held waiting for the rest of a frame.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Forgets any partial frame.
    pub fn clear(&mut self) {
        self.buf.fill(0);
        self.buf.clear();
    }

    fn discard(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
    }

    fn drain_into(&mut self, out: &mut Vec<Result<Frame, FrameError>>) {
        loop {
            // Align the buffer on a preamble (or on a prefix of one at the very end).
            match find_preamble(&self.buf) {
                Some(0) => {}
                Some(start) => {
                    self.skipped += start as u64;
                    self.discard(start);
                }
                None => {
                    let keep = partial_preamble_suffix(&self.buf);
                    let drop = self.buf.len() - keep;
                    self.skipped += drop as u64;
                    self.discard(drop);
                    return;
                }
            }
            if self.buf.len() < PREAMBLE.len() + 2 {
                return;
            }
            let len = usize::from(u16::from_be_bytes([self.buf[5], self.buf[6]]));
            if !(MIN_LEN..=MAX_LEN).contains(&len) {
                out.push(Err(FrameError::Length { len }));
                self.skipped += 1;
                self.discard(1);
                continue;
            }
            let total = PREAMBLE.len() + 2 + len;
            if self.buf.len() < total {
                return;
            }
            let expected = self.buf[total - 1];
            let actual = checksum(&self.buf[PREAMBLE.len()..total - 1]);
            if expected != actual {
                out.push(Err(FrameError::Checksum { expected, actual }));
            } else {
                out.push(Ok(Frame { body: self.buf[PREAMBLE.len() + 2..total - 1].to_vec() }));
            }
            self.buf[..total].fill(0);
            self.discard(total);
        }
    }
}

/// Position of the first complete preamble in `buf`.
fn find_preamble(buf: &[u8]) -> Option<usize> {
    buf.windows(PREAMBLE.len()).position(|w| w == PREAMBLE)
}

/// Length of the longest suffix of `buf` that is a proper prefix of the preamble.
fn partial_preamble_suffix(buf: &[u8]) -> usize {
    (1..PREAMBLE.len()).rev().find(|&k| buf.len() >= k && buf[buf.len() - k..] == PREAMBLE[..k]).unwrap_or(0)
}

/// Text block and photo of a read response, split. The photo is not kept: only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct ReadPayload {
    pub text: [u8; TEXT_LEN],
    pub photo_len: usize,
    pub fingerprint_len: usize,
}

impl fmt::Debug for ReadPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadPayload")
            .field("text", &"<256 bytes>")
            .field("photo_len", &self.photo_len)
            .field("fingerprint_len", &self.fingerprint_len)
            .finish()
    }
}

/// What can be wrong with the data of a read response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("read response data too short ({len} bytes)")]
    Short { len: usize },
    #[error("text length {len}, expected {TEXT_LEN}")]
    TextLength { len: usize },
    #[error("declared lengths ({declared} bytes) exceed the data ({len} bytes)")]
    Truncated { declared: usize, len: usize },
}

/// Splits the data of a `30 01` (or, with `with_fingerprint`, `30 10`) response.
pub fn parse_read_data(data: &[u8], with_fingerprint: bool) -> Result<ReadPayload, PayloadError> {
    let header = if with_fingerprint { 6 } else { 4 };
    if data.len() < header {
        return Err(PayloadError::Short { len: data.len() });
    }
    let text_len = usize::from(u16::from_be_bytes([data[0], data[1]]));
    let photo_len = usize::from(u16::from_be_bytes([data[2], data[3]]));
    let fingerprint_len = if with_fingerprint { usize::from(u16::from_be_bytes([data[4], data[5]])) } else { 0 };
    if text_len != TEXT_LEN {
        return Err(PayloadError::TextLength { len: text_len });
    }
    let declared = header + text_len + photo_len + fingerprint_len;
    if declared > data.len() {
        return Err(PayloadError::Truncated { declared, len: data.len() });
    }
    let mut text = [0u8; TEXT_LEN];
    text.copy_from_slice(&data[header..header + TEXT_LEN]);
    Ok(ReadPayload { text, photo_len, fingerprint_len })
}

/// Builds the data of a `30 01` response (`with_fingerprint = false`) or of a `30 10` response with an
/// empty fingerprint. The photo is `photo` padded or cut to [`PHOTO_LEN`].
pub fn encode_read_data(text: &[u8; TEXT_LEN], photo: &[u8], with_fingerprint: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(6 + TEXT_LEN + PHOTO_LEN);
    data.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    data.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
    if with_fingerprint {
        data.extend_from_slice(&0u16.to_be_bytes());
    }
    data.extend_from_slice(text);
    let mut photo_block = [0u8; PHOTO_LEN];
    let n = photo.len().min(PHOTO_LEN);
    photo_block[..n].copy_from_slice(&photo[..n]);
    data.extend_from_slice(&photo_block);
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn every_command_frame_matches_the_design_table() {
        let table = [
            (Command::ResetSam, "AAAAAA9669 0003 10FF EC"),
            (Command::SamStatus, "AAAAAA9669 0003 11FF ED"),
            (Command::ReadSamId, "AAAAAA9669 0003 12FF EE"),
            (Command::FindCard, "AAAAAA9669 0003 2001 22"),
            (Command::SelectCard, "AAAAAA9669 0003 2002 21"),
            (Command::ReadText, "AAAAAA9669 0003 3001 32"),
            (Command::ReadTextFingerprint, "AAAAAA9669 0003 3010 23"),
            (Command::ReadAppendedAddress, "AAAAAA9669 0003 3003 30"),
        ];
        for (command, expected) in table {
            assert_eq!(command.encode().to_vec(), hex(expected), "{command:?}");
            assert_eq!(encode_frame(&command.code()), hex(expected), "{command:?}");
        }
        assert_eq!(table.len(), Command::ALL.len());
    }

    #[test]
    fn commands_decode_back_from_their_frames() {
        let mut decoder = Decoder::new();
        for command in Command::ALL {
            let frames = decoder.push(&command.encode());
            assert_eq!(frames.len(), 1);
            assert_eq!(frames[0].as_ref().unwrap().command(), Some(command));
        }
        assert_eq!(Command::from_code(0x99, 0x01), None);
    }

    fn decode_one(bytes: &[u8]) -> Frame {
        let mut frames = Decoder::new().push(bytes);
        assert_eq!(frames.len(), 1, "{frames:?}");
        frames.remove(0).unwrap()
    }

    #[test]
    fn no_card_vector() {
        let bytes = hex("AAAAAA9669000400008084");
        let frame = decode_one(&bytes);
        let response = frame.response().unwrap();
        assert_eq!(response.sw3, Sw3::FindFailed);
        assert_eq!(response.result(), Err(Sw3::FindFailed));
        assert_eq!(encode_response(Sw3::FindFailed, &[]), bytes);
    }

    #[test]
    fn find_ok_vector() {
        let bytes = hex("AAAAAA9669000800009F0000000097");
        let frame = decode_one(&bytes);
        let response = frame.response().unwrap();
        assert_eq!(response.sw3, Sw3::FindOk);
        assert_eq!(response.result(), Ok(&[0u8, 0, 0, 0][..]));
        assert_eq!(encode_response(Sw3::FindOk, &[0; 4]), bytes);
    }

    #[test]
    fn select_ok_vector() {
        let bytes = hex("AAAAAA9669000C00009000000000000000009C");
        let frame = decode_one(&bytes);
        let response = frame.response().unwrap();
        assert_eq!(response.sw3, Sw3::Ok);
        assert_eq!(response.data, &[0u8; 8][..]);
        assert_eq!(encode_response(Sw3::Ok, &[0; 8]), bytes);
    }

    #[test]
    fn read_failed_vector() {
        let bytes = hex("AAAAAA9669000400004145");
        let frame = decode_one(&bytes);
        assert_eq!(frame.response().unwrap().sw3, Sw3::ReadFailed);
        assert_eq!(encode_response(Sw3::ReadFailed, &[]), bytes);
    }

    #[test]
    fn read_response_is_1295_bytes_with_len_0508() {
        let text = [0x20u8; TEXT_LEN];
        let frame = encode_response(Sw3::Ok, &encode_read_data(&text, &[7; 1024], false));
        assert_eq!(frame.len(), 1295);
        assert_eq!(&frame[5..7], &[0x05, 0x08]);
        let decoded = decode_one(&frame);
        let payload = parse_read_data(decoded.response().unwrap().data, false).unwrap();
        assert_eq!(payload.text, text);
        assert_eq!(payload.photo_len, 1024);
    }

    #[test]
    fn fingerprint_read_shifts_the_text_by_two_bytes() {
        let mut text = [0x20u8; TEXT_LEN];
        text[0] = 0x41;
        let data = encode_read_data(&text, &[], true);
        assert_eq!(&data[4..6], &[0, 0]);
        assert_eq!(data[6], 0x41);
        assert_eq!(parse_read_data(&data, true).unwrap().text, text);
        assert_eq!(parse_read_data(&data[..100], true), Err(PayloadError::Truncated { declared: 1286, len: 100 }));
        assert_eq!(parse_read_data(&[1, 1, 4, 0], false), Err(PayloadError::TextLength { len: 257 }));
        assert_eq!(parse_read_data(&[1], false), Err(PayloadError::Short { len: 1 }));
    }

    #[test]
    fn every_sw3_code_round_trips_and_unknown_codes_are_kept() {
        let known = [
            0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81,
        ];
        for code in 0..=255u8 {
            let sw3 = Sw3::from_u8(code);
            assert_eq!(sw3.code(), code);
            assert_eq!(matches!(sw3, Sw3::Unknown(_)), !known.contains(&code), "{code:02X}");
        }
        assert!(Sw3::Ok.is_success() && Sw3::FindOk.is_success() && Sw3::ItemEmpty.is_success());
        assert!(!Sw3::FindFailed.is_success() && !Sw3::Unknown(0x90 ^ 1).is_success());
        assert_eq!(Sw3::ReadFailed.to_string(), "SW3 41 (read failed)");
    }

    #[test]
    fn noise_before_the_preamble_is_skipped() {
        let mut bytes = hex("00FF13AAAA96AA6969AAAAAA96");
        let noise = bytes.len() as u64;
        bytes.extend(hex("AAAAAA9669000800009F0000000097"));
        let mut decoder = Decoder::new();
        let frames = decoder.push(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].as_ref().unwrap().response().unwrap().sw3, Sw3::FindOk);
        assert_eq!(decoder.skipped(), noise);
        assert_eq!(decoder.buffered(), 0);
    }

    #[test]
    fn a_frame_split_byte_by_byte_decodes_once_at_its_last_byte() {
        let bytes = hex("AAAAAA9669000C00009000000000000000009C");
        let mut decoder = Decoder::new();
        for (i, b) in bytes.iter().enumerate() {
            let frames = decoder.push(&[*b]);
            if i + 1 < bytes.len() {
                assert!(frames.is_empty(), "early frame at byte {i}");
            } else {
                assert_eq!(frames.len(), 1);
                assert_eq!(frames[0].as_ref().unwrap().response().unwrap().data, &[0u8; 8][..]);
            }
        }
    }

    #[test]
    fn bad_checksum_is_reported_and_the_next_frame_still_decodes() {
        let mut bytes = hex("AAAAAA9669000400008085");
        bytes.extend(hex("AAAAAA9669000400008084"));
        let frames = Decoder::new().push(&bytes);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0], Err(FrameError::Checksum { expected: 0x85, actual: 0x84 }));
        assert_eq!(frames[1].as_ref().unwrap().response().unwrap().sw3, Sw3::FindFailed);
    }

    #[test]
    fn implausible_lengths_are_reported_and_skipped() {
        let mut bytes = hex("AAAAAA9669FFFF");
        bytes.extend(hex("AAAAAA9669 0001 00"));
        bytes.extend(hex("AAAAAA9669000400004145"));
        let frames = Decoder::new().push(&bytes);
        assert_eq!(
            frames,
            vec![
                Err(FrameError::Length { len: 0xFFFF }),
                Err(FrameError::Length { len: 1 }),
                Ok(Frame { body: vec![0, 0, 0x41] })
            ]
        );
    }

    #[test]
    fn short_body_is_not_a_response() {
        let frame = decode_one(&encode_frame(&[0x00, 0x00]));
        assert_eq!(frame.response(), Err(FrameError::ShortBody { len: 2 }));
    }

    #[test]
    fn the_buffer_stays_bounded_under_endless_noise_and_partial_frames() {
        let mut decoder = Decoder::new();
        for _ in 0..100 {
            decoder.push(&[0x55; 10_000]);
            assert!(decoder.buffered() < PREAMBLE.len());
        }
        // A frame claiming the maximum length, never completed.
        let mut head = PREAMBLE.to_vec();
        head.extend_from_slice(&(MAX_LEN as u16).to_be_bytes());
        decoder.push(&head);
        decoder.push(&vec![0x01; MAX_LEN - 1]);
        assert!(decoder.buffered() <= PREAMBLE.len() + 2 + MAX_LEN);
        decoder.clear();
        assert_eq!(decoder.buffered(), 0);
    }

    #[test]
    fn frame_debug_does_not_print_the_body() {
        let frame = Frame { body: vec![0, 0, 0x90, 0x41, 0x42] };
        assert_eq!(format!("{frame:?}"), "Frame { len: 5, head: [00, 00, 90] }");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_frame_body() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(any::<u8>(), 2..1400)
        }

        proptest! {
            #[test]
            fn decoder_never_panics_and_stays_bounded(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), 0..20)) {
                let mut decoder = Decoder::new();
                for chunk in &chunks {
                    let _ = decoder.push(chunk);
                    prop_assert!(decoder.buffered() <= PREAMBLE.len() + 2 + MAX_LEN);
                }
            }

            #[test]
            fn decoder_never_panics_on_preamble_heavy_input(chunks in prop::collection::vec(prop::collection::vec(prop::sample::select(vec![0xAAu8, 0x96, 0x69, 0x00, 0x03, 0x05, 0x08, 0xFF]), 0..300), 0..20)) {
                let mut decoder = Decoder::new();
                for chunk in &chunks {
                    for frame in decoder.push(chunk).into_iter().flatten() {
                        let _ = frame.response();
                        let _ = frame.command();
                    }
                }
            }

            #[test]
            fn a_valid_frame_split_anywhere_decodes_identically(
                body in any_frame_body(),
                noise in prop::collection::vec(any::<u8>(), 0..40),
                cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
            ) {
                let frame = encode_frame(&body);
                let mut stream = noise.clone();
                stream.extend_from_slice(&frame);
                let mut points: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
                points.push(0);
                points.push(stream.len());
                points.sort_unstable();
                let mut decoder = Decoder::new();
                let mut frames = Vec::new();
                for pair in points.windows(2) {
                    frames.extend(decoder.push(&stream[pair[0]..pair[1]]));
                }
                // Noise may itself contain a preamble and a bogus frame header; the real frame must be
                // the last thing decoded whenever the noise holds no preamble.
                if !noise.windows(2).any(|w| w == [0xAA, 0xAA]) {
                    prop_assert_eq!(frames, vec![Ok(Frame { body: body.clone() })]);
                } else {
                    let expected = Ok(Frame { body: body.clone() });
                    let ok = frames.iter().any(|f| f == &expected) || frames.iter().any(|f| f.is_err());
                    prop_assert!(ok, "neither the frame nor an error was decoded");
                }
            }
        }
    }
}
