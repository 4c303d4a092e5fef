//! Service guides (办事指南): the data model, the bundled catalogue, and search.

pub mod model;
pub mod search;

use std::collections::HashMap;

pub use model::*;
use search::{Entry, Score};

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
    index: Vec<Entry>,
    by_code: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(file: CatalogFile) -> Self {
        let index = file.items.iter().map(|g| Entry::new(&g.code, &g.name, &g.aliases)).collect();
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
        let q = search::normalise(query);
        let mut hits: Vec<(Score, bool, usize, usize)> = self
            .index
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let g = &self.file.items[i];
                e.score(&q).map(|s| (s, !g.frequent, g.name.chars().count(), i))
            })
            .collect();
        hits.sort_unstable();
        hits.into_iter().take(limit).map(|(.., i)| &self.file.items[i]).collect()
    }
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
