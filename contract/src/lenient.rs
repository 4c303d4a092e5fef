//! Enumerations on the wire, and a lenient way to read them.
//!
//! A request the hub reads names its enumerations strictly (an unknown value is a 422). Terminals in
//! the field lag behind the hub, so what a terminal *reads* must survive a value added later: such
//! fields are a [`Lenient`], which keeps an unknown value as its text instead of failing the whole
//! response.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enumeration written on the wire as one of a fixed set of snake_case words.
pub trait WireName: Copy + Eq + 'static {
    /// Every value, in the order the contract lists them.
    const ALL: &'static [Self];

    fn as_str(self) -> &'static str;

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// `a, b or c`, for error messages.
    fn listed() -> String {
        let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
        match words.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// A value of `T` as read from the wire: one this build knows, or the text of one it does not.
/// Written back, both are the same text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

impl<T: WireName> Lenient<T> {
    pub fn as_str(&self) -> &str {
        match self {
            Lenient::Known(v) => v.as_str(),
            Lenient::Unknown(s) => s,
        }
    }

    pub fn known(&self) -> Option<T> {
        match self {
            Lenient::Known(v) => Some(*v),
            Lenient::Unknown(_) => None,
        }
    }
}

impl<T: WireName> From<T> for Lenient<T> {
    fn from(v: T) -> Self {
        Lenient::Known(v)
    }
}

impl<T: WireName> From<&str> for Lenient<T> {
    fn from(s: &str) -> Self {
        T::parse(s).map_or_else(|| Lenient::Unknown(s.to_string()), Lenient::Known)
    }
}

impl<T: WireName> From<String> for Lenient<T> {
    fn from(s: String) -> Self {
        T::parse(&s).map_or(Lenient::Unknown(s), Lenient::Known)
    }
}

impl<T: WireName> PartialEq<T> for Lenient<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(*other)
    }
}

impl<T: WireName> std::fmt::Display for Lenient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: WireName> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, T: WireName> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(String::deserialize(d)?.into())
    }
}
