//! Fonts. The UI embeds a subset of Noto Sans SC (assets/fonts/, imported in ui/app.slint), so Chinese
//! renders without any CJK system font. Slint's font stack (fontique) still asks fontconfig for system
//! fonts at start-up, and panics when fontconfig knows no font at all (a minimal image). So before the UI
//! starts we point fontconfig at a small config that includes the system's and adds a folder holding
//! our own font: fontconfig then always knows at least one font.

use std::path::Path;

const REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Regular.otf");

/// Writes the bundled font and a fontconfig file under `dir` and sets `FONTCONFIG_FILE` to it.
/// Call before the UI starts and before other threads exist (it sets an environment variable).
pub fn ensure_fontconfig(dir: &Path) -> std::io::Result<()> {
    // fontconfig resolves a relative FONTCONFIG_FILE against its own folder: use absolute paths.
    std::fs::create_dir_all(dir)?;
    let fonts = std::fs::canonicalize(dir)?.join("fonts");
    std::fs::create_dir_all(fonts.join("cache"))?;
    let font = fonts.join("NotoSansSC-Regular.otf");
    if std::fs::metadata(&font).map(|m| m.len() != REGULAR.len() as u64).unwrap_or(true) {
        std::fs::write(&font, REGULAR)?;
    }
    let system = std::env::var("KIOSK_SYSTEM_FONTCONFIG")
        .or_else(|_| std::env::var("FONTCONFIG_FILE"))
        .unwrap_or_else(|_| "/etc/fonts/fonts.conf".into());
    let conf = fonts.join("fonts.conf");
    if Path::new(&system) == conf {
        return Ok(());
    }
    let text = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n<fontconfig>\n  \
         <include ignore_missing=\"yes\">{}</include>\n  <dir>{}</dir>\n  <cachedir>{}</cachedir>\n</fontconfig>\n",
        xml_escape(&system),
        xml_escape(&fonts.display().to_string()),
        xml_escape(&fonts.join("cache").display().to_string()),
    );
    std::fs::write(&conf, text)?;
    std::env::set_var("KIOSK_SYSTEM_FONTCONFIG", &system);
    std::env::set_var("FONTCONFIG_FILE", &conf);
    Ok(())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
