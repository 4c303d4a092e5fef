//! `kiosk guides search`: the catalogue as technicians and outside checks query it.

use std::io::Write;

use crate::config::Config;

/// Searches the terminal's catalogue; the JSON rows carry code, name, department, handling,
/// promised_days and terminal. Always exit 0 (no hits is an empty array or a sentence).
pub fn search(config: &Config, query: &str, json: bool, limit: usize, out: &mut dyn Write) -> anyhow::Result<i32> {
    let catalog = super::open_catalog(config)?;
    let hits = catalog.search(query, limit);
    if json {
        let rows: Vec<_> = hits
            .iter()
            .map(|g| {
                serde_json::json!({
                    "code": g.code,
                    "name": g.name,
                    "department": g.department,
                    "handling": g.handling.label(),
                    "promised_days": g.promised_days,
                    "terminal": g.terminal,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else if hits.is_empty() {
        writeln!(out, "没有找到与“{query}”有关的事项。")?;
    } else {
        for g in hits {
            writeln!(out, "{}  {}  ({})", g.code, g.name, g.department)?;
        }
    }
    Ok(0)
}
