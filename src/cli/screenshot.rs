//! `kiosk screenshot`: renders one screen headlessly into a PNG (the renderer is `crate::screenshot`).

use std::path::PathBuf;

use anyhow::Context;

use crate::config::Config;

/// `kiosk screenshot --screen TARGET --out FILE [--size WxH] [--lang zh|en]`
#[derive(Debug, clap::Args)]
pub struct ScreenshotArgs {
    /// home | guides | search:<query> | theme:<code> | guide:<code> | identify | checklist:<code>;
    /// with the demo config's simulated devices also apply | form:<code> | review | submitted | rating |
    /// thanks | progress | grid | grid-worker | staff-pin | staff-menu
    #[arg(long)]
    pub screen: crate::screenshot::Target,
    /// The PNG file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// WIDTHxHEIGHT; defaults to the configured orientation (1080x1920 portrait).
    #[arg(long, value_parser = crate::screenshot::parse_size)]
    pub size: Option<(u32, u32)>,
    /// The interface language: zh (Chinese) or en (English).
    #[arg(long, default_value = "zh")]
    pub lang: crate::Lang,
}

/// Writes the PNG and prints its path; exit 0 (failures are errors: exit 1 with the reason).
pub fn run(config: &Config, args: &ScreenshotArgs) -> anyhow::Result<i32> {
    crate::fonts::ensure_fontconfig(&config.data_dir).context("preparing fonts")?;
    let catalog = super::open_catalog(config)?;
    let size = args.size.unwrap_or(config.screen.orientation.size());
    // The session starts in the language asked for, as a kiosk configured with it would.
    let mut config = config.clone();
    config.ui.language = args.lang;
    crate::screenshot::render(&config, catalog, &args.screen, size, &args.out)?;
    println!("{}", args.out.display());
    Ok(0)
}
