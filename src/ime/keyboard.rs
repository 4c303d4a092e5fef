//! The on-screen keyboard as data: which layout shows, which field it edits, and what each key does
//! to that field. The UI renders it (ui/components/keyboard.slint); src/ui.rs applies the edits.

use std::rc::Rc;

use super::composer::{PageSize, PinyinComposer};
use super::lexicon::Lexicon;

/// The three layouts of the one keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// 拼音: letters compose Chinese, chosen from candidates.
    Pinyin,
    /// 英文数字: letters and digits as they are (search codes, pinyin initials).
    Letters,
    /// 数字: a large keypad for phone numbers, amounts and codes.
    Numeric,
}

/// A change to the field being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Append text.
    Insert(String),
    /// Delete the last character.
    DeleteLast,
    /// Empty the field.
    Clear,
    /// The resident is done with this field.
    Done,
}

/// The field a keyboard edits when none has asked for it: the guide search.
pub const SEARCH_FIELD: &str = "guide-search";

/// The keyboard's state. Key presses return the edits to apply to the field named by [`Self::target`].
pub struct Keyboard {
    target: String,
    layout: Layout,
    /// Whether the 中文 / 英文数字 keys show (not for a field that takes digits only).
    can_switch: bool,
    composer: PinyinComposer,
}

impl Keyboard {
    pub fn new(lexicon: Rc<Lexicon>) -> Self {
        Self {
            target: SEARCH_FIELD.into(),
            layout: Layout::Pinyin,
            can_switch: true,
            composer: PinyinComposer::new(lexicon, PageSize::default()),
        }
    }

    /// A field takes the keyboard: free text fields start in pinyin and may switch; a numeric field
    /// (phone, amount, code) gets the keypad only. Letters composing for the old field are dropped.
    pub fn focus(&mut self, target: &str, layout: Layout) {
        self.target = target.to_string();
        self.layout = layout;
        self.can_switch = layout != Layout::Numeric;
        self.composer.clear();
    }

    /// Back to the search field in pinyin, nothing composing (a new session).
    pub fn reset(&mut self) {
        self.focus(SEARCH_FIELD, Layout::Pinyin);
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    pub fn can_switch(&self) -> bool {
        self.can_switch
    }

    pub fn composer(&self) -> &PinyinComposer {
        &self.composer
    }

    /// A key with a letter or digit on it.
    pub fn key(&mut self, key: &str) -> Vec<Edit> {
        let mut out = Vec::new();
        for c in key.chars() {
            match self.layout {
                Layout::Pinyin if c.is_ascii_alphabetic() => {
                    self.composer.push(c);
                }
                Layout::Numeric if !c.is_ascii_digit() => {}
                _ if c.is_ascii_alphanumeric() => {
                    out.extend(self.flush());
                    out.push(Edit::Insert(c.to_ascii_lowercase().to_string()));
                }
                _ => {}
            }
        }
        out
    }

    /// 删除: the last composing letter if any, else the field's last character.
    pub fn backspace(&mut self) -> Option<Edit> {
        if self.composer.backspace() {
            None
        } else {
            Some(Edit::DeleteLast)
        }
    }

    /// 清空: the letters and the field.
    pub fn clear(&mut self) -> Edit {
        self.composer.clear();
        Edit::Clear
    }

    /// A candidate on the current page.
    pub fn choose(&mut self, index: usize) -> Option<Edit> {
        self.composer.choose(index).map(Edit::Insert)
    }

    pub fn prev_page(&mut self) {
        self.composer.prev_page();
    }

    pub fn next_page(&mut self) {
        self.composer.next_page();
    }

    /// 中文 / 英文数字 (and, where switching is allowed, 数字). Letters still composing go into the
    /// field as typed.
    pub fn switch(&mut self, layout: Layout) -> Option<Edit> {
        if !self.can_switch || layout == self.layout {
            return None;
        }
        self.layout = layout;
        self.flush()
    }

    /// 完成: letters still composing go into the field as typed, then the field is done.
    pub fn done(&mut self) -> Vec<Edit> {
        self.flush().into_iter().chain([Edit::Done]).collect()
    }

    fn flush(&mut self) -> Option<Edit> {
        Some(self.composer.take_letters()).filter(|s| !s.is_empty()).map(Edit::Insert)
    }
}

/// Applies an edit to a field's text.
pub fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Insert(s) => text.push_str(s),
        Edit::DeleteLast => {
            text.pop();
        }
        Edit::Clear => text.clear(),
        Edit::Done => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ime::Fuzzy;

    fn keyboard() -> Keyboard {
        Keyboard::new(Rc::new(Lexicon::new(Fuzzy::default())))
    }

    fn run(field: &mut String, edits: impl IntoIterator<Item = Edit>) {
        for e in edits {
            apply(field, &e);
        }
    }

    #[test]
    fn pinyin_keys_compose_and_a_choice_goes_into_the_field() {
        let mut k = keyboard();
        let mut field = String::new();
        for key in ["L", "A", "O", "N", "I", "A", "N", "R", "E", "N"] {
            assert!(k.key(key).is_empty(), "letters compose, the field is untouched");
        }
        assert_eq!(k.composer().letters(), "laonianren");
        let e = k.choose(0).unwrap();
        run(&mut field, [e]);
        assert_eq!(field, "老年人");
    }

    #[test]
    fn delete_works_while_composing_and_after() {
        let mut k = keyboard();
        let mut field = "老".to_string();
        k.key("n");
        k.key("i");
        assert_eq!(k.backspace(), None);
        assert_eq!(k.composer().letters(), "n");
        assert_eq!(k.backspace(), None);
        let e = k.backspace().unwrap();
        run(&mut field, [e]);
        assert_eq!(field, "");
    }

    #[test]
    fn letters_layout_types_as_is_and_switching_flushes_composing_letters() {
        let mut k = keyboard();
        let mut field = String::new();
        k.key("l");
        k.key("d");
        let e = k.switch(Layout::Letters);
        assert_eq!(e, Some(Edit::Insert("ld".into())));
        run(&mut field, e);
        let e = k.key("Y");
        run(&mut field, e);
        let e = k.key("1");
        run(&mut field, e);
        assert_eq!(field, "ldy1");
        assert_eq!(k.switch(Layout::Letters), None);
    }

    #[test]
    fn a_numeric_field_gets_digits_only_and_cannot_switch() {
        let mut k = keyboard();
        k.focus("phone", Layout::Numeric);
        assert_eq!(k.target(), "phone");
        assert!(!k.can_switch());
        let mut field = String::new();
        for key in ["1", "3", "x", "8", "中"] {
            let e = k.key(key);
            run(&mut field, e);
        }
        assert_eq!(field, "138");
        assert_eq!(k.switch(Layout::Pinyin), None);
        assert_eq!(k.layout(), Layout::Numeric);
        k.reset();
        assert_eq!((k.target(), k.layout()), (SEARCH_FIELD, Layout::Pinyin));
    }

    #[test]
    fn done_keeps_unconverted_letters() {
        let mut k = keyboard();
        k.key("ldyd");
        assert_eq!(k.done(), vec![Edit::Insert("ldyd".into()), Edit::Done]);
        assert_eq!(k.done(), vec![Edit::Done]);
        assert_eq!(k.clear(), Edit::Clear);
    }
}
