//! Catalogues as the hub sends them: the sync worker's `serde_json::from_slice::<CatalogFile>`, then
//! what the kiosk does with one: install it into its database, read it back, index and search it.
#![no_main]

use std::path::Path;

use kiosk::catalog::{Catalog, CatalogFile};
use kiosk::store::Store;
use kiosk::Lang;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = serde_json::from_slice::<CatalogFile>(data) else { return };

    // Installed (as `pull_catalog` does) and read back (as the next start does): the same catalogue.
    let mut store = Store::open(Path::new(":memory:")).expect("an in-memory store opens");
    let installed = store.install_catalog_if_newer(&file);
    assert!(matches!(installed, Ok(true)), "a catalogue that parsed does not install: {installed:?}");
    let loaded = store.load_catalog().expect("the installed catalogue reads back");
    assert_eq!(loaded.as_ref(), Some(&file));
    assert_eq!(store.catalog_version().ok().flatten(), Some(file.version));

    let catalog = Catalog::new(file.clone());
    let _ = catalog.frequent();
    for theme in &file.themes {
        let _ = catalog.in_theme(&theme.code);
        for lang in [Lang::Zh, Lang::En] {
            let _ = catalog.theme_name_in(&theme.code, lang);
        }
    }
    let mut queries: Vec<&str> = vec!["ldyd", "laonian", "优待", "", " ", "证"];
    for g in file.items.iter().take(8) {
        assert!(catalog.get(&g.code).is_some());
        queries.push(&g.name);
        queries.push(&g.code);
        queries.extend(g.aliases.iter().map(String::as_str));
        for lang in [Lang::Zh, Lang::En] {
            let _ = (g.name_in(lang), g.summary_in(lang));
        }
    }
    for q in queries {
        let hits = catalog.search(q, 10);
        assert!(hits.len() <= 10);
    }
});
