//! `kiosk device read-card` and `kiosk sim id-reader`. The flags are an interface checked from outside.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use super::card::{self, Card, CardType, Gender};
use super::reader::{self, ReadError};
use super::sim::SimReader;

/// `kiosk device read-card --port PATH [--baud N] [--timeout-ms N] [--json]`
#[derive(Debug, clap::Args)]
pub struct ReadCardArgs {
    /// Serial device of the reader, e.g. /dev/ttyUSB0.
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = 115_200)]
    pub baud: u32,
    /// Timeout of the read step in milliseconds (find/select use their own short timeouts).
    #[arg(long, default_value_t = 2_000)]
    pub timeout_ms: u64,
    /// Print the card as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `kiosk sim id-reader --card FILE.json`
#[derive(Debug, clap::Args)]
pub struct SimIdReaderArgs {
    /// A card to place on the virtual reader (JSON, same keys as `read-card --json`).
    #[arg(long)]
    pub card: Option<PathBuf>,
}

/// Runs `read-card`; returns the process exit code (0 read, 2 no card, 3 device or protocol fault).
pub fn run_read_card(args: &ReadCardArgs) -> i32 {
    let timeout = Duration::from_millis(args.timeout_ms);
    let result = reader::read_card_once(&args.port, args.baud, timeout);
    let stdout = std::io::stdout();
    read_card_outcome(result, args.json, &mut stdout.lock(), &mut std::io::stderr())
}

/// Prints the outcome of a read and returns the exit code (split out for tests).
pub fn read_card_outcome(result: Result<Card, ReadError>, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match result {
        Ok(card) => {
            let printed = if json {
                serde_json::to_string_pretty(&card).map_err(std::io::Error::other).and_then(|s| writeln!(out, "{s}"))
            } else {
                write!(out, "{}", card_text(&card))
            };
            match printed.and_then(|()| out.flush()) {
                Ok(()) => 0,
                Err(e) => {
                    let _ = writeln!(err, "read-card: cannot print the card: {e}");
                    3
                }
            }
        }
        Err(ReadError::NoCard) => {
            let _ = writeln!(err, "read-card: {}", ReadError::NoCard);
            2
        }
        Err(e) => {
            let _ = writeln!(err, "read-card: {e}");
            3
        }
    }
}

/// The card as readable lines (Chinese labels, as printed on the card).
pub fn card_text(card: &Card) -> String {
    let kind = match card.card_type {
        CardType::Resident => "居民身份证",
        CardType::HkMoTw => "港澳台居民居住证",
        CardType::Foreign => "外国人永久居留身份证",
    };
    let gender = match card.gender {
        Gender::Male => "男",
        Gender::Female => "女",
        Gender::Unknown => "未知",
    };
    let mut lines = vec![format!("证件类型: {kind}"), format!("姓名: {}", card.name)];
    if let Some(english) = &card.english_name {
        lines.push(format!("英文姓名: {english}"));
    }
    lines.push(format!("性别: {gender}"));
    if let Some(nation) = &card.nation {
        lines.push(format!("民族: {nation}"));
    }
    if let Some(country) = &card.country {
        lines.push(format!("国籍: {country}"));
    }
    lines.push(format!("出生: {}", card.birth_date.format("%Y-%m-%d")));
    if !card.address.is_empty() {
        lines.push(format!("住址: {}", card.address));
    }
    lines.push(format!(
        "证件号码: {} ({})",
        card.id_number,
        if card.id_number_valid { "校验通过" } else { "校验失败" }
    ));
    if let Some(pass) = &card.pass_number {
        lines.push(format!("通行证号码: {pass}"));
    }
    lines.push(format!("签发机关: {}", card.issuer));
    lines.push(format!(
        "有效期限: {} 至 {}{}",
        card.valid_from.format("%Y-%m-%d"),
        card.valid_to,
        if card.expired { " (已过期)" } else { "" }
    ));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// How long after a read the command-line simulator puts the card back.
pub const SIM_REPLACE_AFTER: Duration = Duration::from_secs(2);

/// Runs the simulator until killed; prints the device path on its first line.
///
/// With `--card`, the card lies on the reader; after each read it counts as lifted (find fails, as on
/// a real reader) and is placed again [`SIM_REPLACE_AFTER`] later.
pub fn run_sim(args: &SimIdReaderArgs) -> anyhow::Result<()> {
    let card = match &args.card {
        Some(path) => {
            let json = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let card: Card = serde_json::from_str(&json).with_context(|| format!("parsing {}", path.display()))?;
            card::encode_text(&card).with_context(|| format!("{} does not fit on a card", path.display()))?;
            Some(card)
        }
        None => None,
    };
    let sim = SimReader::start().context("starting the simulated reader")?;
    if let Some(card) = &card {
        sim.place(card)?;
    }
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", sim.path())?;
        stdout.flush()?;
    }
    let mut served = 0;
    loop {
        if sim.wait_for_reads(served + 1, Duration::from_secs(3600)) {
            served = sim.reads_served();
            std::thread::sleep(SIM_REPLACE_AFTER);
            if let Some(card) = &card {
                sim.place(card)?;
            }
        }
    }
}
