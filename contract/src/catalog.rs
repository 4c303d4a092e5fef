//! The catalogue route (`GET /api/v1/catalog`): the part of the body the hub checks, and the `ETag`.

use serde::{Deserialize, Serialize};

use crate::limits as l;
use crate::validate::{self as v, Checked};

/// The catalogue as the hub sees it: a version and items with a code and a name. The rest of the body
/// is the kiosk's catalogue format, kept and served exactly as published; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogHead {
    pub version: i64,
    pub items: Vec<CatalogItemHead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItemHead {
    /// Missing reads as empty, which [`CatalogHead::validate`] names.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
}

impl CatalogHead {
    /// A version in range, every item with a non-empty name and a code of the documented form
    /// ([`v::CODE_PATTERN`], at most 64 characters), each code once.
    pub fn validate(&self) -> Checked {
        v::range("version", self.version, 1, l::MAX_VERSION)?;
        let mut codes = std::collections::HashSet::new();
        for (i, item) in self.items.iter().enumerate() {
            for (key, value) in [("code", &item.code), ("name", &item.name)] {
                if value.trim().is_empty() {
                    return Err(v::invalid(&format!("items[{i}].{key}"), "a non-empty string"));
                }
            }
            // Intake refuses an application whose item code is not of this form: so does publishing.
            v::code(&format!("items[{i}].code"), &item.code, l::ITEM_CODE)?;
            if !codes.insert(item.code.as_str()) {
                return Err(v::invalid(
                    &format!("items[{i}].code"),
                    format!("each code once, but `{}` appears twice", item.code),
                ));
            }
        }
        Ok(())
    }
}

/// The catalogue's `ETag` for `version`: `"v4"` (quotes included, as the header carries it).
pub fn catalog_etag(version: u64) -> String {
    versioned_etag("v", version)
}

/// The version an `ETag` (or one entry of `If-None-Match`) names: `"v4"` or the weak `W/"v4"`. Only the
/// form [`catalog_etag`] writes is accepted (no leading zeros, no sign, no spaces inside).
pub fn parse_catalog_etag(etag: &str) -> Option<u64> {
    parse_versioned_etag("v", etag)
}

/// `"<prefix><version>"`, the form of the catalogue's and the grid directory's `ETag`s.
pub(crate) fn versioned_etag(prefix: &str, version: u64) -> String {
    format!("\"{prefix}{version}\"")
}

/// The version of an `ETag` [`versioned_etag`] wrote with `prefix`, strong or weak (`W/`); nothing else.
pub(crate) fn parse_versioned_etag(prefix: &str, etag: &str) -> Option<u64> {
    let etag = etag.trim();
    let strong = etag.strip_prefix("W/").unwrap_or(etag);
    let digits = strong.strip_prefix('"')?.strip_prefix(prefix)?.strip_suffix('"')?;
    let canonical =
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip() {
        for version in [1, 4, 10, 2_147_483_647, u64::MAX] {
            assert_eq!(parse_catalog_etag(&catalog_etag(version)), Some(version));
        }
        assert_eq!(catalog_etag(4), "\"v4\"");
        assert_eq!(parse_catalog_etag("W/\"v3\""), Some(3));
        assert_eq!(parse_catalog_etag(" \"v3\" "), Some(3));
        for bad in
            ["v3", "\"3\"", "\"v\"", "\"v03\"", "\"v+3\"", "\"v3 \"", "\"v-1\"", "*", "", "\"v18446744073709551616\""]
        {
            assert_eq!(parse_catalog_etag(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_catalogue_check_names_the_field() {
        let head = |version, items: &[(&str, &str)]| CatalogHead {
            version,
            items: items.iter().map(|(c, n)| CatalogItemHead { code: c.to_string(), name: n.to_string() }).collect(),
        };
        assert!(head(3, &[("LL0001", "老年人优待证")]).validate().is_ok());
        assert_eq!(head(0, &[]).validate().unwrap_err().field, "version");
        assert_eq!(head(1, &[("A", " ")]).validate().unwrap_err().field, "items[0].name");
        assert_eq!(head(1, &[("民政 01", "甲")]).validate().unwrap_err().field, "items[0].code");
        assert_eq!(head(1, &[(&"L".repeat(65), "甲")]).validate().unwrap_err().field, "items[0].code");
        let twice = head(1, &[("A", "甲"), ("A", "乙")]).validate().unwrap_err();
        assert!(twice.field == "items[1].code" && twice.expected.contains("twice"), "{twice}");
    }
}
