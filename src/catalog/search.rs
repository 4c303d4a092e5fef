//! Search over service items by name, pinyin, pinyin initials, aliases (俗称, 助记码) and code.
//!
//! Each item's name is turned once into a sequence of syllables, each with every reading of its
//! character (多音字 keep all their readings). A query of Latin letters matches a run of consecutive
//! syllables where each syllable is typed in full (`laonian`), by its initial (`lnr`, also `zh`/`ch`/`sh`),
//! or — for the last one only — partly (`laon`). Chinese text matches as a substring.

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
        Self { plain: s.to_lowercase(), syllables }
    }

    /// The first syllable index at which the Latin query matches, if any.
    fn match_latin(&self, q: &[u8]) -> Option<usize> {
        (0..self.syllables.len()).find(|&start| match_from(&self.syllables[start..], q))
    }

    /// The character offset of a substring match.
    fn match_substring(&self, q: &str) -> Option<usize> {
        self.plain.find(q).map(|byte| self.plain[..byte].chars().count())
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

    /// How well this item matches a normalised query (see [`normalise`]); `None` if not at all.
    pub fn score(&self, q: &str) -> Option<Score> {
        if q.is_empty() {
            return None;
        }
        let at = |kind, start| Some(Score { kind, start });
        if self.code.starts_with(q) {
            return at(MatchKind::Code, 0);
        }
        let latin = q.bytes().all(|b| b.is_ascii_alphanumeric());
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
