//! 找网格员: the grid directory (who is the grid worker of an address), address matching, and its
//! storage in the terminal's database. The kiosk screens are in src/ui/grid.rs; the CLI in src/cli/grid.rs.

pub mod contact;
pub mod matching;
pub mod model;
pub mod store;

pub use matching::{find, normalize, NoMatch};
pub use model::*;

/// The directory shipped inside the binary (the demo centre's); installed at first use.
pub const BUNDLED_JSON: &str = include_str!("../../assets/grid/directory.json");

/// Parses the bundled directory. Checked by unit tests, so a failure here is a build defect.
pub fn bundled() -> Directory {
    serde_json::from_str(BUNDLED_JSON).expect("assets/grid/directory.json is valid (src/grid/matching.rs tests)")
}
