//! Splitting typed letters into pinyin tokens: whole syllables (`lao`) or the start of one (`l`, `zh`,
//! `zho`), so that full pinyin, abbreviations and a mix of both are one input.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Fuzzy syllable pairs for regional accents; each one makes either form match both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fuzzy {
    pub z_zh: bool,
    pub c_ch: bool,
    pub s_sh: bool,
    pub n_l: bool,
    pub en_eng: bool,
    pub in_ing: bool,
}

impl Fuzzy {
    /// Every pair on.
    pub const ALL: Fuzzy = Fuzzy { z_zh: true, c_ch: true, s_sh: true, n_l: true, en_eng: true, in_ing: true };
}

/// The longest syllable in letters (`zhuang`).
pub const MAX_SYLLABLE: usize = 6;

struct Inventory {
    syllables: HashSet<&'static str>,
    /// Every non-empty prefix of a syllable, the syllables themselves included.
    prefixes: HashSet<&'static str>,
    /// Syllables sorted, for iterating in a stable order.
    sorted: Vec<&'static str>,
}

fn inventory() -> &'static Inventory {
    static INVENTORY: OnceLock<Inventory> = OnceLock::new();
    INVENTORY.get_or_init(|| {
        // The dictionary also spells 略/虐 as `lve`/`nve`.
        let mut syllables: HashSet<&'static str> = golia_pinyin::VALID_SYLLABLES.iter().copied().collect();
        syllables.extend(["lve", "nve"]);
        let prefixes = syllables.iter().flat_map(|s| (1..=s.len()).map(move |n| &s[..n])).collect();
        let mut sorted: Vec<&'static str> = syllables.iter().copied().collect();
        sorted.sort_unstable();
        Inventory { syllables, prefixes, sorted }
    })
}

pub fn is_syllable(s: &str) -> bool {
    inventory().syllables.contains(s)
}

fn is_syllable_start(s: &str) -> bool {
    inventory().prefixes.contains(s)
}

/// Every syllable, sorted.
pub fn all() -> &'static [&'static str] {
    &inventory().sorted
}

/// One piece of the typed letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset in the typed letters just past this token.
    pub end: usize,
    /// A whole syllable (matches exactly); otherwise the start of one (matches any syllable it begins).
    pub whole: bool,
    /// The typed letters and, with fuzzy pairs on, the forms they stand for. The typed form is first.
    pub forms: Vec<String>,
}

impl Token {
    /// Does this token stand for `syllable`?
    pub fn matches(&self, syllable: &str) -> bool {
        if self.whole {
            self.forms.iter().any(|f| f == syllable)
        } else {
            self.forms.iter().any(|f| syllable.starts_with(f.as_str()))
        }
    }
}

/// Splits lower-case letters into as few tokens as possible (whole syllables preferred on a tie, then
/// the longer first token), stopping where no syllable can start. Single letters are always
/// abbreviations (`lnr`: `n` is 嗯's syllable but stands for 年 here).
pub fn tokenize(letters: &str, fuzzy: Fuzzy) -> Vec<Token> {
    let bytes = letters.as_bytes();
    let n = bytes.len();
    if !bytes.iter().all(u8::is_ascii_lowercase) {
        return Vec::new();
    }
    // best[i]: (tokens, prefix tokens) of the best split of letters[..i], and where its last token began.
    let mut best: Vec<Option<((usize, usize), usize)>> = vec![None; n + 1];
    best[0] = Some(((0, 0), 0));
    for i in 0..n {
        let Some(((count, partial), _)) = best[i] else { continue };
        for j in (i + 1..=(i + MAX_SYLLABLE).min(n)).rev() {
            let piece = &letters[i..j];
            let whole = piece.len() > 1 && is_syllable(piece);
            if !whole && !is_syllable_start(piece) {
                continue;
            }
            let cost = (count + 1, partial + usize::from(!whole));
            if best[j].is_none_or(|(c, _)| cost <= c) {
                best[j] = Some((cost, i));
            }
        }
    }
    let Some(mut end) = (0..=n).rev().find(|&i| best[i].is_some()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while end > 0 {
        let Some((_, start)) = best[end] else { break };
        let piece = &letters[start..end];
        let whole = piece.len() > 1 && is_syllable(piece);
        out.push(Token { end, whole, forms: forms(piece, whole, fuzzy) });
        end = start;
    }
    out.reverse();
    out
}

/// The typed piece and the forms a fuzzy pair lets it stand for.
fn forms(piece: &str, whole: bool, fuzzy: Fuzzy) -> Vec<String> {
    let mut out = vec![piece.to_string()];
    let add = |out: &mut Vec<String>, s: String| {
        if !out.contains(&s) && (if whole { is_syllable(&s) } else { is_syllable_start(&s) }) {
            out.push(s);
        }
    };
    let initials: [(bool, &str, &str); 4] =
        [(fuzzy.z_zh, "z", "zh"), (fuzzy.c_ch, "c", "ch"), (fuzzy.s_sh, "s", "sh"), (fuzzy.n_l, "n", "l")];
    for (on, plain, other) in initials {
        if !on {
            continue;
        }
        if let Some(rest) = piece.strip_prefix(other) {
            add(&mut out, format!("{plain}{rest}"));
        } else if let Some(rest) = piece.strip_prefix(plain) {
            add(&mut out, format!("{other}{rest}"));
        }
    }
    if whole {
        let finals: [(bool, &str, &str); 2] = [(fuzzy.en_eng, "en", "eng"), (fuzzy.in_ing, "in", "ing")];
        let bases = out.clone();
        for base in bases {
            for (on, short, long) in finals {
                if !on {
                    continue;
                }
                if let Some(head) = base.strip_suffix(long) {
                    add(&mut out, format!("{head}{short}"));
                } else if let Some(head) = base.strip_suffix(short) {
                    add(&mut out, format!("{head}{long}"));
                }
            }
        }
    }
    out
}

/// Splits a dictionary key (`laonianren`) into syllables matching `tokens` from the first on; returns
/// how many tokens a full match used (the word's length in characters), the most if several.
pub fn match_key(key: &str, tokens: &[Token]) -> Option<usize> {
    fn go(key: &str, tokens: &[Token], used: usize) -> Option<usize> {
        let token = tokens.first()?;
        let mut best = None;
        for len in 1..=MAX_SYLLABLE.min(key.len()) {
            let Some(syllable) = key.get(..len) else { continue };
            // The token's test first: it is a few byte compares and rejects most cuts.
            if !token.matches(syllable) || !is_syllable(syllable) {
                continue;
            }
            let found = if len == key.len() { Some(used + 1) } else { go(&key[len..], &tokens[1..], used + 1) };
            best = best.max(found);
        }
        best
    }
    if key.is_empty() {
        return None;
    }
    go(key, tokens, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(letters: &str) -> Vec<String> {
        tokenize(letters, Fuzzy::default()).into_iter().map(|t| t.forms[0].clone()).collect()
    }

    #[test]
    fn full_pinyin_splits_into_syllables() {
        assert_eq!(pieces("laonianren"), ["lao", "nian", "ren"]);
        assert_eq!(pieces("zhongguo"), ["zhong", "guo"]);
        assert_eq!(pieces("xian"), ["xian"]);
        assert_eq!(pieces("fangan"), ["fang", "an"]);
    }

    #[test]
    fn abbreviations_and_mixed_input_split_into_initials() {
        assert_eq!(pieces("lnr"), ["l", "n", "r"]);
        assert_eq!(pieces("bj"), ["b", "j"]);
        assert_eq!(pieces("laonr"), ["lao", "n", "r"]);
        assert_eq!(pieces("zhs"), ["zh", "s"]);
        assert_eq!(pieces("zho"), ["zho"]);
        let t = tokenize("lnr", Fuzzy::default());
        assert!(t.iter().all(|t| !t.whole));
        assert_eq!(t.last().unwrap().end, 3);
    }

    #[test]
    fn letters_that_start_no_syllable_stop_the_split() {
        assert_eq!(pieces("laov"), ["lao"]);
        assert!(pieces("v").is_empty());
        assert!(pieces("").is_empty());
        assert!(pieces("LAO").is_empty(), "callers lower-case first");
    }

    #[test]
    fn keys_match_tokens_syllable_by_syllable() {
        let t = tokenize("lnr", Fuzzy::default());
        assert_eq!(match_key("laonianren", &t), Some(3));
        assert_eq!(match_key("laonian", &t), Some(2));
        assert_eq!(match_key("lao", &t), Some(1));
        assert_eq!(match_key("nianren", &t), None);
        let t = tokenize("laonianren", Fuzzy::default());
        assert_eq!(match_key("laonianren", &t), Some(3));
        assert_eq!(match_key("laoniang", &t), None);
        assert_eq!(match_key("", &t), None);
    }

    #[test]
    fn fuzzy_pairs_add_forms_only_when_switched_on() {
        let strict = tokenize("zongguo", Fuzzy::default());
        assert_eq!(match_key("zhongguo", &strict), None);
        let fuzzy = tokenize("zongguo", Fuzzy { z_zh: true, ..Fuzzy::default() });
        assert_eq!(match_key("zhongguo", &fuzzy), Some(2));
        let nl = tokenize("nao", Fuzzy { n_l: true, ..Fuzzy::default() });
        assert_eq!(match_key("lao", &nl), Some(1));
        let eng = tokenize("shen", Fuzzy { en_eng: true, s_sh: true, ..Fuzzy::default() });
        assert!(eng[0].matches("sheng") && eng[0].matches("sen") && eng[0].matches("seng"), "{eng:?}");
        let ing = tokenize("xin", Fuzzy { in_ing: true, ..Fuzzy::default() });
        assert!(ing[0].matches("xing"));
    }
}
