//! The card's 256-byte text block: `kiosk::devices::idcard::card::decode_text`, and back through
//! `encode_text` (the simulator's encoder) and the `--json` form.
#![no_main]

use kiosk::devices::idcard::card::{card_type_of, decode_text, encode_text, Card};
use kiosk::devices::idcard::protocol::TEXT_LEN;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut text = [0x20u8; TEXT_LEN];
    let n = data.len().min(TEXT_LEN);
    text[..n].copy_from_slice(&data[..n]);
    // Bytes past the block pick the day the card is read.
    let day =
        data.get(TEXT_LEN..TEXT_LEN + 2).map_or(0, |b| u16::from_le_bytes([b[0], b.get(1).copied().unwrap_or(0)]));
    let today = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(u64::from(day));

    let _ = card_type_of(&text);
    let Ok(card) = decode_text(&text, today) else { return };
    let _ = (card.masked_name(), card.masked_id_number(), format!("{card:?}"));
    let _ = (card.age_on(today), card.is_expired_on(today));

    // `kiosk device read-card --json` and back.
    let json = serde_json::to_string(&card).expect("a card serializes");
    let back: Card = serde_json::from_str(&json).expect("a card's JSON reads back");
    assert_eq!(back, card);

    // What decodes, encodes (when it fits) and decodes to the same card.
    if let Ok(encoded) = encode_text(&card) {
        let again = decode_text(&encoded, today).expect("an encoded card decodes");
        assert_eq!(again, card, "decode(encode(card)) differs");
    }
});
