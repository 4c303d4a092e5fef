//! Free disk space of a folder, for the diagnostics screen (`statvfs` through `rustix`, no C code).

use std::path::Path;

/// Bytes available to the kiosk's (unprivileged) process on the file system holding `path`.
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    let st = rustix::fs::statvfs(path)?;
    Ok(st.f_bavail.saturating_mul(st.f_frsize))
}

/// "12.3 GB" / "512 MB".
pub fn human(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let mb = bytes as f64 / MB;
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else {
        format!("{mb:.0} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temp_folder_has_some_free_space() {
        assert!(free_bytes(&std::env::temp_dir()).unwrap() > 0);
        assert_eq!(human(3 * 1024 * 1024 * 1024 / 2), "1.5 GB");
        assert_eq!(human(512 * 1024 * 1024), "512 MB");
    }
}
