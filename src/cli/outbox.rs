//! `kiosk outbox list|show|reprint` (and the hidden `stress`): what technicians see of the outbox. Nothing personal beyond the
//! masked name is ever printed.

use std::io::Write;

use crate::config::Config;
use crate::devices::idcard::DeviceKind;
use crate::devices::printer::{write_png, PrintError, Printer, SimMode, SimPrinter};
use crate::slip::{Paper, Slip};
use crate::store::outbox::{OutboxState, Stored};
use crate::store::Store;

/// The JSON a technician (or a check) gets for one application.
pub fn to_json(a: &Stored) -> serde_json::Value {
    serde_json::json!({
        "acceptance_no": a.acceptance_no,
        "item_code": a.item_code,
        "item_name": a.item_name,
        "kind": a.kind.as_str(),
        "state": match a.state { OutboxState::Queued => "queued", OutboxState::Synced => "synced" },
        "hub_status": a.hub_status,
        "created_at": a.created_at.to_rfc3339(),
        "promised_date": a.promised_date.map(|d| d.to_string()),
        "masked_name": a.masked_name,
        "slip_printed": a.slip_printed,
        "terminal_id": a.terminal_id,
        "purged": a.purged,
    })
}

pub fn list(store: &Store, json: bool, out: &mut impl Write) -> anyhow::Result<i32> {
    let apps = store.applications()?;
    if json {
        let rows: Vec<_> = apps.iter().map(to_json).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else if apps.is_empty() {
        writeln!(out, "outbox is empty")?;
    } else {
        for a in &apps {
            let state = match a.state {
                OutboxState::Queued => "queued",
                OutboxState::Synced => "synced",
            };
            let printed = if a.slip_printed { "slip printed" } else { "slip NOT printed" };
            writeln!(
                out,
                "{}  {}  {}  {}  {}  {}",
                a.acceptance_no, a.item_code, a.masked_name, state, printed, a.item_name
            )?;
        }
    }
    Ok(0)
}

pub fn show(store: &Store, acceptance_no: &str, json: bool, out: &mut impl Write) -> anyhow::Result<i32> {
    let Some(a) = store.application_by_acceptance_no(acceptance_no)? else {
        eprintln!("no application {acceptance_no} in the outbox");
        return Ok(2);
    };
    let job = store.print_job_of(a.id)?;
    let mut v = to_json(&a);
    v["pickup_code"] = a.pickup_code.clone().into();
    v["print_attempts"] = job.as_ref().map(|j| j.attempts).unwrap_or(0).into();
    v["print_error"] = job.as_ref().and_then(|j| j.last_error.clone()).into();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else if let serde_json::Value::Object(map) = v {
        for (k, val) in map {
            writeln!(out, "{k}: {}", val.as_str().map(str::to_string).unwrap_or_else(|| val.to_string()))?;
        }
    }
    Ok(0)
}

/// Prints an application's slip again on the configured printer (or `port`): 0 printed, 2 unknown,
/// 3 no answer, 4 printer not ready. With a simulated printer the printout is saved as a PNG in the
/// data folder.
pub fn reprint(store: &mut Store, config: &Config, acceptance_no: &str, port: Option<&str>) -> anyhow::Result<i32> {
    let Some(a) = store.application_by_acceptance_no(acceptance_no)? else {
        eprintln!("no application {acceptance_no} in the outbox");
        return Ok(2);
    };
    let Some(job) = store.print_job_of(a.id)? else {
        eprintln!("application {acceptance_no} has no print job");
        return Ok(2);
    };
    let paper = Paper::from_mm(config.printer.paper).unwrap_or(Paper::Mm80);
    let mut printer_config = config.printer.clone();
    let mut sim = None;
    if let Some(port) = port {
        printer_config.kind = DeviceKind::Serial;
        printer_config.port = Some(port.to_string());
    } else if printer_config.kind == DeviceKind::Simulated {
        let s = SimPrinter::start(paper, SimMode::Normal)?;
        printer_config.port = Some(s.path().to_string());
        sim = Some(s);
    }
    let result = Printer::open(&printer_config).and_then(|mut p| p.print_slip(&Slip::Pickup(job.slip.clone())));
    if let Some(sim) = sim {
        if let Some(printed) = sim.wait_for_jobs(1, std::time::Duration::from_secs(5)).last() {
            let dir = config.data_dir.join("printouts");
            std::fs::create_dir_all(&dir)?;
            let png = dir.join(format!("{acceptance_no}.png"));
            write_png(&printed.image, &png)?;
            println!("simulated printout: {}", png.display());
        }
    }
    match result {
        Ok(report) => {
            store.record_print(job.id, Ok(()))?;
            println!(
                "reprinted {acceptance_no} ({} bytes{})",
                report.bytes,
                if report.near_end { ", paper near end" } else { "" }
            );
            Ok(0)
        }
        Err(e @ PrintError::Unconfirmed { .. }) => {
            // Sent, not confirmed: most likely printed; not a failure inviting another copy.
            store.record_print_unconfirmed(job.id, &e.to_string())?;
            eprintln!("reprint {acceptance_no}: {e}; check the printer's output before printing again");
            Ok(3)
        }
        Err(e) => {
            store.record_print(job.id, Err(&e.to_string()))?;
            eprintln!("reprint {acceptance_no}: {e}");
            Ok(match e {
                PrintError::NotReady { .. } | PrintError::Interrupted { .. } => 4,
                _ => 3,
            })
        }
    }
}

/// Submits the elderly sample card's senior-card application `count` times through the same
/// `Store::submit` the UI uses, printing `confirmed <acceptance_no>` once each is durable.
pub fn stress(
    store: &mut Store,
    config: &Config,
    catalog: &crate::catalog::Catalog,
    count: u32,
) -> anyhow::Result<i32> {
    use crate::store::outbox::{Applicant, Kind, NewApplication};
    let guide = catalog
        .get(&config.senior_card.item)
        .ok_or_else(|| anyhow::anyhow!("item {} is not in the catalogue", config.senior_card.item))?;
    let (_, _, card) = crate::devices::idcard::sample_cards()
        .into_iter()
        .find(|(k, _, _)| *k == "elderly")
        .ok_or_else(|| anyhow::anyhow!("no elderly sample card"))?;
    let app = NewApplication {
        kind: Kind::Application,
        item_code: guide.code.clone(),
        item_name: guide.name.clone(),
        applicant: Applicant::from(&card),
        form: Default::default(),
        promised_date: None,
        note: None,
    };
    let mut out = std::io::stdout().lock();
    for _ in 0..count {
        let now = chrono::Local::now();
        let (stored, _) = store.submit(&config.terminal_id, &app, now, |a| {
            crate::app::receipt::pickup_slip(config, guide, a, now, now.date_naive())
        })?;
        writeln!(out, "confirmed {}", stored.acceptance_no)?;
        out.flush()?;
    }
    Ok(0)
}
