//! Matching a written address (from an ID card, or typed by a technician) to the one grid that covers
//! it. Pure: normalise the text, read the district / street / community prefix, then find the most
//! specific pattern of the directory that covers the rest. When nothing covers the address, or more
//! than one grid would, the answer is "no match" with the reason — never a guess.

use super::model::{Directory, GridRef, Pattern};

/// Why an address has no grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatch {
    /// The card has no address (e.g. a foreign permanent resident card).
    Empty,
    /// Another province, city or district than the directory's.
    OutsideArea,
    /// A street (街道) the directory does not list.
    UnknownStreet(String),
    /// A community (社区) the directory does not list.
    UnknownCommunity(String),
    /// The house number is split among grids by building, and the address names none.
    NeedsBuilding,
    /// Several grids cover the address equally (e.g. the same road name in two streets).
    Ambiguous,
    /// No grid covers the road, number, compound or building.
    NotCovered,
}

impl NoMatch {
    /// The reason in words for the resident, in Chinese (the CLI's `reason`); the kiosk words it in
    /// the session's language with `crate::messages::no_match`.
    pub fn reason(&self) -> String {
        crate::messages::no_match(crate::Lang::Zh, self)
    }

    /// A short word for logs (no part of the address).
    pub fn kind(&self) -> &'static str {
        match self {
            NoMatch::Empty => "empty",
            NoMatch::OutsideArea => "outside_area",
            NoMatch::UnknownStreet(_) => "unknown_street",
            NoMatch::UnknownCommunity(_) => "unknown_community",
            NoMatch::NeedsBuilding => "needs_building",
            NoMatch::Ambiguous => "ambiguous",
            NoMatch::NotCovered => "not_covered",
        }
    }
}

const CN_DIGITS: &str = "〇零一二两三四五六七八九";

fn cn_digit(c: char) -> Option<u32> {
    match c {
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105, 二〇一 → 201 (digit by digit).
fn cn_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if !s.contains(['十', '百']) {
        return s.chars().try_fold(0u32, |n, c| Some(n.checked_mul(10)? + cn_digit(c)?));
    }
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in s.chars() {
        match c {
            '百' => {
                total += digit.take().unwrap_or(1) * 100;
            }
            '十' => {
                total += digit.take().unwrap_or(1) * 10;
            }
            _ => digit = Some(cn_digit(c)?),
        }
    }
    Some(total + digit.unwrap_or(0))
}

/// Markers after which a number is a house, building, unit or room number.
const NUMBER_MARKERS: [&str; 5] = ["号", "栋", "单元", "室", "楼"];

/// One written form for every way of writing the same address: full-width letters and digits become
/// ASCII, spaces go, 幢/座/棟/号楼 become 栋, 單元 becomes 单元, dashes become `-`, and Chinese numerals
/// before 号/栋/单元/室 become digits (五一路 stays 五一路).
pub fn normalize(address: &str) -> String {
    let mut s = String::with_capacity(address.len());
    for c in address.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '—' | '–' | '‐' | '―' => '-',
            _ => c,
        };
        if c.is_whitespace() || c == '\u{3000}' {
            continue;
        }
        s.push(c.to_ascii_uppercase());
    }
    let s = s.replace("号楼", "栋").replace(['幢', '座', '棟'], "栋").replace("單元", "单元").replace("第", "");
    // Chinese numerals directly before a marker.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && (CN_DIGITS.contains(chars[i]) || chars[i] == '十' || chars[i] == '百') {
            i += 1;
        }
        if i > start {
            let run: String = chars[start..i].iter().collect();
            let rest: String = chars[i..].iter().take(2).collect();
            match cn_number(&run).filter(|_| NUMBER_MARKERS.iter().any(|m| rest.starts_with(m))) {
                Some(n) => out.push_str(&n.to_string()),
                None => out.push_str(&run),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The administrative prefix of a normalised address and what follows it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts<'a> {
    province: Option<&'a str>,
    city: Option<&'a str>,
    district: Option<&'a str>,
    street: Option<&'a str>,
    community: Option<&'a str>,
    rest: &'a str,
}

/// Splits `s` after the first `marker` if it ends within `max_chars` characters (and, for 区, is not
/// the 区 of 社区).
fn take<'a>(s: &'a str, markers: &[&str], max_chars: usize) -> (Option<&'a str>, &'a str) {
    let mut best: Option<usize> = None;
    for m in markers {
        let found = s.match_indices(m).find(|(i, _)| !(*m == "区" && s[..*i].ends_with('社')));
        if let Some((i, m)) = found {
            let end = i + m.len();
            if s[..end].chars().count() <= max_chars && best.is_none_or(|b| end < b) {
                best = Some(end);
            }
        }
    }
    match best {
        Some(end) => (Some(&s[..end]), &s[end..]),
        None => (None, s),
    }
}

fn parts(s: &str) -> Parts<'_> {
    let (province, s) = take(s, &["省"], 8);
    let (city, s) = take(s, &["市"], 8);
    let (district, s) = take(s, &["区", "县"], 8);
    let (street, s) = take(s, &["街道", "镇"], 10);
    let (community, rest) = take(s, &["社区"], 12);
    Parts { province, city, district, street, community, rest }
}

/// A leading number: (value, bytes used).
fn leading_number(s: &str) -> Option<(u32, usize)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || len > 6 {
        return None;
    }
    Some((s[..len].parse().ok()?, len))
}

/// The building number in what follows a house number or compound name: `3栋…` or `3-2-201`.
fn building(after: &str) -> Option<u32> {
    let (n, used) = leading_number(after)?;
    let next = &after[used..];
    (next.starts_with("栋") || next.starts_with('-')).then_some(n)
}

/// How specifically a pattern covers the address (higher is more specific), or `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// The house number's grid is decided by building, and the address names none.
    WantsBuilding,
    Road,
    Compound,
    Building,
}

/// The name of the compound (or alias) of `p` found in `rest`, if any.
fn compound_in<'p>(p: &'p Pattern, rest: &str) -> Option<&'p str> {
    let c = p.compound.as_deref()?;
    std::iter::once(c).chain(p.aliases.iter().map(String::as_str)).filter(|n| rest.contains(n)).max_by_key(|n| n.len())
}

fn fit(p: &Pattern, rest: &str, longest_compound: Option<&str>) -> Option<Fit> {
    let after = if let (Some(road), Some([lo, hi])) = (&p.road, p.numbers) {
        let tail = rest.strip_prefix(road.as_str())?;
        let (n, used) = leading_number(tail)?;
        let tail = tail[used..].strip_prefix("号")?;
        if n < lo || n > hi || !p.parity.admits(n) {
            return None;
        }
        tail
    } else {
        let name = compound_in(p, rest)?;
        // 华垅新村 is not found in 华垅新村二期 when both are compounds of the directory.
        if longest_compound.is_some_and(|l| l != name && l.contains(name)) {
            return None;
        }
        let at = rest.find(name)? + name.len();
        &rest[at..]
    };
    match (p.buildings, building(after)) {
        (Some([lo, hi]), Some(b)) if b >= lo && b <= hi => Some(Fit::Building),
        (Some(_), Some(_)) => None,
        (Some(_), None) => Some(Fit::WantsBuilding),
        (None, _) if p.compound.is_some() => Some(Fit::Compound),
        (None, _) => Some(Fit::Road),
    }
}

/// The grid covering `address`, or why there is none.
pub fn find(dir: &Directory, address: &str) -> Result<GridRef, NoMatch> {
    let normal = normalize(address);
    if normal.is_empty() {
        return Err(NoMatch::Empty);
    }
    let p = parts(&normal);
    let same = |given: Option<&str>, ours: &str| given.is_none_or(|g| g == ours || ours.starts_with(g));
    if !same(p.province, &dir.province) || !same(p.city, &dir.city) || !same(p.district, &dir.district) {
        return Err(NoMatch::OutsideArea);
    }
    let streets: Vec<usize> = match p.street {
        None => (0..dir.streets.len()).collect(),
        Some(name) => {
            let found: Vec<usize> = (0..dir.streets.len()).filter(|&i| dir.streets[i].name == name).collect();
            if found.is_empty() {
                return Err(NoMatch::UnknownStreet(name.to_string()));
            }
            found
        }
    };
    let mut scope: Vec<(usize, usize)> = Vec::new();
    for &si in &streets {
        for (ci, c) in dir.streets[si].communities.iter().enumerate() {
            if p.community.is_none_or(|name| name == c.name || name.ends_with(&c.name)) {
                scope.push((si, ci));
            }
        }
    }
    if let (Some(name), true) = (p.community, scope.is_empty()) {
        return Err(NoMatch::UnknownCommunity(name.to_string()));
    }
    let rest = p.rest;
    let in_scope = || {
        scope.iter().flat_map(|&(si, ci)| {
            dir.streets[si].communities[ci]
                .grids
                .iter()
                .enumerate()
                .map(move |(gi, g)| (GridRef { street: si, community: ci, grid: gi }, g))
        })
    };
    let longest_compound =
        in_scope().flat_map(|(_, g)| g.covers.iter().filter_map(|p| compound_in(p, rest))).max_by_key(|n| n.len());
    let mut fits: Vec<(Fit, GridRef)> = in_scope()
        .flat_map(|(at, g)| g.covers.iter().filter_map(move |p| fit(p, rest, longest_compound).map(|f| (f, at))))
        .collect();
    let Some(best) = fits.iter().map(|(f, _)| *f).max() else {
        return Err(NoMatch::NotCovered);
    };
    if best == Fit::WantsBuilding {
        return Err(NoMatch::NeedsBuilding);
    }
    fits.retain(|(f, _)| *f == best);
    fits.sort_by_key(|(_, at)| *at);
    fits.dedup_by_key(|(_, at)| *at);
    match fits.as_slice() {
        [(_, at)] => Ok(*at),
        _ => Err(NoMatch::Ambiguous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::bundled;

    /// `Some("street community number")` for a match, `None` for no match.
    fn grid_of(address: &str) -> Result<String, NoMatch> {
        let dir = bundled();
        find(&dir, address).map(|at| {
            let g = dir.get(at).unwrap();
            format!("{} {} {}", g.street.name, g.community.name, g.grid.number)
        })
    }

    #[test]
    fn normalisation_unifies_the_ways_of_writing_a_building() {
        assert_eq!(normalize("演示路８号３栋２０１室"), "演示路8号3栋201室");
        assert_eq!(normalize("演示路 8 号 3 幢 201"), "演示路8号3栋201");
        assert_eq!(normalize("演示路八号三栋二单元二〇一室"), "演示路8号3栋2单元201室");
        assert_eq!(normalize("演示路8号3号楼"), "演示路8号3栋");
        assert_eq!(normalize("华垅新村第十二栋"), "华垅新村12栋");
        assert_eq!(normalize("五一路二十号"), "五一路20号");
        assert_eq!(normalize("ａｂ　12－3"), "AB12-3");
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(cn_number("三"), Some(3));
        assert_eq!(cn_number("十"), Some(10));
        assert_eq!(cn_number("十二"), Some(12));
        assert_eq!(cn_number("二十"), Some(20));
        assert_eq!(cn_number("一百零五"), Some(105));
        assert_eq!(cn_number("二〇一"), Some(201));
        assert_eq!(cn_number("路"), None);
    }

    #[test]
    fn the_prefix_is_read_level_by_level() {
        let n = normalize("湖南省株洲市石峰区清水塘街道华垅社区演示路8号3栋201室");
        let p = parts(&n);
        assert_eq!(p.province, Some("湖南省"));
        assert_eq!(p.city, Some("株洲市"));
        assert_eq!(p.district, Some("石峰区"));
        assert_eq!(p.street, Some("清水塘街道"));
        assert_eq!(p.community, Some("华垅社区"));
        assert_eq!(p.rest, "演示路8号3栋201室");
        let p = parts("华垅社区华垅新村3栋");
        assert_eq!((p.district, p.community, p.rest), (None, Some("华垅社区"), "华垅新村3栋"));
    }

    #[test]
    fn table_of_real_world_shaped_addresses() {
        let ok = |a: &str, want: &str| assert_eq!(grid_of(a).as_deref(), Ok(want), "{a}");
        let no = |a: &str, why: NoMatch| assert_eq!(grid_of(a), Err(why), "{a}");
        // The sample cards.
        ok("湖南省株洲市石峰区清水塘街道华垅社区演示路8号3栋201室", "清水塘街道 华垅社区 2");
        ok("湖南省株洲市石峰区清水塘街道华垅社区演示路5号", "清水塘街道 华垅社区 1");
        ok("湖南省株洲市石峰区清水塘街道华垅社区演示路12号", "清水塘街道 华垅社区 3");
        ok("湖南省株洲市石峰区响石岭街道演示路26号", "响石岭街道 新建村社区 2");
        // Variants of the same building.
        for a in [
            "湖南省株洲市石峰区清水塘街道华垅社区演示路８号３栋２０１室",
            "株洲市石峰区清水塘街道华垅社区演示路8号3幢201",
            "石峰区清水塘街道华垅社区 演示路 8 号 3 栋 2 单元 201 室",
            "清水塘街道华垅社区演示路八号三栋二〇一室",
            "华垅社区演示路8号3号楼",
            "清水塘街道演示路8号3-2-201",
            "清水塘街道华垅社区演示路8号第三栋",
        ] {
            ok(a, "清水塘街道 华垅社区 2");
        }
        // The same house number, other buildings: another grid, or none.
        ok("清水塘街道华垅社区演示路8号5栋", "清水塘街道 华垅社区 3");
        no("清水塘街道华垅社区演示路8号9栋", NoMatch::NotCovered);
        no("清水塘街道华垅社区演示路8号", NoMatch::NeedsBuilding);
        // Compounds, their aliases, building ranges; a neighbouring compound is another grid.
        ok("清水塘街道华垅社区华垅新村3栋", "清水塘街道 华垅社区 4");
        ok("清水塘街道华垅社区华垅小区3幢102", "清水塘街道 华垅社区 4");
        ok("清水塘街道华垅社区华垅新村十二栋", "清水塘街道 华垅社区 5");
        ok("清水塘街道华垅社区华垅花园3栋", "清水塘街道 华垅社区 5");
        no("清水塘街道华垅社区华垅雅苑3栋", NoMatch::NotCovered);
        no("清水塘街道华垅社区华垅新村20栋", NoMatch::NotCovered);
        // Odd and even sides of a road in another street.
        ok("响石岭街道新建村社区演示路27号", "响石岭街道 新建村社区 1");
        ok("株洲市石峰区响石岭街道演示路２６号", "响石岭街道 新建村社区 2");
        // The same road name in two streets: without a street, 26 is only on one; 5 is on both.
        ok("株洲市石峰区演示路26号", "响石岭街道 新建村社区 2");
        no("株洲市石峰区演示路5号", NoMatch::Ambiguous);
        // Unknown places are said to be unknown.
        no("湖南省株洲市天元区嵩山路8号", NoMatch::OutsideArea);
        no("湖南省长沙市岳麓区演示路8号", NoMatch::OutsideArea);
        no("株洲市石峰区田心街道演示路8号", NoMatch::UnknownStreet("田心街道".into()));
        no("清水塘街道霞湾社区演示路8号3栋", NoMatch::UnknownCommunity("霞湾社区".into()));
        no("清水塘街道华垅社区幸福路8号", NoMatch::NotCovered);
        no("清水塘街道华垅社区演示路88号", NoMatch::NotCovered);
        no("   ", NoMatch::Empty);
        no("", NoMatch::Empty);
    }

    #[test]
    fn the_bundled_directory_is_valid() {
        bundled().validate().unwrap();
    }
}
