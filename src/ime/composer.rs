//! The letters being composed into Chinese and the candidates for them, a page at a time.

use std::rc::Rc;

use super::lexicon::{Candidate, Lexicon};

/// Letters beyond this are ignored: nobody types a sentence at once, and lookups stay fast.
pub const MAX_LETTERS: usize = 32;

/// How many candidates fit a page: at most `max` buttons and `chars` characters in all, so that long
/// phrases get fewer, wider buttons (at least one candidate per page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    pub max: usize,
    pub chars: usize,
}

impl Default for PageSize {
    /// Fits a 1080 px wide portrait screen at elder sizes.
    fn default() -> Self {
        Self { max: 6, chars: 12 }
    }
}

/// Pinyin composition: type letters, choose a candidate; what a candidate does not cover keeps
/// composing.
pub struct PinyinComposer {
    lexicon: Rc<Lexicon>,
    letters: String,
    candidates: Vec<Candidate>,
    /// Index of the first candidate of each page.
    pages: Vec<usize>,
    page: usize,
    size: PageSize,
}

impl PinyinComposer {
    pub fn new(lexicon: Rc<Lexicon>, size: PageSize) -> Self {
        Self { lexicon, letters: String::new(), candidates: Vec::new(), pages: Vec::new(), page: 0, size }
    }

    /// The letters being composed (lower case).
    pub fn letters(&self) -> &str {
        &self.letters
    }

    pub fn is_composing(&self) -> bool {
        !self.letters.is_empty()
    }

    /// Adds a letter (either case); anything else, or a letter past [`MAX_LETTERS`], is ignored.
    /// Returns whether it was taken.
    pub fn push(&mut self, c: char) -> bool {
        if !c.is_ascii_alphabetic() || self.letters.len() >= MAX_LETTERS {
            return false;
        }
        self.letters.push(c.to_ascii_lowercase());
        self.refresh();
        true
    }

    /// Removes the last letter; false when nothing was composing (then the field's text is deleted).
    pub fn backspace(&mut self) -> bool {
        if self.letters.pop().is_none() {
            return false;
        }
        self.refresh();
        true
    }

    /// Drops the letters.
    pub fn clear(&mut self) {
        self.letters.clear();
        self.refresh();
    }

    /// Takes the letters as typed (e.g. on 完成, so `ldyd` can still be searched as letters).
    pub fn take_letters(&mut self) -> String {
        let out = std::mem::take(&mut self.letters);
        self.refresh();
        out
    }

    /// Chooses the `index`th candidate of the current page: returns its text and keeps the letters it
    /// does not stand for composing. `None` (and no change) for an index off the page.
    pub fn choose(&mut self, index: usize) -> Option<String> {
        let start = *self.pages.get(self.page)?;
        let end = self.pages.get(self.page + 1).copied().unwrap_or(self.candidates.len());
        let i = start.checked_add(index).filter(|&i| i < end)?;
        let c = self.candidates.get(i)?.clone();
        self.letters = self.letters.get(c.consumed..).unwrap_or_default().to_string();
        self.refresh();
        Some(c.text)
    }

    /// The candidates on the current page.
    pub fn page(&self) -> &[Candidate] {
        let Some(&start) = self.pages.get(self.page) else { return &[] };
        let end = self.pages.get(self.page + 1).copied().unwrap_or(self.candidates.len());
        &self.candidates[start..end]
    }

    /// All candidates for the letters, best first.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    pub fn has_prev(&self) -> bool {
        self.page > 0
    }

    pub fn has_next(&self) -> bool {
        self.page + 1 < self.pages.len()
    }

    pub fn prev_page(&mut self) {
        self.page = self.page.saturating_sub(1);
    }

    pub fn next_page(&mut self) {
        if self.has_next() {
            self.page += 1;
        }
    }

    fn refresh(&mut self) {
        self.candidates = if self.letters.is_empty() { Vec::new() } else { self.lexicon.lookup(&self.letters) };
        self.page = 0;
        self.pages.clear();
        let (mut count, mut chars) = (0, 0);
        for (i, c) in self.candidates.iter().enumerate() {
            let n = c.text.chars().count();
            if i == 0 || count == self.size.max || chars + n > self.size.chars {
                self.pages.push(i);
                (count, chars) = (0, 0);
            }
            count += 1;
            chars += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ime::Fuzzy;

    fn composer() -> PinyinComposer {
        PinyinComposer::new(Rc::new(Lexicon::new(Fuzzy::default())), PageSize::default())
    }

    fn typed(letters: &str) -> PinyinComposer {
        let mut c = composer();
        for ch in letters.chars() {
            c.push(ch);
        }
        c
    }

    #[test]
    fn choosing_the_whole_phrase_ends_composing() {
        let mut c = typed("laonianren");
        assert_eq!(c.letters(), "laonianren");
        assert_eq!(c.page()[0].text, "老年人");
        assert_eq!(c.choose(0).as_deref(), Some("老年人"));
        assert!(!c.is_composing());
        assert!(c.page().is_empty());
    }

    #[test]
    fn choosing_a_shorter_word_keeps_the_rest_composing() {
        let mut c = typed("laonianren");
        let lao = c.candidates().iter().position(|x| x.text == "老").unwrap();
        while c.page().iter().all(|x| x.text != "老") {
            assert!(c.has_next(), "老 is on some page");
            c.next_page();
        }
        let on_page = c.page().iter().position(|x| x.text == "老").unwrap();
        assert!(lao >= on_page);
        assert_eq!(c.choose(on_page).as_deref(), Some("老"));
        assert_eq!(c.letters(), "nianren");
        assert_eq!(c.page()[0].consumed, 7, "the best candidate stands for all of nianren");
        assert!(!c.has_prev(), "a new lookup starts on its first page");
    }

    #[test]
    fn pages_hold_a_few_candidates_and_turn_both_ways() {
        let mut c = typed("shi");
        let first = c.page().to_vec();
        assert!(!first.is_empty() && first.len() <= 6);
        assert!(!c.has_prev() && c.has_next());
        c.next_page();
        assert!(c.has_prev());
        assert_ne!(c.page(), &first[..]);
        c.prev_page();
        assert_eq!(c.page(), &first[..]);
        c.prev_page();
        assert_eq!(c.page(), &first[..], "上一页 on the first page stays");
        let chars: usize = first.iter().map(|x| x.text.chars().count()).sum();
        assert!(chars <= 12);
        while c.has_next() {
            c.next_page();
        }
        let last = c.page().to_vec();
        c.next_page();
        assert_eq!(c.page(), &last[..], "下一页 on the last page stays");
    }

    #[test]
    fn backspace_edits_the_letters_and_says_when_there_were_none() {
        let mut c = typed("bjx");
        assert!(c.backspace());
        assert_eq!(c.letters(), "bj");
        assert!(c.page().iter().any(|x| x.text == "北京"));
        assert!(c.backspace() && c.backspace());
        assert!(!c.backspace(), "nothing composing: the field's text is deleted instead");
        assert!(c.page().is_empty());
    }

    #[test]
    fn letters_only_and_bounded() {
        let mut c = composer();
        assert!(!c.push('1') && !c.push('中') && !c.push(' '));
        assert!(c.push('B'));
        assert_eq!(c.letters(), "b");
        for _ in 0..100 {
            c.push('a');
        }
        assert_eq!(c.letters().len(), MAX_LETTERS);
        assert_eq!(c.take_letters().len(), MAX_LETTERS);
        assert!(!c.is_composing());
    }

    #[test]
    fn a_choice_off_the_page_changes_nothing() {
        let mut c = typed("bj");
        assert_eq!(c.choose(99), None);
        assert_eq!(c.letters(), "bj");
        let mut empty = composer();
        assert_eq!(empty.choose(0), None);
    }
}
