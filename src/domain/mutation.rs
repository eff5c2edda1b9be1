//! Damaged copies of an exported file, for the tests that check that import
//! never panics and that a refused file changes nothing (the property test
//! in tests/exchange.rs, and `make fuzz` for a long run). Two kinds of
//! damage: to the bytes (what a broken disk or a bad copy does) and to the
//! values (what a hand edit or another tool does: a field of the wrong type,
//! a missing one, an id pointing nowhere, a date out of range, a huge text).

use serde_json::{json, Value};

use super::demo::SampleRng;

/// `text` with `edits` random changes to its bytes.
pub fn mutate_bytes(text: &str, rng: &mut SampleRng, edits: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..edits {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() as u64) as usize;
        match rng.below(5) {
            0 => bytes[at] = rng.below(256) as u8,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, *rng.pick(b"{}[]\",:0-e.tfn\\ ")),
            3 => bytes.truncate(at),
            _ => {
                let end = (at + rng.below(40) as usize).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(at..at, chunk);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every value of `v`, depth first, as paths of keys and indexes.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                here.push(json!(k));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(json!(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at_path<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut v = v;
    for step in path {
        v = match step {
            Value::String(k) => v.get_mut(k.as_str())?,
            Value::Number(i) => v.get_mut(i.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A value that some field would not take, or would take only just.
fn odd_value(rng: &mut SampleRng, near: &Value) -> Value {
    match rng.below(16) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(i64::MAX),
        4 => json!(1e300),
        5 => json!(""),
        6 => json!("x".repeat(rng.below(20_000) as usize)),
        7 => json!("99999-01-01T00:00:00Z"),
        8 => json!("+99999-01-01"),
        9 => json!("2026-02-30T10:00:00Z"),
        10 => json!("00000000-0000-0000-0000-000000000000"),
        11 => json!("javascript:alert(1)"),
        12 => json!([near.clone()]),
        13 => json!({ "x": near.clone() }),
        14 => json!(256),
        _ => json!("mystery"),
    }
}

/// A copy of the export `file` with `edits` changes to its values: a value
/// replaced by one of another kind or out of range, a field removed, a
/// record copied (same id twice) or removed, or a value moved elsewhere
/// (an id of one record in another's reference).
pub fn mutate_values(file: &Value, rng: &mut SampleRng, edits: usize) -> Value {
    let mut out = file.clone();
    for _ in 0..edits {
        let mut all = Vec::new();
        paths(&out, &mut Vec::new(), &mut all);
        let path = all[rng.below(all.len() as u64) as usize].clone();
        let other = all[rng.below(all.len() as u64) as usize].clone();
        let donor = at_path(&mut out, &other).map(|v| v.clone());
        let Some((last, parent_path)) = path.split_last() else {
            continue;
        };
        let Some(parent) = at_path(&mut out, parent_path) else {
            continue;
        };
        match (rng.below(4), parent) {
            (0, Value::Object(map)) => {
                if let Some(k) = last.as_str() {
                    map.remove(k);
                }
            }
            (0, Value::Array(items)) => {
                let i = last.as_u64().unwrap_or(0) as usize;
                if i < items.len() {
                    if rng.below(2) == 0 {
                        items.remove(i);
                    } else {
                        let copy = items[i].clone();
                        items.insert(i, copy);
                    }
                }
            }
            (1, parent) => {
                if let (Some(target), Some(donor)) =
                    (at_path(parent, &path[parent_path.len()..]), donor)
                {
                    *target = donor;
                }
            }
            (_, parent) => {
                if let Some(target) = at_path(parent, &path[parent_path.len()..]) {
                    let odd = odd_value(rng, target);
                    *target = odd;
                }
            }
        }
    }
    out
}
