//! The grid directory (网格名录): streets (街道) → communities (社区) → numbered grids (网格), the
//! addresses each grid covers, and its grid workers (网格员). Distributed like the catalogue: a
//! versioned file the hub publishes (`kiosk-hub grid publish`, `GET /api/v1/grid`) and the kiosk
//! installs into SQLite when newer. Both check it with [`Directory::validate`]. Its `ETag` is
//! [`grid_etag`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The whole directory of one district, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub version: u64,
    pub published: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub streets: Vec<Street>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Street {
    /// e.g. 清水塘街道.
    pub name: String,
    pub communities: Vec<Community>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    /// e.g. 华垅社区.
    pub name: String,
    pub grids: Vec<Grid>,
}

/// One grid (网格), numbered within its community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub number: u32,
    /// The grid's WeChat group (网格微信群), e.g. 华垅社区第2网格居民群.
    pub wechat_group: String,
    pub workers: Vec<Worker>,
    /// The addresses the grid covers.
    pub covers: Vec<Pattern>,
}

/// A grid worker (网格员): public contact data of a public service role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    pub name: String,
    pub phone: String,
    /// Duty hours in words, e.g. 工作日 8:30-12:00，14:30-17:30.
    pub hours: String,
}

/// House numbers on a road: all, odd or even ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parity {
    #[default]
    All,
    Odd,
    Even,
}

impl Parity {
    pub fn admits(self, n: u32) -> bool {
        match self {
            Parity::All => true,
            Parity::Odd => !n.is_multiple_of(2),
            Parity::Even => n.is_multiple_of(2),
        }
    }
}

/// What a grid covers: either house numbers on a road (`road` + `numbers`), or a residential compound
/// (`compound`, 小区); either may be narrowed to a range of buildings (栋).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road: Option<String>,
    /// First and last house number (号), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers: Option<[u32; 2]>,
    #[serde(default, skip_serializing_if = "is_all")]
    pub parity: Parity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compound: Option<String>,
    /// Other names of the compound residents use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// First and last building (栋), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buildings: Option<[u32; 2]>,
}

fn is_all(p: &Parity) -> bool {
    *p == Parity::All
}

impl Pattern {
    /// The pattern in words, e.g. 演示路8号 1-3栋 / 华垅新村（华垅小区） 9-16栋 / 演示路2-40号（双号）.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(road) = &self.road {
            out.push_str(road);
            if let Some([a, b]) = self.numbers {
                if a == b {
                    out.push_str(&format!("{a}号"));
                } else {
                    out.push_str(&format!("{a}-{b}号"));
                }
            }
            match self.parity {
                Parity::All => {}
                Parity::Odd => out.push_str("（单号）"),
                Parity::Even => out.push_str("（双号）"),
            }
        }
        if let Some(c) = &self.compound {
            out.push_str(c);
            if !self.aliases.is_empty() {
                out.push_str(&format!("（{}）", self.aliases.join("、")));
            }
        }
        match self.buildings {
            Some([a, b]) if a == b => out.push_str(&format!(" {a}栋")),
            Some([a, b]) => out.push_str(&format!(" {a}-{b}栋")),
            None if self.compound.is_some() => out.push_str(" 全部楼栋"),
            None => {}
        }
        out
    }
}

/// Where a grid sits: indexes into the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridRef {
    pub street: usize,
    pub community: usize,
    pub grid: usize,
}

/// A grid with its place in the directory.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub at: GridRef,
    pub street: &'a Street,
    pub community: &'a Community,
    pub grid: &'a Grid,
}

impl Located<'_> {
    /// 第2网格.
    pub fn label(&self) -> String {
        grid_label(self.grid.number)
    }
}

/// 第N网格.
pub fn grid_label(number: u32) -> String {
    format!("第{number}网格")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryError {
    Invalid(String),
}

impl std::fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DirectoryError::Invalid(s) => write!(f, "grid directory: {s}"),
        }
    }
}

impl std::error::Error for DirectoryError {}

impl Directory {
    /// Every grid, in published order.
    pub fn grids(&self) -> impl Iterator<Item = Located<'_>> {
        self.streets.iter().enumerate().flat_map(|(si, street)| {
            street.communities.iter().enumerate().flat_map(move |(ci, community)| {
                community.grids.iter().enumerate().map(move |(gi, grid)| Located {
                    at: GridRef { street: si, community: ci, grid: gi },
                    street,
                    community,
                    grid,
                })
            })
        })
    }

    pub fn get(&self, at: GridRef) -> Option<Located<'_>> {
        let street = self.streets.get(at.street)?;
        let community = street.communities.get(at.community)?;
        let grid = community.grids.get(at.grid)?;
        Some(Located { at, street, community, grid })
    }

    /// Checks what serde cannot: every pattern is a road with numbers or a compound, ranges are
    /// ordered, grids have workers, and grid numbers are unique within a community (by street and
    /// community name).
    pub fn validate(&self) -> Result<(), DirectoryError> {
        let bad = |s: String| Err(DirectoryError::Invalid(s));
        // By names, as the database keys them (src/grid/store.rs): a community written twice in a
        // street (or a street twice) shares its numbers. Counted in one pass before the checks, so
        // the first grid of a pair is the one named, as before.
        let mut uses: HashMap<(&str, &str, u32), usize> = HashMap::new();
        for g in self.grids() {
            *uses.entry((g.street.name.as_str(), g.community.name.as_str(), g.grid.number)).or_default() += 1;
        }
        for g in self.grids() {
            let at = format!("{}{}{}", g.street.name, g.community.name, g.label());
            if g.grid.workers.is_empty() {
                return bad(format!("{at} has no worker"));
            }
            if uses[&(g.street.name.as_str(), g.community.name.as_str(), g.grid.number)] > 1 {
                return bad(format!("{at}: the number is used twice in the community"));
            }
            for p in &g.grid.covers {
                match (&p.road, p.numbers, &p.compound) {
                    (Some(_), Some([a, b]), None) if a <= b && a > 0 => {}
                    (None, None, Some(c)) if !c.is_empty() => {}
                    _ => return bad(format!("{at}: pattern {p:?} needs either road + numbers or compound")),
                }
                if let Some([a, b]) = p.buildings {
                    if a > b || a == 0 {
                        return bad(format!("{at}: building range {a}-{b}"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The grid directory's `ETag` for `version`: `"grid-v4"` (quotes included, as the header carries it);
/// distinct from the catalogue's `"v4"`.
pub fn grid_etag(version: u64) -> String {
    crate::catalog::versioned_etag("grid-v", version)
}

/// The version an `ETag` (or one entry of `If-None-Match`) names: `"grid-v4"` or the weak `W/"grid-v4"`;
/// only the form [`grid_etag`] writes.
pub fn parse_grid_etag(etag: &str) -> Option<u64> {
    crate::catalog::parse_versioned_etag("grid-v", etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_etags_round_trip_and_differ_from_the_catalogues() {
        for version in [1, 4, 10, u64::MAX] {
            assert_eq!(parse_grid_etag(&grid_etag(version)), Some(version));
        }
        assert_eq!(grid_etag(4), "\"grid-v4\"");
        assert_eq!(parse_grid_etag("W/\"grid-v3\""), Some(3));
        for bad in ["\"v3\"", "\"grid-v03\"", "\"grid-v\"", "grid-v3", "*", ""] {
            assert_eq!(parse_grid_etag(bad), None, "{bad}");
        }
        assert_eq!(crate::parse_catalog_etag(&grid_etag(3)), None, "a grid ETag never names a catalogue");
    }
}
