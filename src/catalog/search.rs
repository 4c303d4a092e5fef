//! Search over service items by name, pinyin, pinyin initials, aliases (俗称, 助记码) and code.
//!
//! Each item's name is turned once into a sequence of syllables, each with every reading of its
//! character (多音字 keep all their readings). A query of Latin letters matches a run of consecutive
//! syllables where each syllable is typed in full (`laonian`), by its initial (`lnr`, also `zh`/`ch`/`sh`),
//! or — for the last one only — partly (`laon`). Chinese text matches as a substring.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

/// What matched, best first; the derived order is the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The query is the item's code, or the start of it.
    Code,
    /// The query equals a Latin alias (助记码) such as `ldyd`.
    AliasCode,
    /// The name starts with the query.
    NameStart,
    /// An alias (俗称) starts with the query.
    AliasStart,
    /// The query matches inside the name.
    NameInside,
    /// The query matches inside an alias.
    AliasInside,
}

/// The rank of one match: kind first, then where in the text it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    pub kind: MatchKind,
    pub start: usize,
}

/// One searchable text turned into syllables.
#[derive(Debug, Clone)]
struct Text {
    /// Lower-case text for substring search.
    plain: String,
    /// Per character worth matching: its readings (Latin letters and digits are their own reading).
    syllables: Vec<Vec<&'static str>>,
    /// Per syllable: the letters its readings start with, as bits (see [`letter_bit`]). A query can
    /// only start at a syllable whose mask holds its first letter: most starts are skipped unread.
    firsts: Vec<u64>,
}

impl Text {
    fn new(s: &str) -> Self {
        let mut syllables = Vec::new();
        for c in s.chars() {
            if let Some(multi) = c.to_pinyin_multi() {
                let mut readings: Vec<&'static str> = multi.into_iter().map(|p| p.plain()).collect();
                readings.dedup();
                syllables.push(readings);
            } else if c.is_ascii_alphanumeric() {
                syllables.push(vec![ascii_str(c.to_ascii_lowercase())]);
            }
            // Punctuation and brackets are transparent.
        }
        let firsts =
            syllables.iter().map(|rs| rs.iter().map(|r| letter_bit(r.as_bytes()[0])).fold(0, |m, b| m | b)).collect();
        Self { plain: s.to_lowercase(), syllables, firsts }
    }

    /// The first syllable index at which the Latin query matches, if any.
    fn match_latin(&self, q: &[u8]) -> Option<usize> {
        let bit = letter_bit(q[0]);
        (0..self.syllables.len())
            .find(|&start| self.firsts[start] & bit != 0 && match_from(&self.syllables[start..], q))
    }

    /// The character offset of a substring match.
    fn match_substring(&self, q: &str) -> Option<usize> {
        self.plain.find(q).map(|byte| self.plain[..byte].chars().count())
    }

    /// Index keys under which a Latin query of two or more letters can match this text: the first
    /// two letters of a reading, and the initials of two consecutive syllables. Any match starts
    /// with one of them (the first syllable is typed with at least two letters, or with one and the
    /// next syllable begins).
    fn pair_keys(&self, mut add: impl FnMut([u8; 2])) {
        for (i, readings) in self.syllables.iter().enumerate() {
            for r in readings.iter().map(|r| r.as_bytes()) {
                if r.len() >= 2 {
                    add([r[0], r[1]]);
                }
                for next in self.syllables.get(i + 1).into_iter().flatten() {
                    add([r[0], next.as_bytes()[0]]);
                }
            }
        }
    }
}

/// One bit per Latin letter and digit (the only bytes a Latin query holds); other bytes have none.
fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

fn ascii_str(c: char) -> &'static str {
    const ALNUM: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let i = ALNUM.find(c).expect("ascii alphanumeric");
    &ALNUM[i..i + 1]
}

/// Does `q` match the syllables from the first one on, consecutively?
fn match_from(syllables: &[Vec<&'static str>], q: &[u8]) -> bool {
    if q.is_empty() {
        return true;
    }
    let Some((first, rest)) = syllables.split_first() else {
        return false;
    };
    first.iter().any(|reading| {
        let r = reading.as_bytes();
        // The whole syllable typed, then the rest.
        (q.starts_with(r) && match_from(rest, &q[r.len()..]))
            // The query ends inside this syllable (still typing).
            || r.starts_with(q)
            // Only the initial typed: one letter, or zh/ch/sh in full.
            || (q[0] == r[0] && match_from(rest, &q[1..]))
            || (r.len() > 2 && matches!(&r[..2], b"zh" | b"ch" | b"sh") && q.starts_with(&r[..2]) && match_from(rest, &q[2..]))
    })
}

/// The searchable form of one item.
#[derive(Debug, Clone)]
pub struct Entry {
    code: String,
    name: Text,
    aliases: Vec<Text>,
}

impl Entry {
    pub fn new(code: &str, name: &str, aliases: &[String]) -> Self {
        Self {
            code: code.to_lowercase(),
            name: Text::new(name),
            aliases: aliases.iter().map(|a| Text::new(a)).collect(),
        }
    }

    fn texts(&self) -> impl Iterator<Item = &Text> {
        std::iter::once(&self.name).chain(&self.aliases)
    }

    /// How well this item matches a normalised query (see [`normalise`]); `None` if not at all.
    pub fn score(&self, q: &str) -> Option<Score> {
        if q.is_empty() {
            return None;
        }
        let at = |kind, start| Some(Score { kind, start });
        if self.code.starts_with(q) {
            return at(MatchKind::Code, 0);
        }
        let latin = is_latin(q);
        if latin && self.aliases.iter().any(|a| a.plain == q) {
            return at(MatchKind::AliasCode, 0);
        }
        let find = |t: &Text| if latin { t.match_latin(q.as_bytes()) } else { t.match_substring(q) };
        let name = find(&self.name);
        if name == Some(0) {
            return at(MatchKind::NameStart, 0);
        }
        let alias = self.aliases.iter().filter_map(find).min();
        if alias == Some(0) {
            return at(MatchKind::AliasStart, 0);
        }
        if let Some(start) = name {
            return at(MatchKind::NameInside, start);
        }
        alias.map(|start| Score { kind: MatchKind::AliasInside, start })
    }
}

fn is_latin(q: &str) -> bool {
    q.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Everything searchable about one item, and the postings that find its candidates without
/// reading every item: a query is scored only against items that share its first two letters (as
/// a reading's start or two syllables' initials), its first letter, its rarest character, or whose
/// code it starts. The postings are exact supersets of the matches, so results are those of a full
/// scan (a property test in `catalog` compares them with [`reference::search`] on random queries).
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Entry>,
    /// Per item: not 常办, and the name's length in characters (the ranking's tie-breakers).
    ties: Vec<(bool, usize)>,
    /// Items with a syllable starting with the letter (by [`letter_bit`] position).
    by_letter: Vec<Vec<u32>>,
    by_pair: HashMap<[u8; 2], Vec<u32>>,
    by_char: HashMap<char, Vec<u32>>,
    /// Lower-case codes, sorted, with their item.
    codes: Vec<(String, u32)>,
}

/// The ranking key of a hit: best match kind, then earlier match, then 常办事项, then shorter
/// names, then catalogue order. Unique per item, so any selection order gives the same list.
type Rank = (Score, bool, usize, usize);

impl Index {
    /// `items`: (code, name, aliases, 常办) in catalogue order.
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, &'a [String], bool)>) -> Self {
        let mut ix = Index { by_letter: vec![Vec::new(); 36], ..Default::default() };
        for (i, (code, name, aliases, frequent)) in items.into_iter().enumerate() {
            let id = i as u32;
            let entry = Entry::new(code, name, aliases);
            let push = |list: &mut Vec<u32>| {
                if list.last() != Some(&id) {
                    list.push(id);
                }
            };
            for t in entry.texts() {
                for &mask in &t.firsts {
                    for (bit, list) in ix.by_letter.iter_mut().enumerate() {
                        if mask & (1 << bit) != 0 {
                            push(list);
                        }
                    }
                }
                t.pair_keys(|k| push(ix.by_pair.entry(k).or_default()));
                for c in t.plain.chars() {
                    push(ix.by_char.entry(c).or_default());
                }
            }
            ix.codes.push((entry.code.clone(), id));
            ix.ties.push((!frequent, name.chars().count()));
            ix.entries.push(entry);
        }
        ix.codes.sort_unstable();
        ix
    }

    /// The best `limit` items for what a resident typed, as catalogue positions, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let q = normalise(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let postings: &[u32] = if is_latin(&q) {
            let b = q.as_bytes();
            match b {
                [one] => self.by_letter.get(letter_bit(*one).trailing_zeros() as usize).map_or(&[], Vec::as_slice),
                [a, b, ..] => self.by_pair.get(&[*a, *b]).map_or(&[], Vec::as_slice),
                [] => &[],
            }
        } else {
            // Every character of a substring match is in the text: the rarest one narrows most.
            q.chars()
                .map(|c| self.by_char.get(&c).map_or(&[][..], Vec::as_slice))
                .min_by_key(|l| l.len())
                .unwrap_or(&[])
        };
        let from = self.codes.partition_point(|(c, _)| c.as_str() < q.as_str());
        let by_code = self.codes[from..].iter().take_while(|(c, _)| c.starts_with(q.as_str())).map(|&(_, id)| id);
        let by_code = by_code.filter(|id| postings.binary_search(id).is_err());
        let mut hits: Vec<Rank> = postings
            .iter()
            .copied()
            .chain(by_code)
            .filter_map(|id| {
                let i = id as usize;
                let (rare, len) = self.ties[i];
                self.entries[i].score(&q).map(|s| (s, rare, len, i))
            })
            .collect();
        top(&mut hits, limit);
        hits.into_iter().map(|(.., i)| i).collect()
    }
}

/// Keeps the best `limit` of `hits`, sorted.
fn top(hits: &mut Vec<Rank>, limit: usize) {
    if hits.len() > limit {
        hits.select_nth_unstable(limit - 1);
        hits.truncate(limit);
    }
    hits.sort_unstable();
}

/// The search as it was before the index (a scan of every item with backtracking over its
/// syllables), kept as the oracle the index is compared with and as the benchmark's baseline.
#[doc(hidden)]
pub mod reference {
    use super::*;

    fn match_from(syllables: &[Vec<&'static str>], q: &[u8]) -> bool {
        if q.is_empty() {
            return true;
        }
        let Some((first, rest)) = syllables.split_first() else {
            return false;
        };
        first.iter().any(|reading| {
            let r = reading.as_bytes();
            (q.starts_with(r) && match_from(rest, &q[r.len()..]))
                || r.starts_with(q)
                || initials(r).iter().any(|i| q.starts_with(i) && match_from(rest, &q[i.len()..]))
        })
    }

    fn initials(r: &[u8]) -> Vec<&[u8]> {
        let mut out = vec![&r[..1]];
        if r.len() > 2 && matches!(&r[..2], b"zh" | b"ch" | b"sh") {
            out.push(&r[..2]);
        }
        out
    }

    fn score(e: &Entry, q: &str) -> Option<Score> {
        if q.is_empty() {
            return None;
        }
        let at = |kind, start| Some(Score { kind, start });
        if e.code.starts_with(q) {
            return at(MatchKind::Code, 0);
        }
        let latin = q.bytes().all(|b| b.is_ascii_alphanumeric());
        if latin && e.aliases.iter().any(|a| a.plain == q) {
            return at(MatchKind::AliasCode, 0);
        }
        let find = |t: &Text| {
            if latin {
                (0..t.syllables.len()).find(|&start| match_from(&t.syllables[start..], q.as_bytes()))
            } else {
                t.match_substring(q)
            }
        };
        let name = find(&e.name);
        if name == Some(0) {
            return at(MatchKind::NameStart, 0);
        }
        let alias = e.aliases.iter().filter_map(find).min();
        if alias == Some(0) {
            return at(MatchKind::AliasStart, 0);
        }
        if let Some(start) = name {
            return at(MatchKind::NameInside, start);
        }
        alias.map(|start| Score { kind: MatchKind::AliasInside, start })
    }

    /// The old linear search over the index's items: every item scored, all hits sorted.
    pub fn search(ix: &Index, query: &str, limit: usize) -> Vec<usize> {
        let q = normalise(query);
        let mut hits: Vec<Rank> = ix
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| score(e, &q).map(|s| (s, ix.ties[i].0, ix.ties[i].1, i)))
            .collect();
        hits.sort_unstable();
        hits.into_iter().take(limit).map(|(.., i)| i).collect()
    }
}

/// Lower-case, drop spaces and separators a resident might type; keep Chinese as it is.
pub fn normalise(query: &str) -> String {
    query.chars().filter(|c| !c.is_whitespace() && *c != '\'' && *c != '-').flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn senior() -> Entry {
        Entry::new("LL0001", "老年人优待证办理（年审）", &["老年证".into(), "敬老卡".into(), "ldyd".into()])
    }

    fn kind(e: &Entry, q: &str) -> Option<MatchKind> {
        e.score(&normalise(q)).map(|s| s.kind)
    }

    #[test]
    fn full_pinyin_initials_and_partial_syllables_match_the_name() {
        let e = senior();
        assert_eq!(kind(&e, "laonian"), Some(MatchKind::NameStart));
        assert_eq!(kind(&e, "lnrydz"), Some(MatchKind::NameStart));
        assert_eq!(kind(&e, "laonrenyd"), Some(MatchKind::NameStart));
        assert_eq!(kind(&e, "laoni"), Some(MatchKind::NameStart));
        assert_eq!(kind(&e, "Lao Nian"), Some(MatchKind::NameStart));
    }

    #[test]
    fn inside_matches_rank_below_start_matches() {
        let e = senior();
        let inside = e.score("youdai").unwrap();
        assert_eq!(inside.kind, MatchKind::NameInside);
        assert_eq!(inside.start, 3);
        assert!(e.score("laonian").unwrap() < inside);
    }

    #[test]
    fn aliases_and_codes_match() {
        let e = senior();
        assert_eq!(kind(&e, "ldyd"), Some(MatchKind::AliasCode));
        assert_eq!(kind(&e, "jlk"), Some(MatchKind::AliasStart));
        assert_eq!(kind(&e, "ll0001"), Some(MatchKind::Code));
        assert_eq!(kind(&e, "LL00"), Some(MatchKind::Code));
    }

    #[test]
    fn chinese_queries_match_as_substrings() {
        let e = senior();
        assert_eq!(kind(&e, "优待"), Some(MatchKind::NameInside));
        assert_eq!(kind(&e, "老年人"), Some(MatchKind::NameStart));
        assert_eq!(kind(&e, "敬老"), Some(MatchKind::AliasStart));
        assert_eq!(kind(&e, "低保"), None);
    }

    #[test]
    fn zh_ch_sh_initials_can_be_typed_either_way() {
        let e = Entry::new("RS0001", "失业登记", &[]);
        assert!(e.score("sydj").is_some());
        assert!(e.score("shydj").is_some());
        assert!(e.score("shiye").is_some());
    }

    #[test]
    fn polyphonic_characters_match_any_reading() {
        // 长 is chang or zhang.
        let e = Entry::new("MZ0009", "长期护理保险", &[]);
        assert!(e.score("changqi").is_some());
        assert!(e.score("zhangqi").is_some());
    }

    #[test]
    fn letters_that_match_nothing_give_nothing() {
        let e = senior();
        assert_eq!(e.score("xyz"), None);
        assert_eq!(e.score("lnx"), None);
        assert_eq!(e.score(""), None);
    }
}
