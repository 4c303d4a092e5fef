//! On-screen keyboard input, without any UI: pinyin composition with phrase candidates, and the
//! keyboard model that turns key presses into edits of whichever field has focus.
//!
//! - [`lexicon`]: the dictionary behind pinyin input. The phrase dictionary is `inputx-pinyin`'s
//!   embedded FST (414k readings, MIT/Apache-2.0 code; data from Unihan, jieba, pypinyin with
//!   corpus frequencies — see THIRD-PARTY notes in its crate), filtered to GB2312 characters (what the
//!   bundled font draws) and extended with the catalogue's own words. Full pinyin (`laonianren`),
//!   abbreviations (`bj`, `lnr`) and mixed input (`laonr`) all match; fuzzy syllable pairs are opt-in.
//! - [`composer`]: [`PinyinComposer`], the letters being composed, paged candidates, partial commit.
//! - [`keyboard`]: [`Keyboard`], the three layouts (拼音, 英文数字, 数字) and the field they edit.

pub mod composer;
pub mod keyboard;
pub mod lexicon;
mod syllables;

pub use composer::PinyinComposer;
pub use keyboard::{Edit, Keyboard, Layout};
pub use lexicon::{Candidate, Lexicon};
pub use syllables::Fuzzy;
