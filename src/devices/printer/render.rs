//! Slip → ESC/POS bytes (pure). Text goes through the `escpos` crate's builder into a buffer; the
//! commands the crate gets wrong or lacks (the real partial cut, Chinese mode, raster `GS v 0`) are
//! written here by hand.

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer as EscPos;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use qrcode::{Color, EcLevel, QrCode};

use super::QrMode;
use crate::slip::{display_width, Line, Paper, Slip};

/// Enter Chinese character mode (`FS &`).
pub const CHINESE_ON: [u8; 2] = [0x1C, 0x26];
/// Leave Chinese character mode (`FS .`).
pub const CHINESE_OFF: [u8; 2] = [0x1C, 0x2E];
/// Feed to the cutter and cut partially (`GS V 66 0`). The crate's `partial_cut()` sends
/// `GS V 65 1`, which Epson defines as a full cut.
pub const PARTIAL_CUT: [u8; 4] = [0x1D, 0x56, 0x42, 0x00];

/// Dots per millimetre of the print head.
pub const DOTS_PER_MM: u32 = 8;
/// Target QR symbol width, quiet zone excluded: 25–35 mm.
pub const QR_MIN_DOTS: u32 = 25 * DOTS_PER_MM;
pub const QR_MAX_DOTS: u32 = 35 * DOTS_PER_MM;
/// Quiet zone around a raster QR, in modules.
pub const QR_QUIET_MODULES: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("QR code cannot hold {len} bytes: {source}")]
    Qr { len: usize, source: qrcode::types::QrError },
    #[error("ESC/POS builder: {0}")]
    EscPos(String),
}

impl From<escpos::errors::PrinterError> for RenderError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        RenderError::EscPos(e.to_string())
    }
}

/// A slip rendered for one printer: what was laid out and the bytes to send. Keep it to reprint.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedJob {
    pub paper: Paper,
    pub qr_mode: QrMode,
    pub lines: Vec<Line>,
    pub bytes: Vec<u8>,
}

/// The QR symbol a text needs (error level M, smallest version) and the module size in dots that
/// makes it 25–35 mm wide (as close to 35 mm as fits; at least 1, at most 16).
#[derive(Debug, Clone, PartialEq)]
pub struct QrPlan {
    pub version: i16,
    /// Modules per side, quiet zone excluded.
    pub modules: u32,
    /// Dots per module.
    pub module_dots: u8,
}

impl QrPlan {
    pub fn for_text(text: &str) -> Result<(Self, QrCode), RenderError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|source| RenderError::Qr { len: text.len(), source })?;
        let modules = code.width() as u32;
        let module_dots = (QR_MAX_DOTS / modules).clamp(1, 16) as u8;
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        Ok((QrPlan { version, modules, module_dots }, code))
    }

    /// Symbol width in dots, quiet zone excluded.
    pub fn symbol_dots(&self) -> u32 {
        self.modules * u32::from(self.module_dots)
    }
}

/// The native QR sequence: model 2, module size, error level M, store, print (GS ( k).
pub fn native_qr(text: &str) -> Result<Vec<u8>, RenderError> {
    let (plan, _) = QrPlan::for_text(text)?;
    let mut p = EscPos::new(Buffer::default(), Protocol::default(), None);
    p.qrcode_option(text, QRCodeOption::new(QRCodeModel::Model2, plan.module_dots, QRCodeCorrectionLevel::M))?;
    p.print()?;
    Ok(p.driver().take())
}

/// A 1-bit image, rows of `width_bytes` bytes, MSB = leftmost dot, 1 = black. Each bit prints as a
/// `scale` × `scale` square of dots (1: normal, 2: `GS v 0`'s quadruple mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RasterImage {
    pub width_bytes: u16,
    pub height: u16,
    pub scale: u8,
    pub data: Vec<u8>,
}

impl RasterImage {
    /// Width in bits (one bit is `scale` dots).
    pub fn width_bits(&self) -> u32 {
        u32::from(self.width_bytes) * 8
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        let i = y as usize * usize::from(self.width_bytes) + (x / 8) as usize;
        self.data.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// `GS v 0 m xL xH yL yH data`: m = 0 (normal) or 3 (double width and height).
    pub fn gs_v0(&self) -> Vec<u8> {
        let [xl, xh] = self.width_bytes.to_le_bytes();
        let [yl, yh] = self.height.to_le_bytes();
        let m = if self.scale == 2 { 3 } else { 0 };
        let mut out = vec![0x1D, 0x76, 0x30, m, xl, xh, yl, yh];
        out.extend_from_slice(&self.data);
        out
    }
}

/// How a raster QR is drawn: the symbol the text needs (level M, smallest version, like the native
/// one) and a module size that keeps it 25–35 mm wide. An even module size is sent in `GS v 0`'s
/// quadruple mode (one bit per 2 × 2 dots), a quarter of the bytes; the module size is the largest
/// even one within 35 mm. Only a symbol no even size fits (version 8, or 14 and up) goes at normal
/// density, with the native plan's module size.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterPlan {
    pub qr: QrPlan,
    /// 2 in quadruple mode, else 1.
    pub scale: u8,
}

impl RasterPlan {
    pub fn for_text(text: &str) -> Result<(Self, QrCode), RenderError> {
        let (mut qr, code) = QrPlan::for_text(text)?;
        let even = (QR_MAX_DOTS / qr.modules / 2 * 2).min(16);
        let scale = if even >= 2 && qr.modules * even >= QR_MIN_DOTS {
            qr.module_dots = even as u8;
            2
        } else {
            1
        };
        Ok((RasterPlan { qr, scale }, code))
    }

    /// The quiet zone above and below the symbol, in dots (fed as paper, not sent as white rows).
    pub fn quiet_dots(&self) -> u32 {
        QR_QUIET_MODULES * u32::from(self.qr.module_dots)
    }

    /// The symbol `code` (the one this plan was made for) drawn as [`raster_qr`] describes.
    pub fn image(&self, code: &QrCode) -> RasterImage {
        let colors = code.to_colors();
        let modules = self.qr.modules;
        // Bits per module.
        let n = u32::from(self.qr.module_dots) / u32::from(self.scale);
        let side = modules * n;
        let width_bytes = side.div_ceil(8);
        let left = (width_bytes * 8 - side) / 2;
        let mut data = vec![0u8; (width_bytes * side) as usize];
        for y in 0..side {
            for x in 0..side {
                if colors.get((y / n * modules + x / n) as usize) == Some(&Color::Dark) {
                    let px = left + x;
                    data[(y * width_bytes + px / 8) as usize] |= 0x80 >> (px % 8);
                }
            }
        }
        RasterImage { width_bytes: width_bytes as u16, height: side as u16, scale: self.scale, data }
    }
}

/// The QR for `text` as a raster image of the symbol alone: its own width (rounded up to whole bytes,
/// the padding split left and right) and height, no white rows. The printer centres it (`ESC a 1`)
/// and the paper around it is the quiet zone: a 25–35 mm symbol leaves more than 4 modules on either
/// side of 58 mm paper's 48 mm print width; above and below, the renderer feeds paper (`ESC d`).
pub fn raster_qr(text: &str) -> Result<RasterImage, RenderError> {
    let (plan, code) = RasterPlan::for_text(text)?;
    Ok(plan.image(&code))
}

/// The smallest default line feed among common printers: 30 dots (3.75 mm; Epson's is 1/6 inch).
pub const MIN_LINE_DOTS: u32 = 30;

/// `ESC d n`: print what is pending and feed whole lines, at least `dots` dots of blank paper.
/// Lines rather than `ESC J` dots: the line feed is about 4 mm on every printer, while `ESC J`'s
/// motion unit is 1/203 inch on some and 1/360 inch on others.
fn feed_at_least(dots: u32) -> [u8; 3] {
    [0x1B, b'd', dots.div_ceil(MIN_LINE_DOTS).clamp(1, 255) as u8]
}

/// The QR for `text` as a greyscale image (0 = black, 255 = white) for screens: `module_px` pixels
/// per module and a 4-module quiet zone. Same symbol (level M, smallest version) as on paper.
pub fn qr_image(text: &str, module_px: u32) -> Result<super::sim::PaperImage, RenderError> {
    let (plan, code) = QrPlan::for_text(text)?;
    let colors = code.to_colors();
    let n = module_px.max(1);
    let side = (plan.modules + 2 * QR_QUIET_MODULES) * n;
    let mut pixels = vec![255u8; (side * side) as usize];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / n).checked_sub(QR_QUIET_MODULES), (y / n).checked_sub(QR_QUIET_MODULES));
            if let (Some(mx), Some(my)) = (mx, my) {
                if mx < plan.modules
                    && my < plan.modules
                    && colors.get((my * plan.modules + mx) as usize) == Some(&Color::Dark)
                {
                    pixels[(y * side + x) as usize] = 0;
                }
            }
        }
    }
    Ok(super::sim::PaperImage { width: side, height: side, pixels })
}

/// Lays out and renders a slip.
pub fn render(slip: &Slip, paper: Paper, qr_mode: QrMode) -> Result<RenderedJob, RenderError> {
    let lines = slip.layout(paper);
    let bytes = render_lines(&lines, paper, qr_mode)?;
    Ok(RenderedJob { paper, qr_mode, lines, bytes })
}

/// Renders laid-out lines: init, Chinese mode, the lines, partial cut.
pub fn render_lines(lines: &[Line], paper: Paper, qr_mode: QrMode) -> Result<Vec<u8>, RenderError> {
    let protocol = Protocol::new(escpos::utils::Encoder::new(encoding_rs::GBK));
    let mut p = EscPos::new(Buffer::default(), protocol, None);
    p.init()?.custom(&CHINESE_ON)?;
    let mut centred = false;
    let mut bold = false;
    let mut justify = |p: &mut EscPos<Buffer>, c: bool| -> Result<(), RenderError> {
        if c != centred {
            p.justify(if c { JustifyMode::CENTER } else { JustifyMode::LEFT })?;
            centred = c;
        }
        Ok(())
    };
    for line in lines {
        match line {
            Line::Heading(t) => {
                justify(&mut p, true)?;
                p.bold(true)?.size(2, 2)?.write(&gbk_safe(t))?.write("\n")?.reset_size()?.bold(false)?;
                bold = false;
            }
            Line::Text { text, align, bold: b } => {
                justify(&mut p, *align == crate::slip::Align::Center)?;
                if *b != bold {
                    p.bold(*b)?;
                    bold = *b;
                }
                p.write(&gbk_safe(text))?.write("\n")?;
            }
            Line::KeyValue { key, value } => {
                justify(&mut p, false)?;
                if bold {
                    p.bold(false)?;
                    bold = false;
                }
                let pad = Line::KEY_COLUMNS.saturating_sub(display_width(key));
                let text = format!("{}{}{}\n", gbk_safe(key), " ".repeat(pad), gbk_safe(value));
                p.write(&text)?;
            }
            Line::Rule => {
                justify(&mut p, false)?;
                p.write(&"-".repeat(paper.columns()))?.write("\n")?;
            }
            Line::Qr(text) => match qr_mode {
                QrMode::Native => {
                    // A blank line above and below keeps the quiet zone free of text.
                    justify(&mut p, true)?;
                    p.write("\n")?.custom(&native_qr(text)?)?.write("\n")?;
                }
                QrMode::Raster => {
                    // Centred by the printer; the quiet zone above and below is fed paper.
                    let (plan, code) = RasterPlan::for_text(text)?;
                    justify(&mut p, true)?;
                    p.custom(&feed_at_least(plan.quiet_dots()))?
                        .custom(&plan.image(&code).gs_v0())?
                        .custom(&feed_at_least(plan.quiet_dots()))?;
                }
            },
            Line::Feed(n) => {
                p.feeds(*n)?;
            }
        }
    }
    p.custom(&CHINESE_OFF)?.custom(&PARTIAL_CUT)?.print()?;
    Ok(p.driver().take())
}

/// Replaces characters GBK cannot encode with `?` (the crate would otherwise fail or print HTML
/// character references).
fn gbk_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (_, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
            if unmappable {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// An `escpos` driver that collects the bytes in memory.
#[derive(Clone, Default)]
struct Buffer(Rc<RefCell<Vec<u8>>>);

impl Buffer {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Driver for Buffer {
    fn name(&self) -> String {
        "buffer".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slip::{ChecklistSlip, PickupSlip};

    #[test]
    fn native_qr_bytes_are_exact() {
        let text = "https://k.cn/p/abcdefghijklmnopqrst"; // 35 bytes → version 3 at M (29 modules)
        let bytes = native_qr(text).unwrap();
        let mut want = vec![0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]; // model 2
        want.extend([0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 9]); // 280 / 29 = 9 dots per module
        want.extend([0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31]); // error level M
        want.extend([0x1D, 0x28, 0x6B, 38, 0x00, 0x31, 0x50, 0x30]); // store, pL = 35 + 3
        want.extend(text.as_bytes());
        want.extend([0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]); // print
        assert_eq!(bytes, want);
    }

    #[test]
    fn qr_module_size_keeps_the_symbol_between_25_and_35_mm() {
        for len in [10, 35, 60, 100, 200, 300] {
            let text = "x".repeat(len);
            let (plan, _) = QrPlan::for_text(&text).unwrap();
            let w = plan.symbol_dots();
            assert!((QR_MIN_DOTS..=QR_MAX_DOTS).contains(&w), "{len} bytes, v{}: {w} dots", plan.version);
        }
    }

    #[test]
    fn raster_is_the_symbol_alone_in_quadruple_mode() {
        let text = "https://k.cn/p/abcdefghijklmnopqrst"; // version 3 at M: 29 modules
        let (plan, _) = RasterPlan::for_text(text).unwrap();
        // 280 / 29 = 9 → the largest even size is 8 dots a module: 232 dots = 29 mm, 4 bits a module.
        assert_eq!((plan.qr.modules, plan.qr.module_dots, plan.scale), (29, 8, 2));
        assert_eq!(plan.qr.symbol_dots(), 232);
        let img = raster_qr(text).unwrap();
        let bytes = img.gs_v0();
        // m = 3 (double width and height); 116 bits = 15 bytes wide, 116 rows.
        assert_eq!(&bytes[..8], &[0x1D, 0x76, 0x30, 0x03, 15, 0, 116, 0]);
        assert_eq!(bytes.len(), 8 + 15 * 116);
        // The first row is the finder patterns' top edge: 7 dark modules (28 bits) from bit 2 (the
        // 4 bits of byte padding split 2 and 2).
        assert!(!img.get(1, 0) && img.get(2, 0) && img.get(29, 0) && !img.get(30, 0));
        // The right finder pattern ends at the last symbol bit, 2 + 116 − 1 = 117.
        assert!(!img.get(89, 0) && img.get(90, 0) && img.get(117, 0) && !img.get(118, 0));
        // No blank rows: the quiet zone is paper fed, not white raster rows.
        assert!(img.data.chunks(15).all(|row| row.iter().any(|&b| b != 0)));
    }

    #[test]
    fn raster_keeps_the_symbol_between_25_and_35_mm_and_its_quiet_zone_on_58_mm_paper() {
        for len in [10, 35, 60, 100, 150, 200, 300] {
            let text = "x".repeat(len);
            let (plan, _) = RasterPlan::for_text(&text).unwrap();
            let w = plan.qr.symbol_dots();
            assert!((QR_MIN_DOTS..=QR_MAX_DOTS).contains(&w), "{len} bytes, v{}: {w} dots", plan.qr.version);
            assert!(w + 2 * plan.quiet_dots() <= Paper::Mm58.dots(), "{len} bytes: no room for the quiet zone");
            let img = raster_qr(&text).unwrap();
            let scale = u32::from(img.scale);
            assert_eq!(img.width_bits(), (w / scale).div_ceil(8) * 8, "{len} bytes: its own width, whole bytes");
            assert_eq!(u32::from(img.height) * scale, w, "{len} bytes: its own height");
        }
    }

    /// Decodes the raster bytes back into a bitmap, as the printer draws it (each bit `scale` dots
    /// square, the quiet zone around it white paper), and reads it with a QR decoder.
    #[test]
    fn raster_bytes_decode_back_to_the_text() {
        let text = "https://hub.example.cn/p/k3q7xw2mnb4r5tyuz6ae";
        let bytes = raster_qr(text).unwrap().gs_v0();
        let scale = if bytes[3] == 3 { 2 } else { 1 };
        let xb = usize::from(u16::from_le_bytes([bytes[4], bytes[5]]));
        let h = usize::from(u16::from_le_bytes([bytes[6], bytes[7]]));
        let data = &bytes[8..];
        assert_eq!(data.len(), xb * h);
        let margin = 40;
        let (w, hh) = (xb * 8 * scale + 2 * margin, h * scale + 2 * margin);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, hh, |x, y| {
            let (Some(x), Some(y)) = (x.checked_sub(margin), y.checked_sub(margin)) else { return 255 };
            let (x, y) = (x / scale, y / scale);
            if x < xb * 8 && y < h && data[y * xb + x / 8] & (0x80 >> (x % 8)) != 0 {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, text);
    }

    #[test]
    fn slip_starts_with_init_and_chinese_mode_and_ends_with_a_partial_cut() {
        let slip = Slip::from(PickupSlip::sample("https://hub.example.cn"));
        let job = render(&slip, Paper::Mm80, QrMode::Native).unwrap();
        assert_eq!(&job.bytes[..4], &[0x1B, 0x40, 0x1C, 0x26]);
        assert!(job.bytes.ends_with(&[0x1C, 0x2E, 0x1D, 0x56, 0x42, 0x00]));
        // GBK text, not UTF-8: 受理回执 = CA DC C0 ED BB D8 D6 B4.
        let gbk = [0xCA, 0xDC, 0xC0, 0xED, 0xBB, 0xD8, 0xD6, 0xB4];
        assert!(job.bytes.windows(8).any(|w| w == gbk));
        // Heading: emphasis on, double width and height.
        assert!(job.bytes.windows(6).any(|w| w == [0x1B, 0x45, 0x01, 0x1D, 0x21, 0x11]));
        assert!(!job.bytes.windows(4).any(|w| w == [0x1D, 0x56, 0x41, 0x01]), "no full cut");
    }

    #[test]
    fn sample_slips_fit_in_1_kb_native_and_6_kb_raster() {
        for paper in [Paper::Mm58, Paper::Mm80] {
            let pickup = render(&PickupSlip::sample("https://hub.example.cn").into(), paper, QrMode::Native).unwrap();
            assert!(pickup.bytes.len() <= 1024, "{paper:?}: {} bytes", pickup.bytes.len());
            let raster = render(&PickupSlip::sample("https://hub.example.cn").into(), paper, QrMode::Raster).unwrap();
            assert!(raster.bytes.len() <= 6 * 1024, "{paper:?}: {} bytes", raster.bytes.len());
            eprintln!(
                "{paper:?}: pickup slip {} bytes native, {} bytes raster",
                pickup.bytes.len(),
                raster.bytes.len()
            );
            for mode in [QrMode::Native, QrMode::Raster] {
                let checklist = render(&ChecklistSlip::sample().into(), paper, mode).unwrap();
                let limit = if mode == QrMode::Native { 1024 } else { 6 * 1024 };
                assert!(checklist.bytes.len() <= limit, "{paper:?} {mode:?}: {} bytes", checklist.bytes.len());
            }
        }
    }

    /// The longest pickup slip a terminal realistically prints: the production QR base, a long centre,
    /// item and pickup place, a grid worker, in `lang`.
    fn longest_pickup(lang: crate::Lang) -> Slip {
        let mut s = PickupSlip::sample("https://zwfw.example.gov.cn");
        s.centre = "石峰区清水塘街道华垅社区党群服务中心".into();
        s.item = "城乡居民基本养老保险待遇领取资格认证".into();
        s.pickup_place = "石峰区清水塘街道华垅社区党群服务中心一楼综合受理3号窗口".into();
        s.pickup_hours = "工作日9:00-12:00，14:00-17:30（节假日除外）".into();
        Slip::from(s.in_lang(lang))
    }

    /// Goals of issue 17: a raster slip leaves a 9600-baud line in about 6 s (≤ 6 KB), a native one
    /// in about a second (≤ 1 KB), on either paper, in either language.
    /// `cargo test --lib printer::render::tests::slip_sizes -- --nocapture` prints the sizes.
    #[test]
    fn slip_sizes_stay_within_6_kb_raster_and_1_kb_native() {
        let mut too_big = Vec::new();
        for lang in [crate::Lang::Zh, crate::Lang::En] {
            for paper in [Paper::Mm58, Paper::Mm80] {
                let slip = longest_pickup(lang);
                let native = render(&slip, paper, QrMode::Native).unwrap().bytes.len();
                let raster = render(&slip, paper, QrMode::Raster).unwrap().bytes.len();
                eprintln!("{lang:?} {}mm pickup slip: native {native} bytes, raster {raster} bytes", paper.mm());
                if native > 1024 || raster > 6 * 1024 {
                    too_big.push(format!("{lang:?} {paper:?}: native {native}, raster {raster}"));
                }
            }
        }
        assert!(too_big.is_empty(), "over 1 KB native or 6 KB raster: {too_big:#?}");
    }

    #[test]
    fn screen_qr_image_decodes() {
        let text = "https://hub.example.cn/p/abcdefghijklmnopqrst";
        let img = qr_image(text, 4).unwrap();
        let (plan, _) = QrPlan::for_text(text).unwrap();
        assert_eq!(img.width, (plan.modules + 8) * 4);
        let w = img.width as usize;
        let mut p = rqrr::PreparedImage::prepare_from_greyscale(w, w, |x, y| img.pixels[y * w + x]);
        assert_eq!(p.detect_grids()[0].decode().unwrap().1, text);
    }

    #[test]
    fn unencodable_characters_become_question_marks() {
        assert_eq!(gbk_safe("张🙂英"), "张?英");
    }
}
