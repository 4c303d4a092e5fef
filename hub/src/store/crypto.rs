//! Personal fields at rest: the applicant (name, ID number, address, …) and the form of every
//! application are sealed with AES-256-GCM before they reach the database, with a key from the key
//! file named by `key_file` in hub.toml. A sealed field is `enc1:<key id>:<hex of nonce ‖ ciphertext>`;
//! the key id travels with it, so the keys of the file can be rotated while rows sealed with an older
//! key are still read. The field's name is the associated data (a sealed applicant cannot be passed
//! off as a form).
//!
//! The ID number's last four characters are also stored as an HMAC-SHA256 under the file's separate
//! suffix key, so that staff can find an application by "尾号" without the database holding it.
//!
//! The key file (JSON, mode 0600, made by `kiosk-hub keys init`):
//! `{"current": 2, "keys": {"1": "<64 hex>", "2": "<64 hex>"}, "suffix_key": "<64 hex>"}`.
//! `kiosk-hub keys rotate` adds a key and makes it current; older keys stay in the file (rows sealed
//! with them are re-sealed in the background and they remain able to open backups). The suffix key
//! is not rotated: its hashes would all have to be computed again from the ID numbers.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::StoreError;

/// How many last characters of an ID number the suffix search uses.
pub const ID_SUFFIX_LEN: usize = 4;

const PREFIX: &str = "enc1:";

/// The suffix of an ID number that staff search by: its last [`ID_SUFFIX_LEN`] characters, upper case.
pub fn id_suffix(id_number: &str) -> String {
    let chars: Vec<char> = id_number.trim().chars().collect();
    chars[chars.len().saturating_sub(ID_SUFFIX_LEN)..].iter().collect::<String>().to_ascii_uppercase()
}

/// A suffix as staff type it (`1027`, `102x`), upper case; `None` unless it is [`ID_SUFFIX_LEN`]
/// characters, each a digit or `X`.
pub fn parse_id_suffix(text: &str) -> Option<String> {
    let ok = text.chars().count() == ID_SUFFIX_LEN && text.chars().all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    ok.then(|| text.to_ascii_uppercase())
}

/// Which field a sealed text belongs to (the AEAD's associated data).
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Applicant,
    Form,
}

impl Field {
    fn aad(self) -> &'static [u8] {
        match self {
            Field::Applicant => b"applicant",
            Field::Form => b"form",
        }
    }
}

/// Whether a stored text is sealed (else it is the plaintext JSON of a hub from before key files).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    current: i64,
    keys: BTreeMap<String, String>,
    suffix_key: String,
}

struct KeySet {
    current: i64,
    keys: BTreeMap<i64, [u8; 32]>,
    suffix_key: [u8; 32],
}

pub struct Crypto {
    path: PathBuf,
    keys: RwLock<KeySet>,
}

fn key_err(path: &Path, what: impl std::fmt::Display) -> StoreError {
    StoreError::Key(format!("{}: {what}", path.display()))
}

fn random_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::rng().fill(&mut k);
    k
}

fn parse_key(path: &Path, hex_text: &str) -> Result<[u8; 32], StoreError> {
    let bytes = hex::decode(hex_text).map_err(|_| key_err(path, "a key is not hex"))?;
    bytes.try_into().map_err(|_| key_err(path, "a key is not 32 bytes (64 hex digits)"))
}

fn read_keys(path: &Path) -> Result<KeySet, StoreError> {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            log::warn!("{}: the key file is readable by others than its owner: chmod 600 it", path.display());
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        key_err(path, format!("cannot read ({e}); `kiosk-hub keys init` creates the key file named by key_file"))
    })?;
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| key_err(path, format!("not a key file: {e}")))?;
    let mut keys = BTreeMap::new();
    for (id, hex_text) in &file.keys {
        let id: i64 = id.parse().map_err(|_| key_err(path, format!("key id `{id}` is not a number")))?;
        keys.insert(id, parse_key(path, hex_text)?);
    }
    if !keys.contains_key(&file.current) {
        return Err(key_err(path, format!("the current key {} is not in the file", file.current)));
    }
    Ok(KeySet { current: file.current, keys, suffix_key: parse_key(path, &file.suffix_key)? })
}

/// Writes a key file readable by its owner only: a new file (never replacing one), or, with
/// `replace`, a temporary file renamed over `path` (the old or the new file, never half of one) with
/// the old file's owner and group (the hub's user must still read it), the rename made durable by
/// syncing the folder.
fn write_keys(path: &Path, set: &KeySet, replace: bool) -> Result<(), StoreError> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let file = KeyFile {
        current: set.current,
        keys: set.keys.iter().map(|(id, k)| (id.to_string(), hex::encode(k))).collect(),
        suffix_key: hex::encode(set.suffix_key),
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| key_err(path, e))?;
    let target = if replace { PathBuf::from(format!("{}.new", path.display())) } else { path.to_path_buf() };
    if replace {
        let _ = std::fs::remove_file(&target);
    }
    let mut out = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&target).map_err(|e| {
        match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                key_err(&target, "already exists; `kiosk-hub keys rotate` adds a new key to it")
            }
            _ => key_err(&target, format!("cannot create: {e}")),
        }
    })?;
    if replace {
        let old = std::fs::metadata(path).map_err(|e| key_err(path, e))?;
        std::os::unix::fs::fchown(&out, Some(old.uid()), Some(old.gid())).map_err(|e| {
            let _ = std::fs::remove_file(&target);
            key_err(
                path,
                format!(
                    "cannot give the new key file the owner of the old one ({e}): run `keys rotate` as the hub's \
                     user, like `keys init` (sudo -u kiosk-hub kiosk-hub keys rotate)"
                ),
            )
        })?;
    }
    out.write_all(text.as_bytes()).and_then(|()| out.sync_all()).map_err(|e| key_err(&target, e))?;
    if replace {
        std::fs::rename(&target, path).map_err(|e| key_err(path, e))?;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::File::open(folder).and_then(|f| f.sync_all()).map_err(|e| key_err(folder, e))?;
    }
    Ok(())
}

/// `kiosk-hub keys init`: a new key file (mode 0600) with one key; refuses to replace one.
pub fn init_key_file(path: &Path) -> Result<(), StoreError> {
    let set = KeySet { current: 1, keys: BTreeMap::from([(1, random_key())]), suffix_key: random_key() };
    write_keys(path, &set, false)
}

/// `kiosk-hub keys rotate`: adds a key to the file and makes it current; returns its id.
pub fn rotate_key_file(path: &Path) -> Result<i64, StoreError> {
    let mut set = read_keys(path)?;
    let id = set.keys.keys().max().copied().unwrap_or(0) + 1;
    set.keys.insert(id, random_key());
    set.current = id;
    write_keys(path, &set, true)?;
    Ok(id)
}

impl Crypto {
    pub fn load(path: &Path) -> Result<Crypto, StoreError> {
        Ok(Crypto { path: path.to_path_buf(), keys: RwLock::new(read_keys(path)?) })
    }

    /// Reads the key file again (after `kiosk-hub keys rotate` by another process).
    pub fn reload(&self) -> Result<(), StoreError> {
        let set = read_keys(&self.path)?;
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = set;
        Ok(())
    }

    fn with_keys<T>(&self, f: impl FnOnce(&KeySet) -> T) -> T {
        f(&self.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn current_key_id(&self) -> i64 {
        self.with_keys(|k| k.current)
    }

    /// Seals an applicant and a form with the current key: `(key id, applicant, form)`.
    pub fn seal_pair(&self, applicant: &str, form: &str) -> Result<(i64, String, String), StoreError> {
        self.with_keys(|set| {
            let key = &set.keys[&set.current];
            Ok((
                set.current,
                seal(key, set.current, applicant, Field::Applicant)?,
                seal(key, set.current, form, Field::Form)?,
            ))
        })
    }

    /// Opens a sealed field; a plaintext one (from before the key file) is returned as it is.
    pub fn open(&self, stored: &str, field: Field) -> Result<String, StoreError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let (id, data) =
            rest.split_once(':').ok_or_else(|| StoreError::Corrupt("a sealed field has no key id".into()))?;
        let id: i64 = id.parse().map_err(|_| StoreError::Corrupt("a sealed field's key id is not a number".into()))?;
        let data = hex::decode(data).map_err(|_| StoreError::Corrupt("a sealed field is not hex".into()))?;
        if data.len() < 12 {
            return Err(StoreError::Corrupt("a sealed field is too short".into()));
        }
        if !self.with_keys(|k| k.keys.contains_key(&id)) {
            // Sealed by another instance after a rotation this one has not read yet.
            self.reload()?;
        }
        self.with_keys(|set| {
            let key = set.keys.get(&id).ok_or_else(|| {
                key_err(&self.path, format!("has no key {id}, which sealed a stored field (was a key removed?)"))
            })?;
            let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
            let plain = cipher
                .decrypt(Nonce::from_slice(&data[..12]), Payload { msg: &data[12..], aad: field.aad() })
                .map_err(|_| StoreError::Corrupt(format!("a sealed field does not open with key {id}")))?;
            String::from_utf8(plain).map_err(|_| StoreError::Corrupt("a sealed field is not UTF-8".into()))
        })
    }

    /// The stored hash of an ID number's suffix ([`id_suffix`]).
    pub fn id_suffix_hash(&self, id_number: &str) -> String {
        self.suffix_hash(&id_suffix(id_number))
    }

    /// HMAC-SHA256 of a normalized suffix ([`id_suffix`], [`parse_id_suffix`]) under the suffix key, hex.
    pub fn suffix_hash(&self, suffix: &str) -> String {
        self.with_keys(|set| hex::encode(hmac_sha256(&set.suffix_key, format!("id-suffix:{suffix}").as_bytes())))
    }
}

fn seal(key: &[u8; 32], key_id: i64, plain: &str, field: Field) -> Result<String, StoreError> {
    let mut nonce = [0u8; 12];
    rand::rng().fill(&mut nonce);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: field.aad() })
        .map_err(|_| StoreError::Key("encryption failed".into()))?;
    let mut data = nonce.to_vec();
    data.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{key_id}:{}", hex::encode(data)))
}

/// HMAC (RFC 2104) with SHA-256.
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_1() {
        // Test case 1 has a 20-byte key; ours are 32 bytes: the same key padded with zeros, which HMAC
        // treats identically (keys shorter than the block are zero-padded).
        let mut key = [0u8; 32];
        key[..20].copy_from_slice(&[0x0b; 20]);
        assert_eq!(
            hex::encode(hmac_sha256(&key, b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn sealed_fields_open_only_with_their_key_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.key");
        init_key_file(&path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(init_key_file(&path).is_err(), "never replaced");
        let c = Crypto::load(&path).unwrap();
        let (id, a, f) = c.seal_pair("{\"id_number\":\"430102195303151020\"}", "{}").unwrap();
        assert_eq!(id, 1);
        assert!(is_sealed(&a) && !a.contains("4301"));
        assert_eq!(c.open(&a, Field::Applicant).unwrap(), "{\"id_number\":\"430102195303151020\"}");
        assert_eq!(c.open(&f, Field::Form).unwrap(), "{}");
        assert!(c.open(&a, Field::Form).is_err(), "bound to its field");
        assert_eq!(c.open("{\"plain\":1}", Field::Form).unwrap(), "{\"plain\":1}");

        assert_eq!(rotate_key_file(&path).unwrap(), 2);
        let rotated = Crypto::load(&path).unwrap();
        assert_eq!(rotated.current_key_id(), 2);
        assert!(rotated.open(&a, Field::Applicant).is_ok(), "old keys stay");
        // The instance loaded before the rotation reads the new key's fields by reloading.
        let (_, newer, _) = rotated.seal_pair("{}", "{}").unwrap();
        assert_eq!(c.open(&newer, Field::Applicant).unwrap(), "{}");
        assert_eq!(c.id_suffix_hash("43010219530315102x"), rotated.suffix_hash("102X"));
    }

    #[test]
    fn rotation_keeps_the_key_files_owner_and_mode() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.key");
        init_key_file(&path).unwrap();
        // As root (the usual mistake: `sudo kiosk-hub keys rotate`) the file of another user, the hub's.
        let owner = match std::os::unix::fs::chown(&path, Some(65534), Some(65534)) {
            Ok(()) => (65534, 65534),
            Err(_) => {
                let meta = std::fs::metadata(&path).unwrap();
                (meta.uid(), meta.gid())
            }
        };
        assert_eq!(rotate_key_file(&path).unwrap(), 2);
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), owner, "the hub's user can still read its key file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert!(!dir.path().join("hub.key.new").exists());
        assert_eq!(Crypto::load(&path).unwrap().current_key_id(), 2);
    }
}
