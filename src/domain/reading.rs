//! Why a record of an imported file does not read, in the terms of the
//! record rather than of the JSON reader: the field at fault (with its place
//! inside the record, such as `value.minor` or `stages[2].kind`) and what it
//! should hold. The reader's own words ("expected i64", "UUID parsing
//! failed") mean nothing to the person importing a file.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// What is wrong with a field that does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// The field is not there.
    Missing,
    /// Not text.
    NotText,
    /// Not a whole number.
    NotWholeNumber,
    /// Not a whole number from `min` to `max`.
    NotInRange {
        /// The least value.
        min: u64,
        /// The greatest value.
        max: u64,
    },
    /// Not an amount in minor units (cents), such as 1250 for 12.50.
    NotAmount,
    /// Not true or false.
    NotYesNo,
    /// Not an id such as `0b4f6c1e-…`.
    NotId,
    /// Not a date and time such as `2026-03-10T09:00:00Z`.
    NotDateTime,
    /// Not a date such as `2026-03-10`.
    NotDate,
    /// A date (or date and time) beyond the years the app handles.
    DateOutOfRange,
    /// Not one of the values the field takes.
    NotOneOf {
        /// What the file holds.
        found: String,
        /// What the field takes.
        allowed: Vec<String>,
    },
    /// Not a list.
    NotList,
    /// Not a group of fields (a JSON object).
    NotRecord,
    /// Anything else, in the reader's words without their place in the text.
    Other(String),
}

/// The field at fault in a record that does not read as `T`, and why; `None`
/// when it reads.
pub fn unreadable<T: DeserializeOwned>(text: &str) -> Option<(String, Unreadable)> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let error = serde_path_to_error::deserialize::<_, T>(&mut reader).err()?;
    let segments: Vec<Segment> = error
        .path()
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => Some(Segment::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    let message = error.into_inner().to_string();
    let message = match message.rsplit_once(" at line ") {
        Some((m, _)) => m.to_string(),
        None => message,
    };
    let value: Option<Value> = serde_json::from_str(text).ok();
    let at = |segments: &[Segment]| {
        let mut v = value.as_ref()?;
        for s in segments {
            v = match s {
                Segment::Index(i) => v.get(i)?,
                Segment::Key(k) => v.get(k)?,
            };
        }
        Some(v)
    };
    if let Some(name) = between(&message, "missing field `", "`") {
        let mut path = segments;
        path.push(Segment::Key(name.to_string()));
        return Some((field_path(&path), Unreadable::Missing));
    }
    let field = match segments.last() {
        Some(Segment::Key(k)) => k.as_str(),
        // An item of a list is named by its list.
        _ => segments
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) => None,
            })
            .unwrap_or(""),
    };
    let found = at(&segments);
    let why = classify(field, &message, found);
    Some((field_path(&segments), why))
}

enum Segment {
    Index(usize),
    Key(String),
}

/// `value.minor`, `stages[2].kind`: where a field sits in its record.
fn field_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    Some(&rest[..rest.find(end)?])
}

const TIMESTAMPS: [&str; 8] = [
    "created_at",
    "updated_at",
    "due",
    "done_at",
    "closed_at",
    "entered_at",
    "deleted_at",
    "exported_at",
];
const DATES: [&str; 3] = ["expected_close", "decision_date", "month"];

/// Whether `text` is a date whose year has more than four digits (or a
/// sign): such a date reads as text of the wrong shape, not as a date.
fn year_out_of_range(text: &str) -> bool {
    let digits = text
        .trim_start_matches(['+', '-'])
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let rest = &text.trim_start_matches(['+', '-'])[digits..];
    (digits > 4 || text.starts_with(['+', '-'])) && rest.starts_with('-')
}

fn classify(field: &str, message: &str, found: Option<&Value>) -> Unreadable {
    if let Some(found) = between(message, "unknown variant `", "`") {
        let allowed = message
            .split_once("expected ")
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return Unreadable::NotOneOf {
            found: found.to_string(),
            allowed,
        };
    }
    let text = found.and_then(Value::as_str);
    if TIMESTAMPS.contains(&field) || DATES.contains(&field) {
        return match text {
            Some(t) if year_out_of_range(t) => Unreadable::DateOutOfRange,
            _ if DATES.contains(&field) => Unreadable::NotDate,
            _ => Unreadable::NotDateTime,
        };
    }
    if field == "id" || field.ends_with("_id") {
        return Unreadable::NotId;
    }
    match field {
        "minor" | "amount_minor" => return Unreadable::NotAmount,
        "probability" => return Unreadable::NotInRange { min: 0, max: 100 },
        "potential" | "behaviour" | "interest" => return Unreadable::NotInRange { min: 0, max: 5 },
        _ => {}
    }
    let expected = message.rsplit_once("expected ").map_or("", |(_, e)| e);
    match expected {
        "a string" => Unreadable::NotText,
        "a boolean" => Unreadable::NotYesNo,
        "a sequence" => Unreadable::NotList,
        e if e.starts_with("struct ") || e == "a map" => Unreadable::NotRecord,
        e if ["i64", "u64", "u32", "u16", "u8", "i32", "usize"]
            .iter()
            .any(|t| e.starts_with(t)) =>
        {
            Unreadable::NotWholeNumber
        }
        _ => Unreadable::Other(message.to_string()),
    }
}
