//! The screen a kiosk draws on, chosen before the window exists: `[screen] rotation` on the linuxkms
//! screen of an installed terminal (picture and touch alike); under a desktop (development, winit)
//! rotation is the display server's job.

use crate::config::ScreenConfig;

/// Call before other threads exist (it may set `SLINT_KMS_ROTATION`) and before the window is made.
pub fn prepare(screen: &ScreenConfig) -> anyhow::Result<()> {
    let rotation = kms_rotation(screen.rotation);
    if !on_linuxkms() {
        if rotation != 0 {
            log::info!(
                "[screen] rotation = {rotation} applies on the linuxkms screen; under a desktop the display \
                 server rotates the picture and touch (e.g. xrandr --rotate)"
            );
        }
        return Ok(());
    }
    #[cfg(feature = "linuxkms")]
    {
        let matrix = crate::app::screen::touch_calibration(rotation);
        let backend = std::env::var("SLINT_BACKEND").unwrap_or_else(|_| "linuxkms".into());
        slint::BackendSelector::new()
            .backend_name(backend)
            .with_libinput_event_hook(move |event| {
                calibrate(event, matrix);
                false
            })
            .select()?;
        if rotation != 0 {
            log::info!("linuxkms screen turned {rotation} degrees clockwise, touch alike");
        }
    }
    Ok(())
}

/// The rotation Slint's linuxkms backend will use: `SLINT_KMS_ROTATION` when a technician set it
/// (it wins over the config, as for a quick try from a systemd drop-in; a warning says so), else
/// `[screen] rotation`, which becomes `SLINT_KMS_ROTATION`.
fn kms_rotation(configured: u32) -> u32 {
    match std::env::var("SLINT_KMS_ROTATION") {
        Ok(set) => {
            let degrees = set.trim().parse().unwrap_or(0);
            if degrees != configured {
                log::warn!("SLINT_KMS_ROTATION={set} from the environment wins over [screen] rotation = {configured}");
            }
            degrees
        }
        Err(_) => {
            std::env::set_var("SLINT_KMS_ROTATION", configured.to_string());
            configured
        }
    }
}

/// Whether Slint will draw on the linuxkms screen: built with it, and asked for it by
/// `SLINT_BACKEND` or left without a desktop to open a window on (Slint's own fallback order).
fn on_linuxkms() -> bool {
    if !cfg!(feature = "linuxkms") {
        return false;
    }
    match std::env::var("SLINT_BACKEND") {
        Ok(b) if !b.is_empty() => b.to_lowercase().starts_with("linuxkms"),
        _ => ["DISPLAY", "WAYLAND_DISPLAY"].iter().all(|v| std::env::var_os(v).is_none_or(|s| s.is_empty())),
    }
}

/// A touch screen (or any absolute pointer) that libinput adds gets the matrix that turns it as
/// the picture is turned.
#[cfg(feature = "linuxkms")]
fn calibrate(event: &input::Event, matrix: [f32; 6]) {
    use input::event::{DeviceEvent, EventTrait};
    let input::Event::Device(DeviceEvent::Added(added)) = event else { return };
    let mut device = added.device();
    if device.config_calibration_has_matrix() {
        match device.config_calibration_set_matrix(matrix) {
            Ok(()) => log::info!("touch device {:?} turned with the screen", device.name()),
            Err(e) => log::warn!("touch device {:?} cannot be turned with the screen: {e:?}", device.name()),
        }
    }
}
