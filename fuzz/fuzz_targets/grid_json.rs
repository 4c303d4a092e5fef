//! Grid directories: `serde_json` into `kiosk::grid::Directory` (as `grid::bundled` reads one),
//! `Directory::validate`, the database install and load (src/grid/store.rs), and matching on it.
#![no_main]

use std::path::Path;

use kiosk::grid::{find, store, Directory};
use kiosk::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = serde_json::from_slice::<Directory>(data) else { return };
    if let Err(e) = dir.validate() {
        let _ = e.to_string();
        return;
    }

    // A valid directory is stored and read back: every grid in the same order, under the same street
    // and community.
    let mut db = Store::open(Path::new(":memory:")).expect("an in-memory store opens");
    let installed = store::install_if_newer(&mut db, &dir);
    assert!(matches!(installed, Ok(true)), "a valid directory does not install: {installed:?}");
    let loaded = store::load(&db).expect("the installed directory reads back").expect("a directory is installed");
    let flat = |d: &Directory| -> Vec<(String, String, kiosk::grid::Grid)> {
        d.grids().map(|g| (g.street.name.clone(), g.community.name.clone(), g.grid.clone())).collect()
    };
    assert_eq!(flat(&loaded), flat(&dir));
    assert_eq!(
        (&loaded.version, &loaded.published, &loaded.province, &loaded.city, &loaded.district),
        (&dir.version, &dir.published, &dir.province, &dir.city, &dir.district)
    );

    // Addresses made of the directory's own names find a grid or say why not, without panicking.
    for g in dir.grids().take(16) {
        let _ = (g.label(), format!("{:?}", g.at));
        for w in &g.grid.workers {
            let _ = kiosk::grid::contact::vcard(w, &g);
        }
        for p in &g.grid.covers {
            let _ = p.describe();
            let place = match (&p.road, p.numbers, &p.compound) {
                (Some(road), Some([a, _]), _) => format!("{road}{a}号"),
                (_, _, Some(compound)) => compound.clone(),
                _ => continue,
            };
            let address = format!("{}{}{}{}{}", dir.city, dir.district, g.street.name, g.community.name, place);
            if let Ok(at) = find(&dir, &address) {
                assert!(dir.get(at).is_some());
            }
        }
    }
});
