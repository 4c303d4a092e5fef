//! Just enough of RIFF/WAVE to check what the synthesiser wrote: 16-bit PCM samples, duration,
//! loudness. (espeak-ng writes a 44-byte header: `fmt ` then `data`; chunks are walked anyway.)

use std::path::Path;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WavError {
    #[error("not a RIFF/WAVE file")]
    NotWave,
    #[error("no `{0}` chunk")]
    MissingChunk(&'static str),
    #[error("unsupported format {format} with {bits} bits per sample (expected 16-bit PCM)")]
    Unsupported { format: u16, bits: u16 },
}

/// 16-bit PCM audio, channels interleaved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wav {
    pub sample_rate: u32,
    pub channels: u16,
    pub samples: Vec<i16>,
}

impl Wav {
    /// Parses a WAV file's bytes. A `data` chunk whose declared size runs past the end (a file
    /// whose writer was stopped before it fixed the header) is read up to the end.
    pub fn parse(bytes: &[u8]) -> Result<Wav, WavError> {
        if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
            return Err(WavError::NotWave);
        }
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut fmt: Option<(u16, u16, u32, u16)> = None;
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let id = &bytes[at..at + 4];
            let size = u32_at(at + 4) as usize;
            let body = at + 8;
            if id == b"fmt " && body + 16 <= bytes.len() {
                fmt = Some((u16_at(body), u16_at(body + 2), u32_at(body + 4), u16_at(body + 14)));
            } else if id == b"data" {
                let (format, channels, sample_rate, bits) = fmt.ok_or(WavError::MissingChunk("fmt "))?;
                if format != 1 || bits != 16 {
                    return Err(WavError::Unsupported { format, bits });
                }
                let end = body.saturating_add(size).min(bytes.len());
                let samples = bytes[body..end].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
                return Ok(Wav { sample_rate, channels, samples });
            }
            at = body.saturating_add(size).saturating_add(size & 1);
        }
        Err(WavError::MissingChunk(if fmt.is_some() { "data" } else { "fmt " }))
    }

    /// Reads and parses a WAV file.
    pub fn read(path: &Path) -> std::io::Result<Wav> {
        let bytes = std::fs::read(path)?;
        Wav::parse(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
    }

    /// Length in seconds.
    pub fn duration_secs(&self) -> f64 {
        if self.sample_rate == 0 || self.channels == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / f64::from(self.channels) / f64::from(self.sample_rate)
    }

    /// Root mean square of the samples (0 = silence, 32767 = a full-scale square wave).
    pub fn rms(&self) -> f64 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        (sum / self.samples.len() as f64).sqrt()
    }

    /// The largest absolute sample.
    pub fn peak(&self) -> u16 {
        self.samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0)
    }
}

/// A 44-byte header for 16-bit mono PCM of `data_len` bytes.
pub fn header(sample_rate: u32, data_len: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data_len).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes());
    h[22..24].copy_from_slice(&1u16.to_le_bytes());
    h[24..28].copy_from_slice(&sample_rate.to_le_bytes());
    h[28..32].copy_from_slice(&(sample_rate * 2).to_le_bytes());
    h[32..34].copy_from_slice(&2u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(samples: &[i16]) -> Vec<u8> {
        let mut bytes = header(22050, (samples.len() * 2) as u32).to_vec();
        bytes.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
        bytes
    }

    #[test]
    fn parses_what_it_writes() {
        let w = Wav::parse(&wav(&[0, 1000, -1000, 0])).unwrap();
        assert_eq!((w.sample_rate, w.channels, w.samples.len()), (22050, 1, 4));
        assert_eq!(w.peak(), 1000);
        assert!((w.rms() - 707.1).abs() < 0.1);
    }

    #[test]
    fn a_header_whose_size_was_never_fixed_reads_to_the_end() {
        let mut bytes = wav(&[5; 100]);
        bytes[40..44].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        assert_eq!(Wav::parse(&bytes).unwrap().samples.len(), 100);
    }

    #[test]
    fn rejects_what_is_not_a_wave() {
        assert_eq!(Wav::parse(b"RIFF"), Err(WavError::NotWave));
        assert_eq!(Wav::parse(&wav(&[])[..36]), Err(WavError::MissingChunk("data")));
        let mut bytes = wav(&[1, 2]);
        bytes[34] = 8;
        assert_eq!(Wav::parse(&bytes), Err(WavError::Unsupported { format: 1, bits: 8 }));
    }
}
