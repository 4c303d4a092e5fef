//! Guide search over generated catalogues of 10,000 and 100,000 items: latency per keystroke
//! (p50/p99), with the index and with the full scan it replaced.
//!
//! Run: `cargo bench --bench guide_search` (prints the figures; no assertion — machines are noisy).

use std::time::{Duration, Instant};

use kiosk::catalog::{self, Catalog, CatalogFile};

/// Word fragments that service-item names in a district catalogue are built from.
const WORDS: &[&str] = &[
    "老年人",
    "优待证",
    "高龄",
    "津贴",
    "补贴",
    "申领",
    "申请",
    "登记",
    "认定",
    "救助",
    "临时",
    "残疾人",
    "护理",
    "医疗",
    "保险",
    "参保",
    "城乡居民",
    "养老",
    "失业",
    "就业",
    "困难",
    "人员",
    "生育",
    "户籍",
    "证明",
    "迁移",
    "变更",
    "住房",
    "公租房",
    "保障",
    "退役军人",
    "优抚",
    "抚恤",
    "独生子女",
    "奖励",
    "扶助",
    "最低生活",
    "特困",
    "供养",
    "慢特病",
    "门诊",
    "报销",
    "资格",
    "居住证",
    "灵活",
    "社保",
    "卡",
    "补办",
    "换领",
    "注销",
    "年审",
];

fn generate(n: usize) -> CatalogFile {
    let base = catalog::bundled();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        let mut g = base.items[i % base.items.len()].clone();
        let parts = 2 + (next() % 3) as usize;
        g.name = (0..parts).map(|_| WORDS[(next() % WORDS.len() as u64) as usize]).collect();
        g.code = format!("{}{:04}", &g.code[..2], i % 10_000);
        g.aliases.clear();
        g.frequent = i % 97 == 0;
        items.push(g);
    }
    CatalogFile { items, ..base }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    // `cargo bench --bench guide_search -- 10000` runs one size only.
    let sizes: Vec<usize> = match std::env::args().skip(1).find_map(|a| a.parse().ok()) {
        Some(n) => vec![n],
        None => vec![10_000, 100_000],
    };
    for n in sizes {
        run(n);
    }
}

fn run(n: usize) {
    let started = Instant::now();
    let catalog = Catalog::new(generate(n));
    let build = started.elapsed();
    let queries = [
        "l",
        "ld",
        "ldyd",
        "lnr",
        "laonian",
        "laonianren",
        "优待",
        "老年人",
        "sydj",
        "shiye",
        "butie",
        "mz00",
        "zz",
        "canjiren",
        "yl",
        "bx",
        "xyz",
        "城乡居民",
        "gljt",
        "hj",
    ];
    // Every prefix of the queries as well: what the index sees keystroke by keystroke.
    let mut typed: Vec<String> = Vec::new();
    for q in queries {
        let chars: Vec<char> = q.chars().collect();
        typed.extend((1..=chars.len()).map(|k| chars[..k].iter().collect()));
    }
    let rounds = if n > 20_000 { 10 } else { 50 };
    println!(
        "guide search over {n} items ({} keystrokes × {rounds} rounds; index built in {:.1} ms):",
        typed.len(),
        build.as_secs_f64() * 1e3
    );
    let measure = |label: &str, search: &dyn Fn(&str) -> usize| {
        let mut times = Vec::with_capacity(typed.len() * rounds);
        let mut per_query = vec![Duration::ZERO; typed.len()];
        let mut hits = 0;
        for _ in 0..rounds {
            for (i, q) in typed.iter().enumerate() {
                let t = Instant::now();
                hits += std::hint::black_box(search(q));
                times.push(t.elapsed());
                per_query[i] += t.elapsed();
            }
        }
        times.sort();
        let mut slowest: Vec<(Duration, &str)> =
            per_query.iter().zip(&typed).map(|(t, q)| (*t / rounds as u32, q.as_str())).collect();
        slowest.sort_by(|a, b| b.cmp(a));
        println!(
            "  {label}: per query p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({hits} hits)",
            percentile(&times, 0.50).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3
        );
        let slow: Vec<String> =
            slowest.iter().take(4).map(|(t, q)| format!("{q} {:.3}", t.as_secs_f64() * 1e3)).collect();
        println!("    slowest keystrokes (mean ms): {}", slow.join(", "));
    };
    measure("index", &|q| catalog.search(q, 30).len());
    let scan = kiosk::catalog::search::reference::Scan::new(catalog.search_items());
    measure("scan (before)", &|q| scan.search(q, 30).len());
}
