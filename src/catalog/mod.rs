//! Service guides (办事指南): the data model, the bundled catalogue, and search.

pub mod model;
pub mod search;

use std::collections::HashMap;

pub use model::*;
use search::Index;

use crate::Lang;

/// The catalogue shipped inside the binary; installed into the database at first start.
pub const BUNDLED_JSON: &str = include_str!("../../assets/catalog/catalog.json");

/// Parses the bundled catalogue. It is checked by tests, so failure here is a build defect.
pub fn bundled() -> CatalogFile {
    serde_json::from_str(BUNDLED_JSON).expect("assets/catalog/catalog.json is valid (tests/cli/catalog_data.rs)")
}

/// A loaded catalogue with its search index.
pub struct Catalog {
    file: CatalogFile,
    index: Index,
    by_code: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(file: CatalogFile) -> Self {
        let index = Index::new(search_items(&file.items));
        let by_code = file.items.iter().enumerate().map(|(i, g)| (g.code.clone(), i)).collect();
        Self { file, index, by_code }
    }

    pub fn version(&self) -> u64 {
        self.file.version
    }

    pub fn themes(&self) -> &[ThemeCategory] {
        &self.file.themes
    }

    pub fn items(&self) -> &[Guide] {
        &self.file.items
    }

    pub fn get(&self, code: &str) -> Option<&Guide> {
        self.by_code.get(code).map(|&i| &self.file.items[i])
    }

    pub fn theme_name(&self, code: &str) -> Option<&str> {
        self.file.themes.iter().find(|t| t.code == code).map(|t| t.name.as_str())
    }

    /// A theme's name in `lang` (the Chinese name when it has no English one).
    pub fn theme_name_in(&self, code: &str, lang: Lang) -> Option<&str> {
        self.file.themes.iter().find(|t| t.code == code).map(|t| t.name_in(lang))
    }

    /// Items in a theme category, 常办事项 first, then in catalogue order.
    pub fn in_theme(&self, theme: &str) -> Vec<&Guide> {
        let mut v: Vec<&Guide> = self.file.items.iter().filter(|g| g.themes.iter().any(|t| t == theme)).collect();
        v.sort_by_key(|g| !g.frequent);
        v
    }

    /// The 常办事项 list.
    pub fn frequent(&self) -> Vec<&Guide> {
        self.file.items.iter().filter(|g| g.frequent).collect()
    }

    /// Ranked matches for what a resident typed: best match kind, then earlier match, then 常办事项,
    /// then shorter names, then catalogue order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Guide> {
        self.index.search(query, limit).into_iter().map(|i| &self.file.items[i]).collect()
    }

    /// The items as the search index takes them: (code, name, aliases, 常办).
    pub fn search_items(&self) -> impl Iterator<Item = (&str, &str, &[String], bool)> {
        search_items(&self.file.items)
    }
}

fn search_items(items: &[Guide]) -> impl Iterator<Item = (&str, &str, &[String], bool)> {
    items.iter().map(|g| (g.code.as_str(), g.name.as_str(), g.aliases.as_slice(), g.frequent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_catalogue_finds_the_senior_card_first() {
        let c = Catalog::new(bundled());
        for q in ["ldyd", "laonian", "优待", "laonianren"] {
            let hits = c.search(q, 10);
            assert!(!hits.is_empty(), "{q}: no hits");
            assert!(hits[0].name.contains("老年人优待证"), "{q}: first hit is {}", hits[0].name);
        }
    }

    /// A catalogue of `n` items named from pieces of real item names (many shared syllables,
    /// 多音字 among them), with aliases and codes, for comparing the index with a full scan.
    fn generated(n: usize, seed: u64) -> Catalog {
        const PIECES: &[&str] = &[
            "老年人",
            "优待证",
            "高龄",
            "津贴",
            "申领",
            "长期",
            "护理",
            "重度",
            "残疾人",
            "医疗",
            "保险",
            "城乡居民",
            "养老",
            "失业",
            "登记",
            "行政",
            "证明",
            "银行",
            "参保",
            "暂住",
            "重庆",
            "朝阳",
            "乐龄",
            "A类",
            "2号",
            "（年审）",
            "、",
            "一件事",
        ];
        let base = bundled();
        let mut rng = seed | 1;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut pick = || PIECES[(next() % PIECES.len() as u64) as usize];
        let mut file = base.clone();
        file.items = (0..n)
            .map(|i| {
                let mut g = base.items[i % base.items.len()].clone();
                let parts = 1 + i % 4;
                g.name = (0..parts).map(|_| pick()).collect();
                g.code = format!("{}{:04}", &g.code[..2], i);
                g.aliases = match i % 5 {
                    0 => vec![pick().to_string(), "ldyd".into()],
                    1 => vec![format!("{}{}", pick(), pick())],
                    _ => Vec::new(),
                };
                g.frequent = i % 7 == 0;
                g
            })
            .collect();
        Catalog::new(file)
    }

    fn codes(hits: Vec<&Guide>) -> Vec<&str> {
        hits.into_iter().map(|g| g.code.as_str()).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// The index finds what a scan of every item finds, in the same order, for queries made of
        /// pieces of real pinyin (whole syllables, initials, a syllable cut short), random letters,
        /// Chinese fragments and code prefixes.
        #[test]
        fn the_index_ranks_exactly_like_a_full_scan(
            seed in proptest::prelude::any::<u64>(),
            pieces in proptest::collection::vec(0usize..40, 1..6),
            shape in 0u8..6,
            limit in proptest::prop_oneof![proptest::prelude::Just(1usize), proptest::prelude::Just(30), proptest::prelude::Just(10_000)],
        ) {
            const SYLLABLES: &[&str] = &[
                "lao", "nian", "ren", "you", "dai", "zheng", "gao", "ling", "jin", "tie", "shen", "chang",
                "zhang", "qi", "hu", "li", "zhong", "chong", "can", "ji", "yi", "liao", "bao", "xian",
                "cheng", "xiang", "ju", "min", "yang", "shi", "ye", "deng", "xing", "hang", "zan", "zhu",
                "le", "yue", "a", "2",
            ];
            let c = generated(300, seed);
            let scan = search::reference::Scan::new(c.search_items());
            let q: String = match shape {
                // Whole syllables.
                0 => pieces.iter().map(|&i| SYLLABLES[i]).collect(),
                // Initials, zh/ch/sh in full or not.
                1 => pieces.iter().map(|&i| &SYLLABLES[i][..1 + (seed as usize + i) % 2 * usize::from(SYLLABLES[i].len() > 2)]).collect(),
                // Whole syllables, the last one cut short.
                2 => {
                    let mut q: String = pieces.iter().map(|&i| SYLLABLES[i]).collect();
                    q.truncate(q.len() - (seed % 3) as usize % q.len());
                    q
                }
                // Random letters.
                3 => pieces.iter().map(|&i| char::from(b'a' + ((i as u64 * 7 + seed) % 26) as u8)).collect(),
                // A Chinese fragment of some item's name.
                4 => {
                    let name: Vec<char> = c.items()[pieces[0] % 300].name.chars().collect();
                    let from = pieces.get(1).copied().unwrap_or(0) % name.len();
                    name[from..(from + pieces.len()).min(name.len())].iter().collect()
                }
                // A code prefix, in any case.
                _ => c.items()[pieces[0] * 7 % 300].code[..pieces.len().min(6)].to_lowercase(),
            };
            let by_scan: Vec<&Guide> = scan.search(&q, limit).into_iter().map(|i| &c.items()[i]).collect();
            proptest::prop_assert_eq!(codes(c.search(&q, limit)), codes(by_scan), "query {:?}", q);
        }
    }

    #[test]
    fn names_in_english_fall_back_to_chinese() {
        let c = Catalog::new(bundled());
        let g = c.get("LL0001").unwrap();
        assert_eq!(g.name_in(Lang::Zh), "老年人优待证办理（年审）");
        assert_eq!(g.name_in(Lang::En), "Senior Citizen Card (annual review)");
        assert!(g.summary_in(Lang::Zh).is_none());
        assert!(g.summary_in(Lang::En).is_some_and(|s| s.contains("60")));
        assert_eq!(c.theme_name_in("elderly", Lang::Zh), Some("老年人"));
        assert_eq!(c.theme_name_in("elderly", Lang::En), Some("Senior Citizens"));
        assert_eq!(c.theme_name_in("nope", Lang::En), None);

        // An older catalogue, without English: it loads, and English shows the Chinese.
        let old: CatalogFile = serde_json::from_str(
            r#"{"version":1,"published":"2026-11-01","themes":[{"code":"elderly","name":"老年人"}],"items":[]}"#,
        )
        .unwrap();
        let mut blank = g.clone();
        (blank.name_en, blank.summary_en) = (Some(" ".into()), None);
        assert_eq!(old.themes[0].name_in(Lang::En), "老年人");
        assert_eq!(blank.name_in(Lang::En), "老年人优待证办理（年审）");
        assert!(blank.summary_in(Lang::En).is_none());
        // Written back without the keys it did not have.
        assert!(!serde_json::to_string(&old).unwrap().contains("name_en"));
    }

    #[test]
    fn every_theme_lists_items_with_frequent_ones_first() {
        let c = Catalog::new(bundled());
        for t in c.themes() {
            let items = c.in_theme(&t.code);
            assert!(!items.is_empty(), "theme {} is empty", t.name);
            let first_rare = items.iter().position(|g| !g.frequent).unwrap_or(items.len());
            assert!(items[first_rare..].iter().all(|g| !g.frequent), "theme {}", t.name);
        }
    }
}
