//! The on-screen keyboard and its pinyin composer (`kiosk::ime::Keyboard`), driven by key sequences:
//! letters and digits are keys, control bytes are the other buttons.
#![no_main]

use std::collections::HashMap;
use std::rc::Rc;

use kiosk::ime::composer::{PageSize, MAX_LETTERS};
use kiosk::ime::keyboard::{apply, SEARCH_FIELD};
use kiosk::ime::{Edit, Fuzzy, Keyboard, Layout, Lexicon};
use libfuzzer_sys::fuzz_target;

thread_local! {
    /// As `KioskUi::new` builds it: the dictionary plus the catalogue's names and aliases; with the
    /// fuzzy pairs off (the default) and all on.
    static LEXICONS: [Rc<Lexicon>; 2] = {
        let catalog = kiosk::catalog::bundled();
        let words: Vec<&str> =
            catalog.items.iter().flat_map(|g| std::iter::once(&g.name).chain(&g.aliases)).map(String::as_str).collect();
        [Fuzzy::default(), Fuzzy::ALL].map(|f| Rc::new(Lexicon::new(f).with_words(words.iter().copied())))
    };
}

/// Key presses per input. A lookup reads a few thousand dictionary entries (0.1-0.2 s of CPU under
/// the fuzzer's instrumentation), and a field takes at most 32 letters: longer inputs only slow the
/// fuzzer down and end as timeouts.
const MAX_KEYS: usize = 24;

fuzz_target!(|data: &[u8]| {
    let Some((&first, keys)) = data.split_first() else { return };
    let keys = &keys[..keys.len().min(MAX_KEYS)];
    let lexicon = LEXICONS.with(|l| l[usize::from(first & 1)].clone());
    let mut kb = Keyboard::new(lexicon);
    let mut fields: HashMap<String, String> = HashMap::new();
    for &b in keys {
        // A key press on the keypad types digits only (switching layouts may flush letters as typed).
        let keypad = kb.layout() == Layout::Numeric && !(0x01..=0x14).contains(&b);
        let edits: Vec<Edit> = match b {
            0x01 => kb.backspace().into_iter().collect(),
            0x02 => vec![kb.clear()],
            0x03..=0x0A => kb.choose(usize::from(b - 0x03)).into_iter().collect(),
            0x0B => {
                kb.prev_page();
                vec![]
            }
            0x0C => {
                kb.next_page();
                vec![]
            }
            0x0E => kb.switch(Layout::Pinyin).into_iter().collect(),
            0x0F => kb.switch(Layout::Letters).into_iter().collect(),
            0x10 => kb.switch(Layout::Numeric).into_iter().collect(),
            0x11 => kb.done(),
            0x12 => {
                kb.focus("name", Layout::Pinyin);
                vec![]
            }
            0x13 => {
                kb.focus("phone", Layout::Numeric);
                vec![]
            }
            0x14 => {
                kb.reset();
                vec![]
            }
            _ => kb.key(&char::from(b).to_string()),
        };
        let field = fields.entry(kb.target().to_string()).or_default();
        for edit in &edits {
            if let Edit::Insert(s) = edit {
                assert!(!s.is_empty());
                if keypad {
                    assert!(s.bytes().all(|c| c.is_ascii_digit()), "the keypad typed {s:?}");
                }
            }
            apply(field, edit);
        }
        check(&kb);
    }
    kb.reset();
    assert_eq!(kb.target(), SEARCH_FIELD);
    assert!(!kb.composer().is_composing());
});

fn check(kb: &Keyboard) {
    let c = kb.composer();
    let letters = c.letters();
    assert!(letters.len() <= MAX_LETTERS);
    assert!(letters.bytes().all(|b| b.is_ascii_lowercase()));
    if kb.layout() != Layout::Pinyin {
        assert!(letters.is_empty(), "letters compose outside the pinyin layout");
    }
    if !c.is_composing() {
        assert!(c.candidates().is_empty() && c.page().is_empty());
    }
    let size = PageSize::default();
    let page = c.page();
    assert!(page.len() <= size.max);
    if page.len() > 1 {
        assert!(page.iter().map(|x| x.text.chars().count()).sum::<usize>() <= size.chars);
    }
    if !c.candidates().is_empty() {
        assert!(!page.is_empty(), "candidates but an empty page");
    }
    for cand in page {
        assert!(!cand.text.is_empty());
        assert!(cand.consumed <= letters.len() && cand.consumed > 0);
    }
}
