//! `kiosk screenshot`: renders a screen headlessly with Slint's software renderer into a PNG, for
//! docs and outside checks. It drives the same UI and callbacks as the kiosk itself.

use std::path::Path;
use std::rc::Rc;

use anyhow::{bail, Context};
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::Rgb8Pixel;
use slint::{ComponentHandle, PhysicalSize};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::ui::KioskUi;
use crate::{AppState, GuideState, PrintState, Screen};

/// Which screen to render: `home`, `guides`, `search:<query>`, `theme:<code>`, `guide:<code>`,
/// `identify` (the ID-card screen) or `checklist:<code>` (a printed materials checklist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Home,
    Guides,
    Search(String),
    Theme(String),
    Guide(String),
    Identify,
    Checklist(String),
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.split_once(':') {
            None if s == "home" => Target::Home,
            None if s == "guides" => Target::Guides,
            None if s == "identify" => Target::Identify,
            Some(("checklist", c)) if !c.is_empty() => Target::Checklist(c.into()),
            Some(("search", q)) => Target::Search(q.into()),
            Some(("theme", c)) => Target::Theme(c.into()),
            Some(("guide", c)) if !c.is_empty() => Target::Guide(c.into()),
            _ => {
                return Err(format!(
                    "unknown screen `{s}`: expected home, guides, search:<query>, theme:<code>, guide:<code>, identify or checklist:<code>"
                ))
            }
        })
    }
}

struct Headless(Rc<MinimalSoftwareWindow>);

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone())
    }
}

/// Renders `target` at `size` (width, height) into the PNG file `out`, in the language of
/// `config.ui.language`.
pub fn render(config: &Config, catalog: Catalog, target: &Target, size: (u32, u32), out: &Path) -> anyhow::Result<()> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Headless(window.clone())))
        .map_err(|e| anyhow::anyhow!("cannot set up headless rendering: {e}"))?;
    // Screens about devices show them as configured (simulated ones in demo mode).
    let devices = match target {
        Target::Identify | Target::Checklist(_) => crate::ui::Devices::start(config),
        _ => crate::ui::Devices::none(),
    };
    // A picture says nothing: no speech engine for it.
    let mut config = config.clone();
    config.speech.enabled = false;
    let config = &config;
    let ui = KioskUi::new(config, catalog, devices)?;
    // The bundled translation can only be selected once a component exists; Slint may also have
    // picked one from the system locale, so always select the configured language explicitly.
    slint::select_bundled_translation(config.ui.language.bundle())
        .map_err(|e| anyhow::anyhow!("cannot select the {} interface: {e}", config.ui.language.code()))?;
    ui.window().global::<AppState>().set_landscape(size.0 > size.1);
    window.set_size(PhysicalSize::new(size.0, size.1));
    ui.window().show()?;
    let w = ui.window();
    match target {
        Target::Home => {}
        Target::Guides => w.global::<AppState>().invoke_open_screen(Screen::Guides),
        Target::Search(q) => {
            w.global::<AppState>().invoke_open_screen(Screen::Search);
            w.global::<GuideState>().invoke_set_query(q.as_str().into());
        }
        Target::Theme(code) => w.global::<GuideState>().invoke_open_theme(code.as_str().into()),
        Target::Guide(code) => {
            if w.global::<GuideState>().get_detail().code != code.as_str() {
                w.global::<GuideState>().invoke_open_guide(code.as_str().into());
            }
            if w.global::<AppState>().get_screen() != Screen::Detail {
                bail!("no service item with code `{code}` in the catalogue");
            }
        }
        Target::Identify => w.global::<AppState>().invoke_open_screen(Screen::Identify),
        Target::Checklist(code) => {
            w.global::<GuideState>().invoke_open_guide(code.as_str().into());
            if w.global::<AppState>().get_screen() != Screen::Detail {
                bail!("no service item with code `{code}` in the catalogue");
            }
            w.global::<GuideState>().invoke_print_checklist(code.as_str().into());
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while w.global::<PrintState>().get_printing() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(50));
                slint::platform::update_timers_and_animations();
            }
        }
    }
    slint::platform::update_timers_and_animations();
    let (width, height) = (size.0 as usize, size.1 as usize);
    let mut buffer = vec![Rgb8Pixel::default(); width * height];
    let drawn = window.draw_if_needed(|renderer| {
        renderer.render(&mut buffer, width);
    });
    if !drawn {
        bail!("the window was not drawn");
    }
    let file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), size.0, size.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    let bytes: Vec<u8> = buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer.write_image_data(&bytes)?;
    writer.finish()?;
    Ok(())
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
