//! Screen power and service hours (`[screen] blank_after_secs`, `[screen] hours`): when the home
//! screen goes dark, and when the terminal takes applications. No clock inside: the caller says what
//! time it is and when a second has passed.

use chrono::NaiveTime;

/// One span of service, e.g. 08:30-12:00 (start included, end excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// When the terminal serves residents; no spans means always.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceHours {
    spans: Vec<Span>,
}

/// Why a `[screen] hours` entry is refused (each names the entry as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    /// Not `HH:MM-HH:MM`.
    Form(String),
    /// The start is not before the end.
    Order(String),
    /// Two entries overlap.
    Overlap(String, String),
}

impl ServiceHours {
    /// Parses `["08:30-12:00", "14:00-17:30"]`: each `HH:MM-HH:MM` with the start before the end,
    /// no two overlapping (in any order; they are kept sorted).
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<ServiceHours, HoursError> {
        let mut spans: Vec<(Span, &str)> = Vec::new();
        for entry in entries {
            let entry = entry.as_ref();
            let time = |t: &str| {
                let b = t.as_bytes();
                let form =
                    b.len() == 5 && b[2] == b':' && t.chars().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit());
                form.then(|| NaiveTime::parse_from_str(t, "%H:%M").ok()).flatten()
            };
            let span = entry
                .split_once('-')
                .and_then(|(a, b)| Some(Span { start: time(a.trim())?, end: time(b.trim())? }))
                .ok_or_else(|| HoursError::Form(entry.to_string()))?;
            if span.start >= span.end {
                return Err(HoursError::Order(entry.to_string()));
            }
            if let Some((_, other)) = spans.iter().find(|(s, _)| s.start < span.end && span.start < s.end) {
                return Err(HoursError::Overlap(other.to_string(), entry.to_string()));
            }
            spans.push((span, entry));
        }
        let mut spans: Vec<Span> = spans.into_iter().map(|(s, _)| s).collect();
        spans.sort_by_key(|s| s.start);
        Ok(ServiceHours { spans })
    }

    /// Whether the terminal serves at `t` (always, without hours).
    pub fn open_at(&self, t: NaiveTime) -> bool {
        self.spans.is_empty() || self.spans.iter().any(|s| s.start <= t && t < s.end)
    }

    /// The spans, earliest first.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// The libinput calibration matrix that turns touch as `[screen] rotation` (degrees clockwise)
/// turns the picture. Slint's linuxkms backend (1.18) rotates only what it draws
/// (`SLINT_KMS_ROTATION`): it scales a touch to the window's size but neither swaps nor mirrors the
/// axes, so a panel turned by 90 degrees would press the wrong place. libinput applies this matrix
/// to the panel's normalised touch (and absolute pointer) coordinates first: panel to window.
pub fn touch_calibration(rotation: u32) -> [f32; 6] {
    match rotation {
        90 => [0., 1., 0., -1., 0., 1.],
        180 => [-1., 0., 1., 0., -1., 1.],
        270 => [0., -1., 1., 1., 0., 0.],
        _ => [1., 0., 0., 0., 1., 0.],
    }
}

/// The home screen's power: dark after `after` seconds without a touch, lit again by a touch that
/// only wakes it. Any other screen never goes dark (a resident is mid-session there).
#[derive(Debug, Clone, Default)]
pub struct Blanker {
    after: Option<u32>,
    quiet: u32,
    blank: bool,
}

impl Blanker {
    /// `after_secs` of none or 0: never dark.
    pub fn new(after_secs: Option<u32>) -> Blanker {
        Blanker { after: after_secs.filter(|s| *s > 0), quiet: 0, blank: false }
    }

    pub fn is_blank(&self) -> bool {
        self.blank
    }

    /// The seconds without a touch after which the screen goes dark; none: never.
    pub fn after_secs(&self) -> Option<u32> {
        self.after
    }

    /// A touch on a lit screen: the time starts afresh.
    pub fn touched(&mut self) {
        self.quiet = 0;
    }

    /// The touch on the dark screen: lit again, and nothing else happens.
    pub fn wake(&mut self) {
        self.quiet = 0;
        self.blank = false;
    }

    /// One second has passed; `at_home`: the home screen is shown and nothing is printing or
    /// submitting. Whether the screen went dark or lit.
    pub fn tick(&mut self, at_home: bool) -> bool {
        let was = self.blank;
        if !at_home {
            self.quiet = 0;
            self.blank = false;
        } else if let Some(after) = self.after {
            self.quiet = self.quiet.saturating_add(1);
            self.blank |= self.quiet >= after;
        }
        was != self.blank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn hours_admit_their_spans_only_and_none_means_always() {
        let h = ServiceHours::parse(&["14:00-17:30", "08:30-12:00"]).unwrap();
        assert_eq!(h.spans().iter().map(Span::to_string).collect::<Vec<_>>(), ["08:30-12:00", "14:00-17:30"]);
        for (at, open) in [("08:29", false), ("08:30", true), ("11:59", true), ("12:00", false), ("13:59", false)] {
            assert_eq!(h.open_at(t(at)), open, "{at}");
        }
        assert!(h.open_at(t("17:29")) && !h.open_at(t("17:30")) && !h.open_at(t("00:00")));
        let always = ServiceHours::parse::<&str>(&[]).unwrap();
        assert!(always.open_at(t("03:00")));
    }

    #[test]
    fn malformed_reversed_and_overlapping_hours_are_refused_by_entry() {
        for bad in
            ["8:30-12:00", "08:30–12:00", "08:30", "08:30-24:00", "08:60-09:00", "ab:cd-12:00", "08:30-12:00-13:00"]
        {
            assert_eq!(ServiceHours::parse(&[bad]), Err(HoursError::Form(bad.into())), "{bad}");
        }
        assert_eq!(ServiceHours::parse(&["12:00-08:30"]), Err(HoursError::Order("12:00-08:30".into())));
        assert_eq!(ServiceHours::parse(&["09:00-09:00"]), Err(HoursError::Order("09:00-09:00".into())));
        assert_eq!(
            ServiceHours::parse(&["08:30-12:00", "11:00-14:00"]),
            Err(HoursError::Overlap("08:30-12:00".into(), "11:00-14:00".into()))
        );
        assert!(ServiceHours::parse(&["08:30-12:00", "12:00-14:00"]).is_ok(), "touching spans do not overlap");
    }

    /// Where Slint's software renderer draws a window point (normalised) on a panel turned by
    /// `rotation`: i-slint-renderer-software's `Point2D::transformed` (mirror, then transpose).
    fn drawn_at(rotation: u32, (x, y): (f32, f32)) -> (f32, f32) {
        let x = if matches!(rotation, 270 | 180) { 1. - x } else { x };
        let y = if matches!(rotation, 90 | 180) { 1. - y } else { y };
        if matches!(rotation, 90 | 270) {
            (y, x)
        } else {
            (x, y)
        }
    }

    #[test]
    fn a_touch_lands_where_the_turned_picture_shows_it() {
        for rotation in [0, 90, 180, 270] {
            let [a, b, c, d, e, f] = touch_calibration(rotation);
            for point in [(0.1, 0.2), (0.9, 0.05), (0.5, 0.5), (0.3, 0.95)] {
                let (px, py) = drawn_at(rotation, point);
                let touched = (a * px + b * py + c, d * px + e * py + f);
                let close = (touched.0 - point.0).abs() < 1e-6 && (touched.1 - point.1).abs() < 1e-6;
                assert!(close, "{rotation}°: drawn {point:?} at {:?}, touch lands at {touched:?}", (px, py));
            }
        }
        assert_eq!(touch_calibration(90), [0., 1., 0., -1., 0., 1.], "libinput's 270° clockwise undoes 90°");
    }

    #[test]
    fn the_home_screen_goes_dark_after_the_quiet_time_and_a_touch_wakes_it() {
        let mut b = Blanker::new(Some(60));
        assert!((0..59).all(|_| !b.tick(true)));
        assert!(b.tick(true), "dark after 60 s");
        assert!(b.is_blank());
        b.wake();
        assert!(!b.is_blank());
        assert!((0..59).all(|_| !b.tick(true)), "waking gives the full time back");
        b.touched();
        assert!((0..59).all(|_| !b.tick(true)), "every touch does too");
        assert!(b.tick(true));
    }

    #[test]
    fn other_screens_and_no_setting_never_go_dark() {
        let mut b = Blanker::new(Some(10));
        assert!((0..500).all(|_| !b.tick(false)));
        (0..10).for_each(|_| _ = b.tick(true));
        assert!(b.is_blank());
        assert!(b.tick(false), "leaving home lights the screen");
        assert!(!b.is_blank());
        for never in [None, Some(0)] {
            let mut b = Blanker::new(never);
            assert!((0..10_000).all(|_| !b.tick(true)));
        }
    }
}
