//! Pinyin candidate lookup per keystroke (p50/p99), the engine's load time and its memory.
//!
//! Run: `cargo bench --bench ime_lookup`. Not a timed test: it prints figures for the closing note of
//! a change, and never fails on them.

use std::rc::Rc;
use std::time::{Duration, Instant};

use kiosk::catalog;
use kiosk::ime::composer::PageSize;
use kiosk::ime::{Fuzzy, Lexicon, PinyinComposer};

/// What residents type, letter by letter: full pinyin, abbreviations, a mix, and single letters
/// (the widest lookups).
const INPUTS: &[&str] = &[
    "laonianren",
    "lnr",
    "ldyd",
    "bj",
    "linshijiuzhu",
    "lsjz",
    "canjirenzheng",
    "cjrz",
    "yiliaobaoxian",
    "zhongguo",
    "shenfenzheng",
    "sfz",
    "xiexie",
    "z",
    "s",
];

fn main() {
    let rss_before = rss_kib();
    let t = Instant::now();
    let words: Vec<String> = catalog::bundled()
        .items
        .iter()
        .flat_map(|g| std::iter::once(g.name.clone()).chain(g.aliases.clone()))
        .collect();
    let lexicon = Rc::new(Lexicon::new(Fuzzy::default()).with_words(words.iter().map(String::as_str)));
    let load = t.elapsed();
    println!(
        "load: {load:?} ({} dictionary entries, {} catalogue words)",
        lexicon.dictionary_entries(),
        lexicon.own_words()
    );

    for (name, fuzzy) in [("strict", Fuzzy::default()), ("fuzzy (all pairs)", Fuzzy::ALL)] {
        let lexicon = Rc::new(Lexicon::new(fuzzy).with_words(words.iter().map(String::as_str)));
        let mut times: Vec<Duration> = Vec::new();
        let mut shown = 0usize;
        for _ in 0..20 {
            for input in INPUTS {
                let mut c = PinyinComposer::new(lexicon.clone(), PageSize::default());
                for ch in input.chars() {
                    let t = Instant::now();
                    c.push(ch);
                    times.push(t.elapsed());
                    shown += c.page().len();
                }
            }
        }
        times.sort_unstable();
        let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
        println!(
            "keystroke lookup, {name}: {} keystrokes, p50 {:?}, p99 {:?}, max {:?} ({shown} candidates shown)",
            times.len(),
            pct(0.50),
            pct(0.99),
            times[times.len() - 1]
        );
    }
    if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
        println!(
            "resident memory: {before} KiB before loading, {after} KiB after all lookups (+{} KiB; \
             the dictionary is read in place from the binary)",
            after.saturating_sub(before)
        );
    }
}

/// The process's resident set size (Linux), in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
