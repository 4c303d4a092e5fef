//! A small tmpfs mounted for a test and filled up, for the full-disk tests (issue 18, item 3).
//! Mounting needs root (CAP_SYS_ADMIN): the tests that use it are `#[ignore]`d and `.ci/run` runs them
//! as root.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

/// A tmpfs of a given size, unmounted when dropped.
pub struct Tmpfs {
    pub dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`mount -o size=`, e.g. `1m`) on a fresh folder; panics saying how to
    /// run it when it cannot.
    pub fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap().keep();
        let options = format!("size={size}");
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", &options, "kiosk-full-disk"]).arg(&dir).output();
        match out {
            Ok(o) if o.status.success() => Tmpfs { dir },
            Ok(o) => panic!(
                "cannot mount a tmpfs on {} (root needed: run the ignored full_disk tests as root, e.g. \
                 sudo -E cargo test --test cli full_disk -- --ignored): {}",
                dir.display(),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("cannot run mount ({e}): install util-linux's mount, and run as root"),
        }
    }

    /// Fills the file system with a file until the kernel says there is no space left; the file, to
    /// remove when space is to return.
    pub fn fill(&self) -> PathBuf {
        let filler = self.dir.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        loop {
            match f.write_all(&block).and_then(|()| f.sync_all()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
        assert_eq!(kiosk::staff::disk::free_bytes(&self.dir).unwrap(), 0, "the disk is full");
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily: a kiosk of the test may still hold its database open until the process ends. The
        // mount point is empty once detached, and removed with it.
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}
