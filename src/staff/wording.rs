//! Configuration problems and bundle changes worded in Chinese for the staff screens, keeping the
//! file, the key names and the values exactly as written (a technician looks for them in the file).
//!
//! The English wording (`kiosk config check`, `kiosk provision`) stays the technician's on the
//! command line. This module reads that English text, so it works whatever type carries it; once
//! `ConfigError` words its own problems in Chinese, [`config_error`] should call that instead.

use crate::config::ConfigError;

/// `/media/usb/move.toml：printer.port：应为设备路径，例如 "/dev/ttyUSB0"，实际为 "COM3"`.
pub fn config_error(e: &ConfigError) -> String {
    let mut out = format!("{}：", e.file.display());
    if !e.key.is_empty() {
        out.push_str(&e.key);
        out.push('：');
    }
    out.push_str(&problem(&e.problem.to_string()));
    out
}

/// One problem (as `ConfigError` words it in English) in Chinese. Values, keys and examples are
/// kept as written; anything not recognised is kept whole in brackets, so that nothing is lost.
pub fn problem(english: &str) -> String {
    let (text, line) = split_line(english);
    let mut out = sentence(text);
    if let Some(line) = line {
        out.push_str(&format!("（第 {line} 行）"));
    }
    out
}

/// A line of `validated.changes` ("key: old → new", "key changed", …) for the confirmation screen.
pub fn change(english: &str) -> String {
    if let Some(key) = english.strip_suffix(" given (not stored)") {
        return format!("{key}：已提供（不写入配置）");
    }
    if let Some(key) = english.strip_suffix(" changed") {
        return format!("{key}：将更改（内容不显示）");
    }
    match english.split_once(": ") {
        Some((key, values)) => format!("{key}：{}", values.replace("(unset)", "（未设置）")),
        None => english.to_string(),
    }
}

/// "… (line 5)" → ("…", Some(5)).
fn split_line(s: &str) -> (&str, Option<usize>) {
    if let Some(open) = s.rfind(" (line ") {
        if let Some(n) = s[open + 7..].strip_suffix(')').and_then(|n| n.parse().ok()) {
            return (&s[..open], Some(n));
        }
    }
    (s, None)
}

fn sentence(s: &str) -> String {
    const URL: &str = "expected an http(s) address such as \"https://hub.example.gov.cn\", found ";
    const URL_ZH: &str = "应为 http 或 https 地址，例如 \"https://hub.example.gov.cn\"";
    let after = |prefix: &str| s.strip_prefix(prefix);
    // Fixed sentences.
    let fixed = match s {
        "must not be empty" => Some("不能为空"),
        "expected letters, digits and '-' only (e.g. \"SF-QST-01\")" => {
            Some("只能包含字母、数字和“-”（例如 \"SF-QST-01\"）")
        }
        "expected at least 20 seconds, so a resident has time to answer" => Some("至少应为 20 秒，让居民有时间回应"),
        "expected a table: [hub] with url and enrolment_code" => Some("应为表格 [hub]，含 url 和 enrolment_code"),
        "not a hub key; expected url or enrolment_code" => Some("不是 [hub] 的配置项；只能是 url 或 enrolment_code"),
        "expected 4 to 16 digits, as text" => Some("应为 4 到 16 位数字，写成文字（加引号）"),
        "a bundle sets only staff.pin_hash" => Some("配置包只能设置 staff.pin_hash"),
        "missing field" => Some("缺少此项（必须填写）"),
        _ => None,
    };
    if let Some(f) = fixed {
        return f.to_string();
    }
    if let Some(e) = after("cannot read the file: ") {
        return format!("无法读取文件（{e}）");
    }
    if let Some(e) = after("not valid TOML: ") {
        return format!("不是有效的 TOML 文件（{e}）");
    }
    if let Some(e) = after("the terminal's current config is not valid TOML: ") {
        return format!("本终端当前的配置文件不是有效的 TOML（{e}）");
    }
    if let Some(e) = after("cannot write the merged config: ") {
        return format!("无法生成合并后的配置（{e}）");
    }
    if let Some(example) = after("must not be empty (e.g. ").and_then(|r| r.strip_suffix(')')) {
        return format!("不能为空（例如 {example}）");
    }
    if let Some(n) = after("expected a whole number of seconds, at least ") {
        return format!("应为整数秒数，至少 {n}");
    }
    if let Some(n) = after("expected a whole number of milliseconds, at least ") {
        return format!("应为整数毫秒数，至少 {n}");
    }
    if let Some(found) = after("expected an http:// or https:// address, found ") {
        return format!("应为 http:// 或 https:// 开头的地址，实际为 {found}");
    }
    if after("required when hub.url is set").is_some() {
        return "设置了 hub.url 时必须填写（`kiosk-hub terminals add` 输出的令牌）".into();
    }
    if let Some(mm) = after("expected 58 or 80 (millimetres), found ") {
        return format!("应为 58 或 80（毫米），实际为 {mm}");
    }
    if let Some(example) = after("required when kind = \"serial\" (e.g. ").and_then(|r| r.strip_suffix(')')) {
        return format!("kind = \"serial\" 时必须填写（例如 {example}）");
    }
    if let Some(found) = after("expected a device path such as \"/dev/ttyUSB0\", found ") {
        return format!("应为设备路径，例如 \"/dev/ttyUSB0\"，实际为 {found}");
    }
    if let Some(found) = after("expected an argon2id PHC string from `kiosk staff hash-pin` ($argon2id$v=19$…), found ")
    {
        let what = if found == "a malformed hash" { "格式有误的哈希" } else { "不是哈希的内容" };
        return format!("应为 `kiosk staff hash-pin` 生成的 argon2id 哈希（$argon2id$v=19$…），实际为{what}");
    }
    if let Some(allowed) = after("not a bundle key; expected one of ") {
        return format!("配置包不能设置此项；可设置的有 {allowed}");
    }
    if let Some(example) = after("required, e.g. ") {
        return format!("必须填写，例如 {example}");
    }
    if let Some(example) = after("expected text, e.g. ") {
        return format!("应为文字（加引号），例如 {example}");
    }
    if let Some(found) = after(URL) {
        if let Some(scheme) = found.strip_prefix("scheme ") {
            return format!("{URL_ZH}，实际协议为 {scheme}");
        }
        if let Some(url) = found.strip_prefix("no host in ") {
            return format!("{URL_ZH}，{url} 中没有主机名");
        }
        return match found.split_once(" (") {
            Some((url, why)) => format!("{URL_ZH}，实际为 {url}（{}）", why.trim_end_matches(')')),
            None => format!("{URL_ZH}，实际为 {found}"),
        };
    }
    if let Some(key) = after("expected at least ") {
        return format!("不能小于 {key}");
    }
    serde_sentence(s).unwrap_or_else(|| format!("格式有误（{s}）"))
}

/// serde's and toml's messages (unknown or missing keys, wrong types, unknown values).
fn serde_sentence(s: &str) -> Option<String> {
    if s.starts_with("unknown field `") {
        return Some(match s.split_once(", expected ") {
            Some((_, expected)) => format!("不是可用的配置项（可用的有：{}）", expected.trim_start_matches("one of ")),
            None => "不是可用的配置项".into(),
        });
    }
    if s.starts_with("missing field `") {
        return Some("缺少此项（必须填写）".into());
    }
    if let Some(rest) = s.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once("`, expected ")?;
        let expected = expected.trim_start_matches("one of ").replace(" or ", " 或 ");
        return Some(format!("取值 \"{value}\" 无效，应为 {expected}"));
    }
    if let Some(rest) = s.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!("类型不对：应为{}，实际为{}", kind(expected), kind(found)));
    }
    None
}

/// "a whole number", "a string", `string "ninety"` … in Chinese.
fn kind(k: &str) -> String {
    let k = k.trim();
    for (en, zh) in [("string ", "文字 "), ("integer ", "整数 "), ("boolean ", "是非值 "), ("float ", "小数 ")]
    {
        if let Some(v) = k.strip_prefix(en) {
            return format!("{zh}{v}");
        }
    }
    match k {
        "a whole number" | "an integer" | "i64" => "整数".into(),
        "a string" | "string" => "文字（加引号）".into(),
        "a boolean" | "bool" => "true 或 false".into(),
        "a sequence" | "an array" | "array" => "列表 [...]".into(),
        "a table" | "a map" | "table" | "map" => "表格".into(),
        "a float" | "float" => "数字".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn has_english_words(s: &str) -> bool {
        ["expected", "found", "required", "not a", "must", "cannot", "invalid", "unknown"].iter().any(|w| s.contains(w))
    }

    #[test]
    fn every_bundle_and_config_problem_is_worded_in_chinese_with_its_keys() {
        let current = "terminal_id = \"SF-QST-01\"\ncentre_name = \"清水塘\"\ndata_dir = \"data\"\n";
        let bundle = "data_dir = \"/tmp/x\"\nterminal_id = \"\"\n[idle]\ntimeout_secs = \"long\"\nwarning_secs = 5\n\
                      [printer]\npaper = 57\nkind = \"serial\"\nport = \"COM3\"\nqr_mode = \"fancy\"\n\
                      [scanner]\nspeed = 3\n[hub]\nurl = \"htp:/hub example\"\nenrolment_code = \"12\"\nextra = 1\n\
                      [staff]\npin_hash = \"246810\"\nbundle_dir = \"/\"\n";
        let errors = crate::staff::bundle::validate(bundle, Path::new("/media/usb/bad.toml"), current).unwrap_err();
        assert!(errors.len() >= 8, "{errors:#?}");
        for e in &errors {
            let zh = config_error(e);
            assert!(zh.starts_with("/media/usb/bad.toml："), "{zh}");
            assert!(zh.contains(&e.key), "the key stays as written: {zh}");
            assert!(!has_english_words(&zh), "{zh} (from {e})");
            assert!(!zh.contains("246810"), "never echo a PIN-like value: {zh}");
        }
        let port = errors.iter().find(|e| e.key == "printer.port").map(config_error).unwrap();
        assert_eq!(port, "/media/usb/bad.toml：printer.port：应为设备路径，例如 \"/dev/ttyUSB0\"，实际为 \"COM3\"");
        let bad_toml = crate::staff::bundle::validate("centre_name = ", Path::new("b.toml"), current).unwrap_err();
        assert!(config_error(&bad_toml[0]).contains("不是有效的 TOML 文件"), "{}", config_error(&bad_toml[0]));
    }

    #[test]
    fn line_numbers_and_unknown_sentences_are_kept() {
        assert_eq!(
            problem("expected 58 or 80 (millimetres), found 57 (line 4)"),
            "应为 58 或 80（毫米），实际为 57（第 4 行）"
        );
        assert_eq!(problem("something new"), "格式有误（something new）");
    }

    #[test]
    fn changes_keep_keys_and_values_and_hide_secrets() {
        assert_eq!(change("terminal_id: \"SF-QST-01\" → \"SF-HTL-03\""), "terminal_id：\"SF-QST-01\" → \"SF-HTL-03\"");
        assert_eq!(change("printer.qr_mode: (unset) → \"raster\""), "printer.qr_mode：（未设置） → \"raster\"");
        assert_eq!(change("staff.pin_hash changed"), "staff.pin_hash：将更改（内容不显示）");
        assert_eq!(change("hub.enrolment_code given (not stored)"), "hub.enrolment_code：已提供（不写入配置）");
    }
}
