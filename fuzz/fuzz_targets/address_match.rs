//! Address matching: `kiosk::grid::find` (and `normalize`) against the bundled directory, on any text.
#![no_main]

use kiosk::grid::{bundled, find, normalize, Directory};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static DIR: Directory = bundled();
}

fuzz_target!(|data: &[u8]| {
    let Ok(address) = std::str::from_utf8(data) else { return };
    let _ = normalize(address);
    DIR.with(|dir| match find(dir, address) {
        Ok(at) => {
            let g = dir.get(at).expect("a match names a grid of the directory");
            let _ = (g.label(), g.grid.workers.first().map(|w| kiosk::grid::contact::vcard(w, &g)));
        }
        Err(no) => {
            let _ = (no.reason(), no.kind());
        }
    });
});
