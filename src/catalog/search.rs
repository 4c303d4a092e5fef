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
    /// The readings of every character worth matching, syllable after syllable, in one allocation
    /// (Latin letters and digits are their own reading; 多音字 have several).
    readings: Vec<&'static str>,
    syllables: Vec<Syllable>,
}

#[derive(Debug, Clone, Copy)]
struct Syllable {
    /// Where this syllable's readings end in [`Text::readings`].
    end: u32,
    /// The letters its readings start with, as bits (see [`letter_bit`]): a query can only go
    /// through a syllable whose mask holds the query's next letter, so most are passed unread.
    firsts: u64,
}

impl Text {
    fn new(s: &str) -> Self {
        let (mut readings, mut syllables) = (Vec::new(), Vec::new());
        for c in s.chars() {
            let start = readings.len();
            if let Some(multi) = c.to_pinyin_multi() {
                let mut these: Vec<&'static str> = multi.into_iter().map(|p| p.plain()).collect();
                // Readings differing only in tone read the same here.
                these.dedup();
                readings.extend(these);
            } else if c.is_ascii_alphanumeric() {
                readings.push(ascii_str(c.to_ascii_lowercase()));
            } else {
                // Punctuation and brackets are transparent.
                continue;
            }
            let firsts = readings[start..].iter().map(|r| letter_bit(r.as_bytes()[0])).fold(0, |m, b| m | b);
            syllables.push(Syllable { end: readings.len() as u32, firsts });
        }
        Self { plain: s.to_lowercase(), readings, syllables }
    }

    fn readings_of(&self, i: usize) -> &[&'static str] {
        let start = if i == 0 { 0 } else { self.syllables[i - 1].end as usize };
        &self.readings[start..self.syllables[i].end as usize]
    }

    /// The first syllable index at which the Latin query matches, if any.
    fn match_latin(&self, q: &[u8]) -> Option<usize> {
        (0..self.syllables.len()).find(|&start| self.match_from(start, q))
    }

    /// Does `q` match the syllables from the `i`th on, consecutively?
    fn match_from(&self, i: usize, q: &[u8]) -> bool {
        let Some(&[first, ..]) = Some(q) else {
            return true;
        };
        // Every way through a syllable starts with one of its readings' first letters.
        if self.syllables.get(i).is_none_or(|s| s.firsts & letter_bit(first) == 0) {
            return false;
        }
        self.readings_of(i).iter().any(|reading| {
            let r = reading.as_bytes();
            // The whole syllable typed, then the rest.
            (q.starts_with(r) && self.match_from(i + 1, &q[r.len()..]))
                // The query ends inside this syllable (still typing).
                || r.starts_with(q)
                // Only the initial typed: one letter, or zh/ch/sh in full.
                || (q[0] == r[0] && self.match_from(i + 1, &q[1..]))
                || (r.len() > 2
                    && matches!(&r[..2], b"zh" | b"ch" | b"sh")
                    && q.starts_with(&r[..2])
                    && self.match_from(i + 1, &q[2..]))
        })
    }

    /// The character offset of a substring match.
    fn match_substring(&self, q: &str) -> Option<usize> {
        self.plain.find(q).map(|byte| self.plain[..byte].chars().count())
    }

    /// The keys under which a Latin query can match this text: its first one, two or three
    /// letters as they can fall on the syllables. A match starts at some syllable with a reading
    /// `r`, typed in full, by its initial or cut short; the query's first letters are then `r`'s
    /// first letters, or `r`'s first letters followed by the next syllables' first letters. So every
    /// match is found under the key made of its query's first letters (up to three); `long` also
    /// gets the syllable where the match would start.
    fn keys(&self, mut short: impl FnMut(&[u8]), mut long: impl FnMut([u8; 3], usize)) {
        let n = self.syllables.len();
        let readings = |i: usize| (if i < n { self.readings_of(i) } else { &[] }).iter().map(|r| r.as_bytes());
        for i in 0..n {
            for r in readings(i) {
                short(&r[..1]);
                if r.len() >= 2 {
                    short(&r[..2]);
                }
                if r.len() >= 3 {
                    long([r[0], r[1], r[2]], i);
                }
                for n in readings(i + 1) {
                    short(&[r[0], n[0]]);
                    if r.len() >= 2 {
                        long([r[0], r[1], n[0]], i);
                    }
                    if n.len() >= 2 {
                        long([r[0], n[0], n[1]], i);
                    }
                    for m in readings(i + 2) {
                        long([r[0], n[0], m[0]], i);
                    }
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

/// The searchable form of one item.
#[derive(Debug, Clone)]
struct Entry {
    code: String,
    name: Text,
    aliases: Vec<Text>,
}

impl Entry {
    fn new(code: &str, name: &str, aliases: &[String]) -> Self {
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
    /// The definition the index answers by (its short lists are ranked with it).
    fn score(&self, q: &str) -> Option<Score> {
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

/// Everything searchable about the items, and the postings that find a query's matches without
/// reading every item:
/// - a Latin query of one or two letters has its whole answer ready, ranked (there are at most
///   36 + 36² such queries, and they match the most items);
/// - a longer Latin query walks the places where its first three letters can start a match (see
///   [`Text::keys`]), kept in the order the match there would rank, and stops at `limit` items;
/// - a Chinese query walks the places where its first character stands, the same way.
///
/// The postings are supersets of the matches, so results are those of a full scan: a property
/// test in `catalog` compares them with [`reference::Scan`] on random queries.
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Entry>,
    /// Per item: not 常办, and the name's length in characters (the ranking's tie-breakers).
    ties: Vec<(bool, usize)>,
    /// Answers to the queries of one or two letters, best first.
    short: HashMap<Vec<u8>, Vec<u32>>,
    /// Where a query with these first three letters can start matching, best rank first.
    by_three: HashMap<[u8; 3], Vec<Place>>,
    /// Items by a Latin alias (助记码) spelled out in full.
    by_alias: HashMap<String, Vec<u32>>,
    /// Where a Chinese query with this first character can start matching, best rank first.
    by_char: HashMap<char, Vec<Place>>,
    /// Lower-case codes, sorted, with their item.
    codes: Vec<(String, u32)>,
}

/// Where a query can start matching: the item, its text (0 the name, then the aliases), and the
/// syllable (Latin queries) or character (Chinese ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    id: u32,
    text: u32,
    /// The syllable or the character where the match starts.
    at: u32,
    /// Where that character starts in the text's bytes (Chinese queries).
    byte: u32,
}

/// The ranking key of a hit: best match kind, then earlier match, then 常办事项, then shorter
/// names, then catalogue order. Unique per item, so any selection order gives the same list.
type Rank = (Score, bool, usize, usize);

impl Index {
    /// `items`: (code, name, aliases, 常办) in catalogue order.
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, &'a [String], bool)>) -> Self {
        let mut ix = Index::default();
        let mut short: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        for (i, (code, name, aliases, frequent)) in items.into_iter().enumerate() {
            let id = i as u32;
            let entry = Entry::new(code, name, aliases);
            let push = |list: &mut Vec<u32>| {
                if list.last() != Some(&id) {
                    list.push(id);
                }
            };
            for (text, t) in entry.texts().enumerate() {
                // Readings may hold a 'ü', which no query holds: such keys are never asked for.
                let short_key = |k: &[u8]| {
                    if k.iter().all(u8::is_ascii_alphanumeric) {
                        push(short.entry(k.to_vec()).or_default());
                    }
                };
                let place = |at: usize, byte: usize| Place { id, text: text as u32, at: at as u32, byte: byte as u32 };
                t.keys(short_key, |k, at| ix.by_three.entry(k).or_default().push(place(at, 0)));
                for (at, (byte, c)) in t.plain.char_indices().enumerate() {
                    ix.by_char.entry(c).or_default().push(place(at, byte));
                }
            }
            // A code is also found by its first one or two characters.
            for n in 1..=2.min(entry.code.len()) {
                if is_latin(&entry.code[..n]) {
                    push(short.entry(entry.code.as_bytes()[..n].to_vec()).or_default());
                }
            }
            for a in entry.aliases.iter().filter(|a| is_latin(&a.plain)) {
                push(ix.by_alias.entry(a.plain.clone()).or_default());
            }
            ix.codes.push((entry.code.clone(), id));
            ix.ties.push((!frequent, name.chars().count()));
            ix.entries.push(entry);
        }
        ix.codes.sort_unstable();
        let (mut by_three, mut by_char) = (std::mem::take(&mut ix.by_three), std::mem::take(&mut ix.by_char));
        for places in by_three.values_mut().chain(by_char.values_mut()) {
            places.sort_unstable_by_key(|p| ix.place_rank(p));
            places.dedup();
        }
        (ix.by_three, ix.by_char) = (by_three, by_char);
        ix.short = short
            .into_iter()
            .map(|(key, ids)| {
                let q = String::from_utf8(key.clone()).expect("keys are ASCII letters and digits");
                let mut hits: Vec<Rank> = ids.into_iter().filter_map(|id| ix.rank(id, &q)).collect();
                hits.sort_unstable();
                (key, hits.into_iter().map(|(.., i)| i as u32).collect())
            })
            .collect();
        ix
    }

    /// How a match starting at `p` ranks (a better one may exist elsewhere in the item).
    fn place_rank(&self, p: &Place) -> Rank {
        let kind = match (p.text, p.at) {
            (0, 0) => MatchKind::NameStart,
            (_, 0) => MatchKind::AliasStart,
            (0, _) => MatchKind::NameInside,
            _ => MatchKind::AliasInside,
        };
        let i = p.id as usize;
        (Score { kind, start: p.at as usize }, self.ties[i].0, self.ties[i].1, i)
    }

    fn rank(&self, id: u32, q: &str) -> Option<Rank> {
        let i = id as usize;
        let (rare, len) = self.ties[i];
        self.entries[i].score(q).map(|s| (s, rare, len, i))
    }

    /// The best `limit` items for what a resident typed, as catalogue positions, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let q = normalise(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let b = q.as_bytes();
        let latin = is_latin(&q);
        if latin && b.len() <= 2 {
            let ranked = self.short.get(b).map_or(&[][..], Vec::as_slice);
            return ranked.iter().take(limit).map(|&id| id as usize).collect();
        }
        let first = q.chars().next().expect("not empty");
        let (places, aliased) = if latin {
            (self.by_three.get(&[b[0], b[1], b[2]]), self.by_alias.get(&q))
        } else {
            (self.by_char.get(&first), None)
        };
        let places = places.map_or(&[][..], Vec::as_slice);
        self.walk(
            &q,
            aliased.map_or(&[][..], Vec::as_slice),
            places,
            |t, p| {
                if latin {
                    t.match_from(p.at as usize, b)
                } else {
                    t.plain[p.byte as usize..].starts_with(q.as_str())
                }
            },
            limit,
        )
    }

    /// Items whose code starts with `q`.
    fn by_code<'a>(&'a self, q: &'a str) -> impl Iterator<Item = u32> + 'a {
        let from = self.codes.partition_point(|(c, _)| c.as_str() < q);
        self.codes[from..].iter().take_while(move |(c, _)| c.starts_with(q)).map(|&(_, id)| id)
    }

    /// The kinds of match in their ranking order — code, 助记码 (`aliased`), then the `places`
    /// where the query can start matching, best first, each checked by `matches` — each item at its
    /// first (so best) match, until `limit` items.
    fn walk(
        &self,
        q: &str,
        aliased: &[u32],
        places: &[Place],
        matches: impl Fn(&Text, &Place) -> bool,
        limit: usize,
    ) -> Vec<usize> {
        let tie_order = |ids: &mut Vec<u32>| ids.sort_unstable_by_key(|&id| (self.ties[id as usize], id));
        let mut out: Vec<usize> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut emit = |id: u32, out: &mut Vec<usize>| {
            if seen.insert(id) {
                out.push(id as usize);
            }
            out.len() >= limit
        };
        let mut coded: Vec<u32> = self.by_code(q).collect();
        tie_order(&mut coded);
        let mut aliased = aliased.to_vec();
        tie_order(&mut aliased);
        for id in coded.into_iter().chain(aliased) {
            if emit(id, &mut out) {
                return out;
            }
        }
        for p in places {
            let e = &self.entries[p.id as usize];
            let text = if p.text == 0 { &e.name } else { &e.aliases[p.text as usize - 1] };
            if matches(text, p) && emit(p.id, &mut out) {
                break;
            }
        }
        out
    }
}

/// The search as it was before the index (a scan of every item with backtracking over its
/// syllables), kept as the oracle the index is compared with and as the benchmark's baseline.
#[doc(hidden)]
pub mod reference {
    use super::{ascii_str, normalise, MatchKind, Rank, Score};
    use pinyin::ToPinyinMulti;

    struct Text {
        plain: String,
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
            }
            Self { plain: s.to_lowercase(), syllables }
        }

        fn find(&self, q: &str, latin: bool) -> Option<usize> {
            if latin {
                (0..self.syllables.len()).find(|&start| match_from(&self.syllables[start..], q.as_bytes()))
            } else {
                self.plain.find(q).map(|byte| self.plain[..byte].chars().count())
            }
        }
    }

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

    struct Entry {
        code: String,
        name: Text,
        aliases: Vec<Text>,
        ties: (bool, usize),
    }

    impl Entry {
        fn score(&self, q: &str) -> Option<Score> {
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
            let name = self.name.find(q, latin);
            if name == Some(0) {
                return at(MatchKind::NameStart, 0);
            }
            let alias = self.aliases.iter().filter_map(|a| a.find(q, latin)).min();
            if alias == Some(0) {
                return at(MatchKind::AliasStart, 0);
            }
            if let Some(start) = name {
                return at(MatchKind::NameInside, start);
            }
            alias.map(|start| Score { kind: MatchKind::AliasInside, start })
        }
    }

    /// The items as the old search held them.
    pub struct Scan(Vec<Entry>);

    impl Scan {
        /// `items` as for [`super::Index::new`].
        pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, &'a [String], bool)>) -> Self {
            Scan(
                items
                    .into_iter()
                    .map(|(code, name, aliases, frequent)| Entry {
                        code: code.to_lowercase(),
                        name: Text::new(name),
                        aliases: aliases.iter().map(|a| Text::new(a)).collect(),
                        ties: (!frequent, name.chars().count()),
                    })
                    .collect(),
            )
        }

        /// Every item scored, all hits sorted: catalogue positions, best first.
        pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
            let q = normalise(query);
            let mut hits: Vec<Rank> = self
                .0
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.score(&q).map(|s| (s, e.ties.0, e.ties.1, i)))
                .collect();
            hits.sort_unstable();
            hits.into_iter().take(limit).map(|(.., i)| i).collect()
        }
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
