//! The whole register from its document in one pass: Automerge's own `hydrate` walks the
//! document once into a tree of values, and serde reads the model from that tree. Reading key
//! by key through autosurgeon costs a document lookup per field (about 300,000 on a register
//! of 5,000 risk points). The serde derives on the model mirror the autosurgeon layout; a test
//! holds the two readings equal.

use automerge::{Automerge, ScalarValue, hydrate};
use serde_json::{Map, Number, Value};

use super::register_doc::DocError;
use crate::model::Register;

/// The register as the document stands, read in one pass.
pub fn materialise(doc: &Automerge) -> Result<Register, DocError> {
    serde_json::from_value(json(&doc.hydrate(None))).map_err(|e| DocError::NotARegister(e.to_string()))
}

/// A hydrated value as JSON, in the shapes serde's derives read: maps as objects, texts as
/// strings, scalars as themselves.
fn json(value: &hydrate::Value) -> Value {
    match value {
        hydrate::Value::Map(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), json(&v.value))).collect::<Map<_, _>>())
        }
        hydrate::Value::List(list) => Value::Array(list.iter().map(|v| json(&v.value)).collect()),
        hydrate::Value::Text(text) => Value::String(String::from(text)),
        hydrate::Value::Scalar(scalar) => match scalar {
            ScalarValue::Str(s) => Value::String(s.to_string()),
            ScalarValue::Int(n) | ScalarValue::Timestamp(n) => Value::from(*n),
            ScalarValue::Uint(n) => Value::from(*n),
            ScalarValue::Counter(c) => Value::from(i64::from(c)),
            ScalarValue::F64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            ScalarValue::Boolean(b) => Value::Bool(*b),
            ScalarValue::Bytes(bytes) => Value::Array(bytes.iter().map(|b| Value::from(*b)).collect()),
            ScalarValue::Null | ScalarValue::Unknown { .. } => Value::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use autosurgeon::hydrate;

    use super::*;
    use crate::workload::{Size, build};

    #[test]
    fn one_pass_reads_the_same_register_as_autosurgeon() {
        // A small register with every kind of record, edits, archives and review trails.
        let small = Size { name: "R30", risks: 30, people: 12, departments: 8, posts: 10, edits: 60, ..Size::R500 };
        let mut doc = build(small, 7);
        let bytes = doc.save();
        let am = Automerge::load(&bytes).unwrap();
        let by_key: Register = hydrate(&am).unwrap();
        assert_eq!(materialise(&am).unwrap(), by_key);
    }
}
