//! Serde for `autosurgeon::Text` fields: a collaborative text reads and writes as a plain string.

use autosurgeon::Text;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes the text as a string.
pub fn serialize<S: Serializer>(text: &Text, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text.as_str())
}

/// Reads a string as a text.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
    String::deserialize(deserializer).map(Text::from)
}
