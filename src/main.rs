use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    kiosk::service::init_logging();
    match kiosk::cli::dispatch(kiosk::cli::Cli::parse()) {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
