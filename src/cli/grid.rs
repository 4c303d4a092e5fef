//! `kiosk grid find|list`: for technicians checking the loaded directory. The JSON keys and exit codes
//! are an interface (issue 9): `find` exits 0 when matched and 2 when not.

use std::io::Write;

use serde_json::json;

use super::GridCmd;
use crate::grid::{Directory, Located};
use crate::store::Store;

fn grid_json(g: &Located<'_>) -> serde_json::Value {
    json!({ "street": g.street.name, "community": g.community.name, "number": g.label() })
}

fn workers_json(g: &Located<'_>) -> serde_json::Value {
    g.grid.workers.iter().map(|w| json!({ "name": w.name, "phone": w.phone, "hours": w.hours })).collect()
}

/// Runs a grid subcommand against the terminal's database; returns the exit code.
pub fn run(store: &mut Store, cmd: &GridCmd, out: &mut dyn Write) -> anyhow::Result<i32> {
    let dir = crate::grid::store::open(store)?;
    match cmd {
        GridCmd::Find { address, json } => find(&dir, address, *json, out),
        GridCmd::List { json } => list(&dir, *json, out).map(|()| 0),
    }
}

pub fn find(dir: &Directory, address: &str, as_json: bool, out: &mut dyn Write) -> anyhow::Result<i32> {
    let found = crate::grid::find(dir, address).map(|at| dir.get(at).expect("matching returns grids of the directory"));
    match (&found, as_json) {
        (Ok(g), true) => {
            writeln!(out, "{}", json!({ "matched": true, "grid": grid_json(g), "workers": workers_json(g) }))?;
        }
        (Err(why), true) => {
            let v = json!({ "matched": false, "grid": null, "workers": [], "reason": why.reason() });
            writeln!(out, "{v}")?;
        }
        (Ok(g), false) => {
            writeln!(out, "{} {} {}（微信群：{}）", g.street.name, g.community.name, g.label(), g.grid.wechat_group)?;
            for w in &g.grid.workers {
                writeln!(out, "  网格员 {}  {}  {}", w.name, w.phone, w.hours)?;
            }
        }
        (Err(why), false) => writeln!(out, "没有匹配的网格：{}", why.reason())?,
    }
    Ok(if found.is_ok() { 0 } else { 2 })
}

pub fn list(dir: &Directory, as_json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    if as_json {
        let grids: Vec<serde_json::Value> = dir
            .grids()
            .map(|g| {
                let mut v = grid_json(&g);
                v["wechat_group"] = json!(g.grid.wechat_group);
                v["workers"] = workers_json(&g);
                v["covers"] = g.grid.covers.iter().map(|p| p.describe()).collect();
                v
            })
            .collect();
        let v = json!({
            "version": dir.version,
            "published": dir.published,
            "district": format!("{}{}{}", dir.province, dir.city, dir.district),
            "grids": grids,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    writeln!(out, "网格名录 v{}（{}）{}{}{}", dir.version, dir.published, dir.province, dir.city, dir.district)?;
    for g in dir.grids() {
        let workers: Vec<String> = g.grid.workers.iter().map(|w| format!("{} {}", w.name, w.phone)).collect();
        writeln!(out, "{} {} {}  网格员：{}", g.street.name, g.community.name, g.label(), workers.join("、"))?;
        for p in &g.grid.covers {
            writeln!(out, "    {}", p.describe())?;
        }
    }
    Ok(())
}
