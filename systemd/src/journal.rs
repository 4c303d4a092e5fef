//! journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL): a datagram of fields, each
//! `NAME=value\n`, or `NAME\n` + the value's length (64-bit little-endian) + value + `\n` when the
//! value holds a newline. Encoding is pure; [`Journal`] only sends.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// Where journald listens for native messages.
pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// Appends one field to a message.
pub fn put(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    if value.contains(&b'\n') {
        out.push(b'\n');
        out.extend_from_slice(&(value.len() as u64).to_le_bytes());
    } else {
        out.push(b'=');
    }
    out.extend_from_slice(value);
    out.push(b'\n');
}

/// A key as a journal field name: ASCII upper case, digits and `_`, starting with a letter, at most
/// 64 bytes (`acceptance_no` → `ACCEPTANCE_NO`).
pub fn field_name(key: &str) -> String {
    let mut name: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.insert_str(0, "X_");
    }
    name.truncate(64);
    name
}

/// Parses a message back into its fields (tests and diagnostics); None if it is malformed.
pub fn parse(mut msg: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut fields = Vec::new();
    while !msg.is_empty() {
        let line_end = msg.iter().position(|&b| b == b'\n')?;
        let line = &msg[..line_end];
        match line.iter().position(|&b| b == b'=') {
            Some(eq) => {
                fields.push((String::from_utf8(line[..eq].to_vec()).ok()?, line[eq + 1..].to_vec()));
                msg = &msg[line_end + 1..];
            }
            None => {
                let rest = &msg[line_end + 1..];
                let len = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?) as usize;
                let value = rest.get(8..8 + len)?;
                if rest.get(8 + len) != Some(&b'\n') {
                    return None;
                }
                fields.push((String::from_utf8(line.to_vec()).ok()?, value.to_vec()));
                msg = &rest[8 + len + 1..];
            }
        }
    }
    Some(fields)
}

/// A datagram socket connected to journald (or to a test's socket).
pub struct Journal {
    socket: UnixDatagram,
    path: PathBuf,
}

impl Journal {
    /// Connects to the socket at `path`; fails when nothing listens there.
    pub fn connect(path: &Path) -> io::Result<Journal> {
        let socket = UnixDatagram::unbound()?;
        socket.connect(path)?;
        Ok(Journal { socket, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sends one message (fields made with [`put`]).
    pub fn send(&self, message: &[u8]) -> io::Result<()> {
        self.socket.send(message).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_with_and_without_newlines() {
        let mut msg = Vec::new();
        put(&mut msg, "MESSAGE", b"printer /dev/ttyS1: out of paper");
        put(&mut msg, "DETAIL", b"line one\nline two");
        put(&mut msg, "PRIORITY", b"4");
        assert!(msg.starts_with(b"MESSAGE=printer /dev/ttyS1: out of paper\nDETAIL\n\x11\0\0\0\0\0\0\0line one\n"));
        let fields = parse(&msg).unwrap();
        assert_eq!(fields[1], ("DETAIL".to_string(), b"line one\nline two".to_vec()));
        assert_eq!(fields[2], ("PRIORITY".to_string(), b"4".to_vec()));
        assert_eq!(parse(&msg[..msg.len() - 3]), None, "a cut message is malformed");
    }

    #[test]
    fn keys_become_valid_field_names() {
        assert_eq!(field_name("acceptance_no"), "ACCEPTANCE_NO");
        assert_eq!(field_name("terminal-id"), "TERMINAL_ID");
        assert_eq!(field_name("_secret"), "X__SECRET");
        assert_eq!(field_name("9lives"), "X_9LIVES");
        assert_eq!(field_name(&"a".repeat(80)).len(), 64);
    }
}
