//! Serde support for enums that carry a stable string key.
//!
//! Why a macro instead of `#[serde(rename_all)]`: the key returned by
//! `key()` is what the database and URLs store, so JSON must use exactly the
//! same string. Generating the serde impls from `key()`/`from_key()` leaves a
//! single source of truth instead of two spellings that could drift apart.

/// Implements `Serialize`/`Deserialize` for a type with
/// `fn key(self) -> &'static str` and `fn from_key(&str) -> Option<Self>`.
macro_rules! serde_via_key {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                <$ty>::from_key(&raw).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::invalid_value(
                        ::serde::de::Unexpected::Str(&raw),
                        &"a known key",
                    )
                })
            }
        }
    )+};
}

pub(crate) use serde_via_key;
