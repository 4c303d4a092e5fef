//! `kiosk screenshot`: renders a screen headlessly with Slint's software renderer into a PNG, for
//! docs and outside checks. It drives the same UI and callbacks as the kiosk itself.
//!
//! [`Headless`] is the renderer behind it, kept open so that it can draw again and again: the render
//! benchmark (`benches/render.rs`) times full and partial redraws of every screen with it.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PhysicalRegion, PremultipliedRgbaColor, RepaintBufferType,
};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::ui::KioskUi;
use crate::{AppState, ApplyState, ApplyStep, GridState, GridStep, GuideState, PrintState, Screen, StaffState};

/// Which screen to render: `home`, `guides`, `search:<query>`, `theme:<code>`, `guide:<code>`,
/// `identify` (the ID-card screen) or `checklist:<code>` (a printed materials checklist); and, with
/// the simulated devices of the demo config, the screens further into a resident's session: `apply`
/// (我要办理's list), `form:<code>` (an application form after the younger sample card), `review` (the
/// 老年优待证 confirmation after the elderly sample card), `submitted` (submitted, slip printed, the
/// rating buttons), `rating` (a low score with its reasons), `thanks`, `progress` (进度查询), `grid`
/// (找网格员), `grid-worker` (the elderly card's grid worker with the contact QR), `staff-pin` (the
/// PIN pad) and `staff-menu` (after the demo PIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Home,
    Guides,
    Search(String),
    Theme(String),
    Guide(String),
    Identify,
    Checklist(String),
    Apply,
    Form(String),
    Review,
    Submitted,
    Rating,
    Thanks,
    Progress,
    Grid,
    GridWorker,
    StaffPin,
    StaffMenu,
}

/// The targets without an argument, by name.
const NAMED: [(&str, Target); 13] = [
    ("home", Target::Home),
    ("guides", Target::Guides),
    ("identify", Target::Identify),
    ("apply", Target::Apply),
    ("review", Target::Review),
    ("submitted", Target::Submitted),
    ("rating", Target::Rating),
    ("thanks", Target::Thanks),
    ("progress", Target::Progress),
    ("grid", Target::Grid),
    ("grid-worker", Target::GridWorker),
    ("staff-pin", Target::StaffPin),
    ("staff-menu", Target::StaffMenu),
];

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some((_, t)) = NAMED.iter().find(|(name, _)| *name == s) {
            return Ok(t.clone());
        }
        Ok(match s.split_once(':') {
            Some(("checklist", c)) if !c.is_empty() => Target::Checklist(c.into()),
            Some(("search", q)) => Target::Search(q.into()),
            Some(("theme", c)) => Target::Theme(c.into()),
            Some(("guide", c)) if !c.is_empty() => Target::Guide(c.into()),
            Some(("form", c)) if !c.is_empty() => Target::Form(c.into()),
            _ => {
                let named: Vec<&str> = NAMED.iter().map(|(name, _)| *name).collect();
                return Err(format!(
                    "unknown screen `{s}`: expected search:<query>, theme:<code>, guide:<code>, checklist:<code>, \
                     form:<code> or one of {}",
                    named.join(", ")
                ));
            }
        })
    }
}

impl Target {
    /// Whether the screen needs the configured devices (simulated ones in demo mode).
    fn needs_devices(&self) -> bool {
        !matches!(
            self,
            Target::Home
                | Target::Guides
                | Target::Search(_)
                | Target::Theme(_)
                | Target::Guide(_)
                | Target::Apply
                | Target::StaffPin
                | Target::StaffMenu
        )
    }

    /// Whether the screen comes with a database (the outbox, the staff lockout), as on a terminal:
    /// the screens further into a session; the first ones are drawn as they always were, without.
    fn needs_store(&self) -> bool {
        !matches!(
            self,
            Target::Home
                | Target::Guides
                | Target::Search(_)
                | Target::Theme(_)
                | Target::Guide(_)
                | Target::Identify
                | Target::Checklist(_)
        )
    }
}

thread_local! {
    /// The window the headless platform made last (one per kiosk window).
    static LAST_WINDOW: RefCell<Option<Rc<MinimalSoftwareWindow>>> = const { RefCell::new(None) };
    static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Slint's platform for headless rendering: every window is a software-rendered buffer.
struct HeadlessPlatform;

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
        LAST_WINDOW.with(|w| *w.borrow_mut() = Some(window.clone()));
        Ok(window)
    }
}

/// Installs the headless platform on this thread (once; later calls do nothing).
fn install_platform() -> anyhow::Result<()> {
    if INSTALLED.with(|i| i.get()) {
        return Ok(());
    }
    slint::platform::set_platform(Box::new(HeadlessPlatform))
        .map_err(|e| anyhow::anyhow!("cannot set up headless rendering: {e}"))?;
    INSTALLED.with(|i| i.set(true));
    Ok(())
}

/// A kiosk window rendered by Slint's software renderer into a frame buffer of 32-bit pixels (as a
/// board without GPU scans out), opened on a screen and kept open to draw it again and again.
pub struct Headless {
    ui: KioskUi,
    window: Rc<MinimalSoftwareWindow>,
    size: (u32, u32),
    buffer: Vec<PremultipliedRgbaColor>,
}

impl Headless {
    /// A kiosk window of `size` (width, height) in the language of `config.ui.language`, showing
    /// `target`. Screens about devices get the configured ones (simulated in demo mode); the screens
    /// after a card need the simulated reader. Submissions go to a database in memory.
    pub fn open(config: &Config, catalog: Catalog, target: &Target, size: (u32, u32)) -> anyhow::Result<Headless> {
        install_platform()?;
        let devices =
            if target.needs_devices() { crate::ui::Devices::start(config) } else { crate::ui::Devices::none() };
        // A picture says nothing: no speech engine for it.
        let mut config = config.clone();
        config.speech.enabled = false;
        let config = &config;
        let ui = KioskUi::new(config, catalog, devices)?;
        let window = LAST_WINDOW
            .with(|w| w.borrow_mut().take())
            .ok_or_else(|| anyhow::anyhow!("the headless platform made no window"))?;
        if target.needs_store() {
            ui.attach_store(crate::store::Store::open(Path::new(":memory:"))?);
        }
        // The bundled translation can only be selected once a component exists; Slint may also have
        // picked one from the system locale, so always select the configured language explicitly.
        slint::select_bundled_translation(config.ui.language.bundle())
            .map_err(|e| anyhow::anyhow!("cannot select the {} interface: {e}", config.ui.language.code()))?;
        ui.window().global::<AppState>().set_landscape(size.0 > size.1);
        window.set_size(PhysicalSize::new(size.0, size.1));
        ui.window().show()?;
        let buffer = vec![PremultipliedRgbaColor::default(); size.0 as usize * size.1 as usize];
        let headless = Headless { ui, window, size, buffer };
        headless.go_to(config, target)?;
        slint::platform::update_timers_and_animations();
        Ok(headless)
    }

    fn go_to(&self, config: &Config, target: &Target) -> anyhow::Result<()> {
        let w = self.ui.window();
        let app = w.global::<AppState>();
        let guides = w.global::<GuideState>();
        let apply = w.global::<ApplyState>();
        let step = || w.global::<ApplyState>().get_step();
        let limit = Duration::from_secs(10);
        match target {
            Target::Home => {}
            Target::Guides => app.invoke_open_screen(Screen::Guides),
            Target::Search(q) => {
                app.invoke_open_screen(Screen::Search);
                guides.invoke_set_query(q.as_str().into());
            }
            Target::Theme(code) => guides.invoke_open_theme(code.as_str().into()),
            Target::Guide(code) => {
                if guides.get_detail().code != code.as_str() {
                    guides.invoke_open_guide(code.as_str().into());
                }
                if app.get_screen() != Screen::Detail {
                    bail!("no service item with code `{code}` in the catalogue");
                }
            }
            Target::Identify => app.invoke_open_screen(Screen::Identify),
            Target::Checklist(code) => {
                guides.invoke_open_guide(code.as_str().into());
                if app.get_screen() != Screen::Detail {
                    bail!("no service item with code `{code}` in the catalogue");
                }
                guides.invoke_print_checklist(code.as_str().into());
                self.wait_until(limit, || !w.global::<PrintState>().get_printing());
            }
            Target::Apply => app.invoke_open_screen(Screen::Apply),
            Target::Form(code) => {
                app.invoke_open_screen(Screen::Apply);
                apply.invoke_choose_item(code.as_str().into());
                if app.get_screen() == Screen::Apply && step() == ApplyStep::Choose {
                    bail!("no service item with code `{code}` to apply for");
                }
                if step() == ApplyStep::Consent {
                    apply.invoke_agree();
                }
                self.card("younger")?;
                if !self.wait_until(limit, || step() == ApplyStep::Form) {
                    bail!("the item `{code}` has no form after the card (step {:?})", step());
                }
            }
            Target::Review | Target::Submitted | Target::Rating | Target::Thanks => {
                app.invoke_open_screen(Screen::Identify);
                self.card("elderly")?;
                if !self.wait_until(limit, || step() == ApplyStep::Review) {
                    bail!("the {} confirmation did not come after the card", config.senior_card.item);
                }
                if *target != Target::Review {
                    apply.invoke_confirm();
                    self.wait_until(limit, || step() == ApplyStep::Done && !apply.get_printing());
                }
                match target {
                    Target::Rating => apply.invoke_rate(2),
                    Target::Thanks => apply.invoke_rate(5),
                    _ => {}
                }
                if *target == Target::Thanks && step() != ApplyStep::Thanks {
                    apply.invoke_submit_rating();
                }
            }
            Target::Progress => app.invoke_open_screen(Screen::Progress),
            Target::Grid => w.global::<GridState>().invoke_open(),
            Target::GridWorker => {
                w.global::<GridState>().invoke_open();
                self.card("elderly")?;
                if !self.wait_until(limit, || w.global::<GridState>().get_step() == GridStep::Result) {
                    bail!("the elderly sample card found no grid worker");
                }
            }
            Target::StaffPin | Target::StaffMenu => {
                let staff = w.global::<StaffState>();
                for _ in 0..5 {
                    staff.invoke_terminal_tapped();
                }
                if app.get_screen() != Screen::StaffPin {
                    bail!("five taps did not open the PIN pad");
                }
                if *target == Target::StaffMenu {
                    for d in DEMO_PIN.chars() {
                        staff.invoke_pin_digit(d.to_string().into());
                    }
                    staff.invoke_pin_confirm();
                    if app.get_screen() != Screen::StaffMenu {
                        bail!("the staff menu needs the demo PIN (the demo config)");
                    }
                }
            }
        }
        Ok(())
    }

    /// Places a bundled sample card on the simulated reader.
    fn card(&self, key: &str) -> anyhow::Result<()> {
        if self.ui.devices().reader.as_ref().and_then(|r| r.simulator()).is_none() {
            bail!("this screen comes after an ID card: it needs the simulated reader (the demo config)");
        }
        self.ui.devices().place_sample(key);
        Ok(())
    }

    /// Lets timers run (the kiosk drains device events every 100 ms) until `done` holds or `limit`
    /// has passed; whether it holds.
    pub fn wait_until(&self, limit: Duration, mut done: impl FnMut() -> bool) -> bool {
        let start = Instant::now();
        loop {
            slint::platform::update_timers_and_animations();
            if done() {
                return true;
            }
            if start.elapsed() >= limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The kiosk window, to drive it through its globals.
    pub fn ui(&self) -> &KioskUi {
        &self.ui
    }

    /// The window adapter (to dispatch pointer events, or ask for a redraw).
    pub fn window(&self) -> &Rc<MinimalSoftwareWindow> {
        &self.window
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// The frame buffer as drawn last, row by row.
    pub fn pixels(&self) -> &[PremultipliedRgbaColor] {
        &self.buffer
    }

    /// Redraws the whole window, whatever changed; the region drawn (none if nothing was drawn).
    pub fn draw_full(&mut self) -> Option<PhysicalRegion> {
        self.window.request_redraw();
        self.draw(RepaintBufferType::NewBuffer)
    }

    /// Redraws only what changed since the last frame into the same buffer (as a display controller
    /// keeping its frame buffer does); the region drawn, or none when nothing needed drawing.
    pub fn draw_partial(&mut self) -> Option<PhysicalRegion> {
        self.draw(RepaintBufferType::ReusedBuffer)
    }

    fn draw(&mut self, kind: RepaintBufferType) -> Option<PhysicalRegion> {
        let width = self.size.0 as usize;
        let buffer = &mut self.buffer;
        let mut region = None;
        self.window.draw_if_needed(|renderer| {
            // Switching the kind drops the renderer's cache: the next partial frame starts whole.
            renderer.set_repaint_buffer_type(kind);
            region = Some(renderer.render(buffer, width));
        });
        region
    }

    /// Writes the frame buffer as drawn last to a PNG file.
    pub fn write_png(&self, out: &Path) -> anyhow::Result<()> {
        let file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.size.0, self.size.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        // The window is opaque: premultiplied and straight colours are the same.
        let bytes: Vec<u8> = self.buffer.iter().flat_map(|p| [p.red, p.green, p.blue]).collect();
        writer.write_image_data(&bytes)?;
        writer.finish()?;
        Ok(())
    }
}

/// The demo config's staff PIN (kiosk-config/demo.toml).
const DEMO_PIN: &str = "246810";

/// Renders `target` at `size` (width, height) into the PNG file `out`, in the language of
/// `config.ui.language`.
pub fn render(config: &Config, catalog: Catalog, target: &Target, size: (u32, u32), out: &Path) -> anyhow::Result<()> {
    let mut headless = Headless::open(config, catalog, target, size)?;
    if headless.draw_full().is_none() {
        bail!("the window was not drawn");
    }
    headless.write_png(out)
}

/// Parses `WxH`, e.g. `1080x1920`.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("`{s}`: expected WIDTHxHEIGHT, e.g. 1080x1920"))?;
    let parse = |v: &str| v.trim().parse::<u32>().ok().filter(|n| (100..=8000).contains(n));
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(format!("`{s}`: expected WIDTHxHEIGHT with each between 100 and 8000")),
    }
}
