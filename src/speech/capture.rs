//! The capture folder: every utterance kept as `NNNNNN.wav` with its spoken text in `NNNNNN.txt`,
//! numbered on from the highest number already there.

use std::path::{Path, PathBuf};

use super::Capture;

pub struct CaptureDir {
    dir: PathBuf,
    next: u32,
}

impl CaptureDir {
    /// Creates the folder if needed and finds the next free number.
    pub fn open(dir: &Path) -> std::io::Result<CaptureDir> {
        std::fs::create_dir_all(dir)?;
        Ok(CaptureDir { dir: dir.to_path_buf(), next: next_number(dir)? })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves the synthesised `wav` in as the next number and writes `text` beside it.
    pub fn keep(&mut self, wav: &Path, text: &str) -> std::io::Result<Capture> {
        // Another process may have written into the folder since: never overwrite.
        self.next = self.next.max(next_number(&self.dir)?);
        let number = self.next;
        let target = self.dir.join(format!("{number:06}.wav"));
        if std::fs::rename(wav, &target).is_err() {
            std::fs::copy(wav, &target)?;
            let _ = std::fs::remove_file(wav);
        }
        let txt = self.dir.join(format!("{number:06}.txt"));
        std::fs::write(&txt, format!("{text}\n"))?;
        self.next = number + 1;
        Ok(Capture { number, wav: target, txt })
    }
}

/// One more than the highest `NNNNNN.wav` / `NNNNNN.txt` in `dir` (1 in an empty folder).
pub fn next_number(dir: &Path) -> std::io::Result<u32> {
    let mut highest = 0;
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((stem, ext)) = name.split_once('.') else { continue };
        if (ext == "wav" || ext == "txt") && stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit()) {
            highest = highest.max(stem.parse().unwrap_or(0));
        }
    }
    Ok(highest + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_continue_from_the_highest_present() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(next_number(dir.path()).unwrap(), 1);
        std::fs::write(dir.path().join("000007.txt"), "x").unwrap();
        std::fs::write(dir.path().join("000003.wav"), "x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        std::fs::write(dir.path().join(".speaking-9.wav"), "x").unwrap();
        let mut c = CaptureDir::open(dir.path()).unwrap();
        let tmp = dir.path().join(".speaking-1.wav");
        std::fs::write(&tmp, "RIFF").unwrap();
        let kept = c.keep(&tmp, "你好").unwrap();
        assert_eq!(kept.number, 8);
        assert_eq!(kept.wav, dir.path().join("000008.wav"));
        assert_eq!(std::fs::read_to_string(&kept.txt).unwrap(), "你好\n");
        assert!(!tmp.exists());
    }
}
