//! What letters can become: words from the embedded pinyin dictionary plus the kiosk's own words,
//! ranked for an input that may be full pinyin, abbreviated, or both.

use std::collections::HashMap;

use golia_pinyin::PinyinDict;
use pinyin::ToPinyinMulti;

use super::syllables::{self, Fuzzy};

/// One thing the resident can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    /// How many bytes of the typed letters it stands for (the rest keeps composing after a choice).
    pub consumed: usize,
}

/// A word of the kiosk's own vocabulary with the readings of each character.
#[derive(Debug, Clone)]
struct OwnWord {
    text: String,
    readings: Vec<Vec<String>>,
}

/// The dictionary behind pinyin input. Building one costs microseconds: the phrase dictionary is a
/// finite-state transducer embedded in the binary and read in place.
pub struct Lexicon {
    dict: PinyinDict,
    own: Vec<OwnWord>,
    fuzzy: Fuzzy,
}

/// Longest word taken from the kiosk's own vocabulary (longer names are not typed whole).
const OWN_WORD_MAX_CHARS: usize = 10;

impl Lexicon {
    pub fn new(fuzzy: Fuzzy) -> Self {
        Self { dict: PinyinDict::embedded(), own: Vec::new(), fuzzy }
    }

    /// Adds the kiosk's own words (catalogue names and aliases): each run of Chinese characters in
    /// them becomes a word that ranks before dictionary words of the same length.
    pub fn with_words<'a>(mut self, texts: impl IntoIterator<Item = &'a str>) -> Self {
        for text in texts {
            for run in text.split(|c: char| c.to_pinyin_multi().is_none()) {
                let n = run.chars().count();
                if !(2..=OWN_WORD_MAX_CHARS).contains(&n) || self.own.iter().any(|w| w.text == run) {
                    continue;
                }
                let readings = run
                    .chars()
                    .map(|c| {
                        let mut r: Vec<String> = c
                            .to_pinyin_multi()
                            .map(|m| m.into_iter().map(|p| p.plain().replace('ü', "v")).collect())
                            .unwrap_or_default();
                        r.dedup();
                        r
                    })
                    .collect();
                self.own.push(OwnWord { text: run.to_string(), readings });
            }
        }
        self
    }

    pub fn fuzzy(&self) -> Fuzzy {
        self.fuzzy
    }

    /// Entries in the embedded dictionary.
    pub fn dictionary_entries(&self) -> usize {
        self.dict.len()
    }

    /// Words of the kiosk's own vocabulary.
    pub fn own_words(&self) -> usize {
        self.own.len()
    }

    /// Candidates for lower-case `letters`: words standing for all the letters first, then for fewer,
    /// each group by frequency (own words first); single characters last.
    pub fn lookup(&self, letters: &str) -> Vec<Candidate> {
        let tokens = syllables::tokenize(letters, self.fuzzy);
        let Some(first) = tokens.first() else {
            return Vec::new();
        };
        // word -> (characters, own word, frequency)
        let mut found: HashMap<String, (usize, bool, u64)> = HashMap::new();
        let mut keep = |word: &str, chars: usize, own: bool, freq: u64| {
            let rank = (chars, own, freq);
            match found.get_mut(word) {
                Some(r) if *r >= rank => {}
                Some(r) => *r = rank,
                None => {
                    found.insert(word.to_string(), rank);
                }
            }
        };
        let firsts: Vec<&str> = syllables::all().iter().copied().filter(|s| first.matches(s)).collect();
        // The dictionary's key ranges to read: (key prefix, single characters). A word's reading
        // starts with a syllable of the first token, then one of the second, then (three characters
        // or more) a form of the third. Naming the second syllable keeps the ranges narrow: `zhg`
        // with one more token read every word under `zhang g…`, `zhong g…`, … (tens of thousands of
        // keys per keystroke; found by fuzz/pinyin_keys).
        let seconds: Vec<&str> = tokens
            .get(1)
            .map_or_else(Vec::new, |t| syllables::all().iter().copied().filter(|s| t.matches(s)).collect());
        let thirds: &[String] = tokens.get(2).map_or(&[], |t| t.forms.as_slice());
        let mut ranges: Vec<(String, bool)> = Vec::new();
        for s1 in &firsts {
            // Single characters: keys exactly `s1`.
            ranges.push((format!("{s1}\0"), true));
            for s2 in &seconds {
                // Two characters: keys exactly `s1 s2`; longer words: `s1 s2` and a form of the third.
                ranges.push((format!("{s1}{s2}\0"), false));
                ranges.extend(thirds.iter().map(|form| (format!("{s1}{s2}{form}"), false)));
            }
        }
        for (prefix, single) in &ranges {
            self.dict.prefix_for_each_raw(prefix, |key, word, freq| {
                #[cfg(test)]
                tests::KEYS_READ.with(|k| k.set(k.get() + 1));
                let (Ok(key), Ok(w)) = (std::str::from_utf8(key), std::str::from_utf8(word)) else {
                    return;
                };
                let n = w.chars().count();
                if *single {
                    if n == 1 && drawable(w) {
                        keep(w, 1, false, freq);
                    }
                    return;
                }
                // A word stands for as many tokens as it has characters: longer words than the
                // letters typed are passed over before their key is parsed.
                if !(2..=tokens.len()).contains(&n) || syllables::match_key(key, &tokens) != Some(n) {
                    return;
                }
                if drawable(w) {
                    keep(w, n, false, freq);
                }
            });
        }
        for w in &self.own {
            let n = w.readings.len();
            if n <= tokens.len() && w.readings.iter().zip(&tokens).all(|(r, t)| r.iter().any(|s| t.matches(s))) {
                keep(&w.text, n, true, u64::MAX);
            }
        }
        let mut ranked: Vec<(String, (usize, bool, u64))> = found.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.into_iter().map(|(text, (n, ..))| Candidate { text, consumed: tokens[n - 1].end }).collect()
    }
}

/// Whether every character is in GB2312 (simplified Chinese, and what the bundled font covers);
/// drops traditional and rare variants from the dictionary's candidates.
fn drawable(word: &str) -> bool {
    word.chars().all(|c| {
        let mut buf = [0u8; 4];
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        // GB2312 hanzi: rows 16–87 (lead 0xB0–0xF7), cells 1–94 (trail 0xA1–0xFE).
        !unmappable && bytes.len() == 2 && (0xB0..=0xF7).contains(&bytes[0]) && (0xA1..=0xFE).contains(&bytes[1])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(l: &Lexicon, letters: &str) -> Vec<String> {
        l.lookup(letters).into_iter().map(|c| c.text).collect()
    }

    /// The words `lookup` found before its key ranges named the second syllable: every key under
    /// `s1 form2` read and judged by the same rules. Kept to show the narrower ranges find the same.
    fn words_by_wide_ranges(l: &Lexicon, letters: &str) -> (Vec<(String, usize)>, usize) {
        let tokens = syllables::tokenize(letters, l.fuzzy);
        let (Some(first), Some(second)) = (tokens.first(), tokens.get(1)) else { return (Vec::new(), 0) };
        let mut found: Vec<(String, usize)> = Vec::new();
        let mut read = 0;
        for s1 in syllables::all().iter().filter(|s| first.matches(s)) {
            for form in &second.forms {
                l.dict.prefix_for_each_raw(&format!("{s1}{form}"), |key, word, _| {
                    read += 1;
                    let (Ok(key), Ok(w)) = (std::str::from_utf8(key), std::str::from_utf8(word)) else { return };
                    let n = w.chars().count();
                    if (2..=tokens.len()).contains(&n) && syllables::match_key(key, &tokens) == Some(n) && drawable(w) {
                        found.push((w.to_string(), n));
                    }
                });
            }
        }
        found.sort();
        found.dedup();
        (found, read)
    }

    thread_local! {
        /// Dictionary entries `lookup` read on this thread.
        pub(super) static KEYS_READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn keys_read(l: &Lexicon, letters: &str) -> usize {
        KEYS_READ.with(|k| k.set(0));
        let _ = l.lookup(letters);
        KEYS_READ.with(|k| k.get())
    }

    /// Found by fuzz/pinyin_keys (a timeout): an abbreviation followed by more syllables (`zhg…`) read
    /// every dictionary key under `zhang g`, `zhong g`, … on each keystroke, about 9,500 keys (0.4 s
    /// of CPU under the fuzzer's instrumentation; these 28 letters typed one by one took over 10 s).
    /// The ranges now name the second syllable: about 2,900 keys (most of them the single characters),
    /// and the same words.
    #[test]
    fn abbreviations_followed_by_syllables_stay_fast_and_find_the_same_words() {
        let l = Lexicon::new(Fuzzy::default());
        let letters = "zhgguorenmongguorenmiorenmin";
        let read: usize = (1..=letters.len()).map(|end| keys_read(&l, &letters[..end])).sum();
        let wide = words_by_wide_ranges(&l, "zhgguo").1;
        let narrow = keys_read(&l, "zhgguo");
        // Words read by the wide ranges alone: 6976 for `zhgguo`, about 250,000 for the 28 keystrokes.
        assert!(narrow * 2 < wide, "zhgguo reads {narrow} keys, the wide ranges {wide}");
        assert!(read < 100_000, "28 keystrokes read {read} keys");
        for letters in ["zhg", "zhgguo", "lnr", "laonr", "laonianren", "bj", "zhongguoren", "xian", "sfz", "zhgg"] {
            let mut words: Vec<(String, usize)> = l
                .lookup(letters)
                .into_iter()
                .filter_map(|c| {
                    let n = c.text.chars().count();
                    (n >= 2 && !l.own.iter().any(|w| w.text == c.text)).then_some((c.text, n))
                })
                .collect();
            words.sort();
            assert_eq!(words, words_by_wide_ranges(&l, letters).0, "{letters}");
        }
        let fuzzy = Lexicon::new(Fuzzy::ALL);
        for letters in ["zgr", "shenfenzheng", "lnr"] {
            let mut words: Vec<(String, usize)> = fuzzy
                .lookup(letters)
                .into_iter()
                .filter_map(|c| {
                    let n = c.text.chars().count();
                    (n >= 2).then_some((c.text, n))
                })
                .collect();
            words.sort();
            assert_eq!(words, words_by_wide_ranges(&fuzzy, letters).0, "{letters} (fuzzy)");
        }
    }

    #[test]
    fn full_pinyin_gives_the_phrase_first_then_shorter_words() {
        let l = Lexicon::new(Fuzzy::default());
        let c = l.lookup("laonianren");
        assert_eq!(c[0], Candidate { text: "老年人".into(), consumed: 10 });
        let lao_nian = c.iter().position(|c| c.text == "老年").expect("老年 offered");
        let lao = c.iter().position(|c| c.text == "老").expect("老 offered");
        assert!(lao_nian < lao);
        assert_eq!(c[lao].consumed, 3);
        assert_eq!(texts(&l, "beijing")[0], "北京");
    }

    #[test]
    fn abbreviations_find_phrases() {
        let l = Lexicon::new(Fuzzy::default());
        assert!(texts(&l, "bj")[..5].contains(&"北京".to_string()));
        let lnr = texts(&l, "lnr");
        assert!(lnr[..5].contains(&"老年人".to_string()), "{lnr:?}");
        assert!(texts(&l, "laonr").contains(&"老年人".to_string()));
    }

    #[test]
    fn single_letters_and_partial_syllables_offer_characters() {
        let l = Lexicon::new(Fuzzy::default());
        let b = texts(&l, "b");
        assert!(b.len() > 20 && b.contains(&"不".to_string()), "{b:?}");
        assert!(texts(&l, "zho").contains(&"中".to_string()));
    }

    #[test]
    fn only_simplified_characters_the_font_draws_are_offered() {
        let l = Lexicon::new(Fuzzy::default());
        let shi = texts(&l, "shi");
        assert!(shi.contains(&"时".to_string()));
        assert!(!shi.contains(&"時".to_string()), "traditional 時 filtered");
        assert!(drawable("老年人") && !drawable("時") && !drawable("a"));
    }

    #[test]
    fn the_kiosks_own_words_come_first() {
        let l = Lexicon::new(Fuzzy::default()).with_words(["老年人优待证办理（年审）", "临时救助"]);
        assert_eq!(l.own_words(), 3);
        assert_eq!(texts(&l, "lnrydzbl")[0], "老年人优待证办理", "not in the dictionary, from the catalogue");
        assert_eq!(texts(&l, "linshijiuzhu")[0], "临时救助");
        assert_eq!(texts(&l, "ns")[0], "年审");
    }

    #[test]
    fn fuzzy_pairs_widen_matches_when_on() {
        let strict = Lexicon::new(Fuzzy::default());
        let fuzzy = Lexicon::new(Fuzzy::ALL);
        assert!(!texts(&strict, "zongguo").contains(&"中国".to_string()));
        assert_eq!(texts(&fuzzy, "zongguo")[0], "中国");
        assert!(texts(&fuzzy, "nao").contains(&"老".to_string()));
        assert!(texts(&fuzzy, "xinfu").contains(&"幸福".to_string()));
    }

    #[test]
    fn any_input_is_safe() {
        let l = Lexicon::new(Fuzzy::ALL);
        for input in ["", "v", "vvv", "qqqqqqqqqqqqqqqqqqqq", "zhzhzhzhzhzh", "Abc", "老", "ii", "xiangxiangxiang"] {
            let _ = l.lookup(input);
        }
        assert!(l.lookup("v").is_empty());
    }
}
