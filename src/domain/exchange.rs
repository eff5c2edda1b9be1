//! Sharing data as files: the JSON export and its four-step import (shape,
//! version, migration, validation of every record), merging a colleague's
//! file or another tab's copy record by record, and CSV for spreadsheets.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use serde::de::DeserializeOwned;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::format::{read_workspace_text, FormatError};
use super::limits::{too_long, TextField};
use super::model::*;
use super::money::{is_currency_code, Money, MAX_MINOR};
use super::reading::unreadable;
pub use super::reading::Unreadable;
use super::sorting;

/// Marks a file as this product's export.
pub const APP_MARKER: &str = "pipeline-crm";
/// The room a browser's localStorage gives one site, in characters (5 MiB
/// of UTF-16 text in Chromium, Firefox and Safari).
pub const STORAGE_QUOTA_CHARS: usize = 5 * 1024 * 1024;
/// Files larger than this are refused before reading them, and the app
/// writes no larger export (see [`export_fits`]): every file it exports
/// imports back. It is just under the longest text a browser holds as one
/// string (2^29 characters in Chromium), which both pass through. A quota
/// full of realistic data, or of the most compact records the app stores,
/// exports to well under it (tests/exchange.rs); only texts that pack
/// several hundred times over (one note pasted into every record) come near.
pub const MAX_FILE_BYTES: usize = 500 * 1024 * 1024;

/// Whether an export of this many bytes can be imported back.
pub fn export_fits(bytes: usize) -> bool {
    bytes <= MAX_FILE_BYTES
}
/// Deeper nesting than this is refused before parsing (real files nest about 6 levels).
pub const MAX_DEPTH: usize = 32;

/// The envelope of an exported file.
#[derive(Serialize)]
struct ExportFile<'a> {
    app: &'static str,
    format_version: u32,
    exported_at: DateTime<Utc>,
    workspace: &'a Workspace,
}

/// The whole workspace as one JSON file.
/// Records are written in the canonical order (see [`Workspace::canonical`]),
/// so the same data always exports the same way.
pub fn export_json(ws: &Workspace, now: DateTime<Utc>) -> String {
    // A copy only when the order must change: copying every record was most
    // of the time an export took.
    let sorted;
    let ws = if ws.is_canonical() {
        ws
    } else {
        let mut copy = ws.clone();
        copy.canonical();
        sorted = copy;
        &sorted
    };
    let file = ExportFile {
        app: APP_MARKER,
        format_version: ws.format_version,
        exported_at: now,
        workspace: ws,
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// A file name for an export made at `now`.
pub fn export_file_name(now: DateTime<Utc>, what: &str, extension: &str) -> String {
    format!(
        "pipeline-crm-{what}-{}.{extension}",
        now.format("%Y-%m-%d-%H%M")
    )
}

/// What kind of record a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// The settings.
    Settings,
    /// A pipeline (or one of its stages).
    Pipeline,
    /// A stage of a pipeline, as what a deal refers to.
    Stage,
    /// A deal.
    Deal,
    /// A client.
    Client,
    /// A task.
    Task,
    /// A salesperson.
    Salesperson,
    /// A deletion marker.
    Tombstone,
}

/// Why a record was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemReason {
    /// A field is missing or does not hold what it should.
    Unreadable(Unreadable),
    /// Another record has the same id.
    DuplicateId,
    /// It points to a record of this kind that is not in the file.
    MissingReference(RecordType),
    /// An amount below zero.
    NegativeAmount,
    /// An amount beyond what the product handles.
    AmountTooLarge,
    /// Not a three-letter currency code.
    InvalidCurrency,
    /// A required text is empty.
    EmptyText,
    /// A probability above 100.
    ProbabilityOutOfRange,
    /// A rating above 5.
    RatingOutOfRange,
    /// A pipeline without stages that deals can be in.
    NoOpenStage,
    /// A lost deal without its reason, or a reason on a deal that is not lost.
    LostReasonMismatch,
    /// An idle limit of zero days.
    IdleDaysOutOfRange,
    /// A text longer than its field holds (see [`super::limits`]).
    TooLong {
        /// The most characters the field holds.
        max: usize,
    },
}

/// One thing wrong with one record of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The kind of record.
    pub record: RecordType,
    /// Its position in its list (0 first).
    pub index: usize,
    /// Its id, when readable.
    pub id: Option<Id>,
    /// Its title or name, when readable.
    pub label: Option<String>,
    /// The field at fault, with its place in the record (`value.minor`).
    pub field: String,
    /// What is wrong.
    pub reason: ProblemReason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} #{}", self.record, self.index + 1)?;
        if let Some(label) = &self.label {
            write!(f, " \"{label}\"")?;
        }
        if let Some(id) = self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ", field {}: {:?}", self.field, self.reason)
    }
}

/// Why a file was refused. Nothing changes when a file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Not JSON.
    NotJson {
        /// Line of the error (1 first).
        line: usize,
        /// Column of the error (1 first).
        column: usize,
    },
    /// JSON, but not this product's export.
    NotOurFile,
    /// Written by a newer version of the app.
    TooNew {
        /// The version found.
        found: u32,
    },
    /// The envelope or the workspace is not shaped as expected.
    WrongShape(String),
    /// Records are wrong (at most the first [`MAX_PROBLEMS`]).
    Invalid(Vec<Problem>),
}

/// At most this many problems are reported for one file.
pub const MAX_PROBLEMS: usize = 20;

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooLarge { bytes } => write!(f, "The file is too large ({bytes} bytes)."),
            ImportError::TooDeep => write!(f, "The file is nested too deeply."),
            ImportError::NotJson { line, column } => {
                write!(
                    f,
                    "The file is not valid JSON (line {line}, column {column})."
                )
            }
            ImportError::NotOurFile => write!(f, "The file is not a Pipeline CRM export."),
            ImportError::TooNew { found } => write!(
                f,
                "The file comes from a newer version of the app (format {found})."
            ),
            ImportError::WrongShape(what) => write!(f, "The file is damaged: {what}."),
            ImportError::Invalid(problems) => {
                write!(f, "The file has invalid records:")?;
                for p in problems {
                    write!(f, " {p};")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// How deeply `text` nests arrays and objects, stopping early past `limit`.
fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// A file that passed every step, ready to replace or merge.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportFile {
    /// The workspace in the current format.
    pub workspace: Workspace,
    /// The version the file was written in, when it had to be migrated.
    pub migrated_from: Option<u32>,
}

/// Reads an exported file in four steps: its shape, its version, migration to
/// the current format, and validation of every record. `now`, `owner` and
/// `ids` serve migrations (see [`read_workspace_text`]).
pub fn read_export(
    text: &str,
    now: DateTime<Utc>,
    owner: &str,
    ids: impl FnMut() -> Id,
) -> Result<ImportFile, ImportError> {
    refuse_before_parsing(text)?;
    // A file of the current format that reads in one pass passes the first
    // three steps; any other file takes them one by one, which says what is
    // wrong with it, at the price of reading it several times.
    match read_current_export(text) {
        Some(workspace) => finish_reading(workspace, None, now),
        None => read_export_step_by_step(text, now, owner, ids),
    }
}

/// Files too large or too deeply nested to parse.
fn refuse_before_parsing(text: &str) -> Result<(), ImportError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    if nesting_exceeds(text, MAX_DEPTH) {
        return Err(ImportError::TooDeep);
    }
    Ok(())
}

/// The envelope of a current-format file, read in one pass.
#[derive(Deserialize)]
struct CurrentEnvelope {
    app: String,
    format_version: u32,
    workspace: Object<Workspace>,
}

/// A value that must be a JSON object: serde's structs also read from arrays,
/// which the step-by-step reading refuses.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Fields<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Fields(std::marker::PhantomData))
            .map(Object)
    }
}

/// The workspace of a file in this build's format, when the whole file reads
/// as one; `None` for anything else.
fn read_current_export(text: &str) -> Option<Workspace> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let file: CurrentEnvelope = serde_json::from_str(text).ok()?;
    let workspace = file.workspace.0;
    (file.app == APP_MARKER
        && file.format_version == FORMAT_VERSION
        && workspace.format_version == FORMAT_VERSION)
        .then_some(workspace)
}

/// The last step, validation, and the stage each deal shows in.
fn finish_reading(
    mut workspace: Workspace,
    migrated_from: Option<u32>,
    now: DateTime<Utc>,
) -> Result<ImportFile, ImportError> {
    validate_file(&workspace).map_err(ImportError::Invalid)?;
    // Every deal in a stage that shows it (see `Workspace::heal`).
    workspace.heal(Some(now));
    Ok(ImportFile {
        workspace,
        migrated_from,
    })
}

/// [`read_export`] one step at a time, each step naming what it finds wrong.
#[doc(hidden)]
pub fn read_export_step_by_step(
    text: &str,
    now: DateTime<Utc>,
    owner: &str,
    ids: impl FnMut() -> Id,
) -> Result<ImportFile, ImportError> {
    refuse_before_parsing(text)?;
    // Step 1: the shape. The file is checked as JSON first, so that any
    // syntax error is reported with its place.
    if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
        return Err(ImportError::NotJson {
            line: e.line(),
            column: e.column(),
        });
    }
    if !text.trim_start().starts_with('{') {
        return Err(ImportError::NotOurFile);
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|_| ImportError::NotOurFile)?;
    if envelope.app.and_then(read_raw::<String>).as_deref() != Some(APP_MARKER) {
        return Err(ImportError::NotOurFile);
    }
    // Step 2: the version.
    let version = envelope
        .format_version
        .and_then(read_raw::<u32>)
        .ok_or_else(|| ImportError::WrongShape("no format_version".into()))?;
    if version > FORMAT_VERSION {
        return Err(ImportError::TooNew { found: version });
    }
    let Some(inner) = envelope.workspace.filter(|w| w.get().starts_with('{')) else {
        return Err(ImportError::WrongShape("no workspace".into()));
    };
    // Step 3: migrate, after checking each record can be read, so a broken
    // record is named rather than failing the whole file at once.
    if version == FORMAT_VERSION {
        let problems = unreadable_records(inner);
        if !problems.is_empty() {
            return Err(ImportError::Invalid(problems));
        }
    }
    let (workspace, migrated) =
        read_workspace_text(inner.get(), now, owner, ids).map_err(|e| match e {
            FormatError::TooNew { found } => ImportError::TooNew { found },
            FormatError::NotJson(m) | FormatError::WrongShape(m) => ImportError::WrongShape(m),
        })?;
    // Step 4: validate every record.
    finish_reading(workspace, migrated.then_some(version), now)
}

/// The envelope of a file being imported; each part is kept as its JSON
/// text and read on its own, so a part of the wrong type is named as such.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    app: Option<&'a RawValue>,
    #[serde(borrow)]
    format_version: Option<&'a RawValue>,
    #[serde(borrow)]
    workspace: Option<&'a RawValue>,
}

/// The parts of a workspace being imported, each kept as its JSON text.
#[derive(Deserialize)]
struct RawLists<'a> {
    #[serde(borrow)]
    settings: Option<&'a RawValue>,
    #[serde(borrow)]
    pipelines: Option<&'a RawValue>,
    #[serde(borrow)]
    deals: Option<&'a RawValue>,
    #[serde(borrow)]
    clients: Option<&'a RawValue>,
    #[serde(borrow)]
    tasks: Option<&'a RawValue>,
    #[serde(borrow)]
    salespeople: Option<&'a RawValue>,
    #[serde(borrow)]
    tombstones: Option<&'a RawValue>,
}

fn read_raw<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

/// The id and the title (or name) of a record that does not read, when it
/// has them: they name it in the problem shown to the user.
fn id_and_label(raw: &RawValue) -> (Option<Id>, Option<String>) {
    #[derive(Deserialize)]
    struct Names<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
        #[serde(borrow)]
        title: Option<&'a RawValue>,
        #[serde(borrow)]
        name: Option<&'a RawValue>,
    }
    let Some(names) = read_raw::<Names>(raw) else {
        return (None, None);
    };
    let id = names
        .id
        .and_then(read_raw::<String>)
        .and_then(|s| Id::parse_str(&s).ok());
    let label = [names.title, names.name]
        .into_iter()
        .flatten()
        .find_map(read_raw::<String>);
    (id, label)
}

/// A whole part of a workspace (its settings, or a list) that does not read.
fn part_problem(record: RecordType, field: &str, reason: Unreadable) -> Problem {
    Problem {
        record,
        index: 0,
        id: None,
        label: None,
        field: field.to_string(),
        reason: ProblemReason::Unreadable(reason),
    }
}

/// Records of a current-format workspace that do not deserialize, each with
/// its field at fault and why.
fn unreadable_records(ws: &RawValue) -> Vec<Problem> {
    fn check<T: DeserializeOwned>(
        list: Option<&RawValue>,
        key: &str,
        record: RecordType,
        out: &mut Vec<Problem>,
    ) {
        let Some(list) = list else {
            out.push(part_problem(record, key, Unreadable::Missing));
            return;
        };
        let Some(list) = read_raw::<Vec<&RawValue>>(list) else {
            out.push(part_problem(record, key, Unreadable::NotList));
            return;
        };
        for (index, item) in list.into_iter().enumerate() {
            if let Some((field, reason)) = unreadable::<T>(item.get()) {
                let (id, label) = id_and_label(item);
                out.push(Problem {
                    record,
                    index,
                    id,
                    label,
                    field,
                    reason: ProblemReason::Unreadable(reason),
                });
            }
        }
    }
    let mut out = Vec::new();
    let Some(lists) = read_raw::<RawLists>(ws) else {
        out.push(part_problem(
            RecordType::Settings,
            "workspace",
            Unreadable::NotRecord,
        ));
        return out;
    };
    match lists.settings {
        None => out.push(part_problem(
            RecordType::Settings,
            "settings",
            Unreadable::Missing,
        )),
        Some(raw) => {
            if let Some((field, reason)) = unreadable::<Settings>(raw.get()) {
                out.push(part_problem(RecordType::Settings, &field, reason));
            }
        }
    }
    check::<Pipeline>(lists.pipelines, "pipelines", RecordType::Pipeline, &mut out);
    check::<Deal>(lists.deals, "deals", RecordType::Deal, &mut out);
    check::<Client>(lists.clients, "clients", RecordType::Client, &mut out);
    check::<Task>(lists.tasks, "tasks", RecordType::Task, &mut out);
    check::<Salesperson>(
        lists.salespeople,
        "salespeople",
        RecordType::Salesperson,
        &mut out,
    );
    check::<Tombstone>(
        lists.tombstones,
        "tombstones",
        RecordType::Tombstone,
        &mut out,
    );
    out.truncate(MAX_PROBLEMS);
    out
}

struct Checker {
    problems: Vec<Problem>,
    /// Also the rules that hold only for what comes in from a file (see
    /// [`validate_file`]).
    file_rules: bool,
}

impl Checker {
    fn add(
        &mut self,
        record: RecordType,
        index: usize,
        id: Option<Id>,
        label: Option<&str>,
        field: &str,
        reason: ProblemReason,
    ) {
        self.problems.push(Problem {
            record,
            index,
            id,
            label: label.map(str::to_string),
            field: field.to_string(),
            reason,
        });
    }

    fn money(
        &mut self,
        record: RecordType,
        index: usize,
        id: Id,
        label: &str,
        field: &str,
        m: &Money,
    ) {
        let reason = if m.minor < 0 {
            Some(ProblemReason::NegativeAmount)
        } else if m.minor > MAX_MINOR {
            Some(ProblemReason::AmountTooLarge)
        } else if !is_currency_code(&m.currency) {
            Some(ProblemReason::InvalidCurrency)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.add(record, index, Some(id), Some(label), field, reason);
        }
    }

    /// Each named text of a record against its field's limit.
    fn texts(
        &mut self,
        record: RecordType,
        index: usize,
        id: Id,
        label: &str,
        texts: &[(TextField, &str, &str)],
    ) {
        if !self.file_rules {
            return;
        }
        for &(field, name, text) in texts {
            if too_long(field, text) {
                let max = field.max_chars();
                self.add(
                    record,
                    index,
                    Some(id),
                    Some(label),
                    name,
                    ProblemReason::TooLong { max },
                );
            }
        }
    }
}

/// Checks every record: unique ids, references that exist, amounts, codes,
/// probabilities and ratings in range, required texts present.
pub fn validate(ws: &Workspace) -> Result<(), Vec<Problem>> {
    check(ws, false)
}

/// As [`validate`], and the rules for what comes in from a file: texts
/// within their field's length, dates within years 1 to 9999. Data stored
/// before those rules existed is kept as it is (a merge into it is not
/// refused for it); a file must keep them.
pub fn validate_file(ws: &Workspace) -> Result<(), Vec<Problem>> {
    check(ws, true)
}

fn check(ws: &Workspace, file_rules: bool) -> Result<(), Vec<Problem>> {
    use ProblemReason::*;
    use RecordType as R;
    let mut c = Checker {
        problems: Vec::new(),
        file_rules,
    };
    let mut seen: HashSet<Id> = HashSet::new();
    let mut unique = |c: &mut Checker, record, index, id: Id, label: &str| {
        if !seen.insert(id) {
            c.add(record, index, Some(id), Some(label), "id", DuplicateId);
        }
    };
    let mut stages: HashMap<Id, Id> = HashMap::new();
    for (i, p) in ws.pipelines.iter().enumerate() {
        unique(&mut c, R::Pipeline, i, p.id, &p.name);
        if p.name.trim().is_empty() {
            c.add(R::Pipeline, i, Some(p.id), None, "name", EmptyText);
        }
        if !p.stages.iter().any(|s| s.kind == StageKind::Open) {
            c.add(
                R::Pipeline,
                i,
                Some(p.id),
                Some(&p.name),
                "stages",
                NoOpenStage,
            );
        }
        c.texts(
            R::Pipeline,
            i,
            p.id,
            &p.name,
            &[(TextField::Name, "name", &p.name)],
        );
        for (k, s) in p.stages.iter().enumerate() {
            unique(&mut c, R::Pipeline, i, s.id, &s.name);
            stages.insert(s.id, p.id);
            let name_field = format!("stages[{k}].name");
            c.texts(
                R::Pipeline,
                i,
                p.id,
                &p.name,
                &[(TextField::Name, &name_field, &s.name)],
            );
            let field = format!("stages[{}]", s.name);
            if s.name.trim().is_empty() {
                c.add(R::Pipeline, i, Some(p.id), Some(&p.name), &field, EmptyText);
            }
            if s.probability > 100 {
                c.add(
                    R::Pipeline,
                    i,
                    Some(p.id),
                    Some(&p.name),
                    &field,
                    ProbabilityOutOfRange,
                );
            }
            if s.idle_days == Some(0) {
                c.add(
                    R::Pipeline,
                    i,
                    Some(p.id),
                    Some(&p.name),
                    &field,
                    IdleDaysOutOfRange,
                );
            }
        }
    }
    let pipelines: HashSet<Id> = ws.pipelines.iter().map(|p| p.id).collect();
    let people: HashSet<Id> = ws.salespeople.iter().map(|s| s.id).collect();
    let clients: HashSet<Id> = ws.clients.iter().map(|x| x.id).collect();
    let deals: HashSet<Id> = ws.deals.iter().map(|d| d.id).collect();
    if !pipelines.contains(&ws.settings.current_pipeline_id) {
        c.add(
            R::Settings,
            0,
            None,
            None,
            "current_pipeline_id",
            MissingReference(R::Pipeline),
        );
    }
    if !is_currency_code(&ws.settings.currency) {
        c.add(R::Settings, 0, None, None, "currency", InvalidCurrency);
    }
    for (i, q) in ws.settings.quotas.iter().enumerate() {
        if q.amount_minor < 0 {
            c.add(
                R::Settings,
                0,
                None,
                None,
                &format!("quotas[{i}]"),
                NegativeAmount,
            );
        }
        if q.salesperson_id.is_some_and(|s| !people.contains(&s)) {
            c.add(
                R::Settings,
                0,
                None,
                None,
                &format!("quotas[{i}]"),
                MissingReference(R::Salesperson),
            );
        }
    }
    if ws.salespeople.is_empty() {
        c.add(
            R::Salesperson,
            0,
            None,
            None,
            "salespeople",
            MissingReference(R::Salesperson),
        );
    }
    for (i, s) in ws.salespeople.iter().enumerate() {
        unique(&mut c, R::Salesperson, i, s.id, &s.name);
        c.texts(
            R::Salesperson,
            i,
            s.id,
            &s.name,
            &[(TextField::Name, "name", &s.name)],
        );
        if s.name.trim().is_empty() {
            c.add(R::Salesperson, i, Some(s.id), None, "name", EmptyText);
        }
    }
    for (i, x) in ws.clients.iter().enumerate() {
        unique(&mut c, R::Client, i, x.id, &x.name);
        c.texts(
            R::Client,
            i,
            x.id,
            &x.name,
            &[
                (TextField::Name, "name", &x.name),
                (TextField::Company, "company", &x.company),
                (TextField::Email, "email", &x.email),
                (TextField::Phone, "phone", &x.phone),
                (TextField::Website, "website", &x.website),
                (TextField::Address, "address", &x.address),
                (TextField::Source, "source", &x.source),
                (
                    TextField::DecisionMakers,
                    "decision_makers",
                    &x.decision_makers,
                ),
                (TextField::Notes, "notes", &x.notes),
            ],
        );
        if x.name.trim().is_empty() {
            c.add(R::Client, i, Some(x.id), None, "name", EmptyText);
        }
        let r = x.rating;
        if [r.potential, r.behaviour, r.interest]
            .iter()
            .any(|v| *v > 5)
        {
            c.add(
                R::Client,
                i,
                Some(x.id),
                Some(&x.name),
                "rating",
                RatingOutOfRange,
            );
        }
    }
    for (i, d) in ws.deals.iter().enumerate() {
        let label = d.title.as_str();
        unique(&mut c, R::Deal, i, d.id, label);
        let lost_note = d.lost_reason.as_ref().map_or("", |r| r.note.as_str());
        c.texts(
            R::Deal,
            i,
            d.id,
            label,
            &[
                (TextField::Title, "title", &d.title),
                (TextField::Source, "source", &d.source),
                (TextField::Competitors, "competitors", &d.competitors),
                (TextField::Needs, "needs", &d.needs),
                (TextField::NextStep, "next_step", &d.next_step),
                (TextField::LostNote, "lost_reason.note", lost_note),
            ],
        );
        if label.trim().is_empty() {
            c.add(R::Deal, i, Some(d.id), None, "title", EmptyText);
        }
        c.money(R::Deal, i, d.id, label, "value", &d.value);
        if let Some(b) = &d.budget {
            c.money(R::Deal, i, d.id, label, "budget", b);
        }
        if !pipelines.contains(&d.pipeline_id) {
            c.add(
                R::Deal,
                i,
                Some(d.id),
                Some(label),
                "pipeline_id",
                MissingReference(R::Pipeline),
            );
        }
        if stages.get(&d.stage_id) != Some(&d.pipeline_id) {
            c.add(
                R::Deal,
                i,
                Some(d.id),
                Some(label),
                "stage_id",
                MissingReference(R::Stage),
            );
        }
        if !people.contains(&d.owner_id) {
            c.add(
                R::Deal,
                i,
                Some(d.id),
                Some(label),
                "owner_id",
                MissingReference(R::Salesperson),
            );
        }
        if d.client_id.is_some_and(|x| !clients.contains(&x)) {
            c.add(
                R::Deal,
                i,
                Some(d.id),
                Some(label),
                "client_id",
                MissingReference(R::Client),
            );
        }
        for (field, date) in [
            ("expected_close", d.expected_close),
            ("decision_date", d.decision_date),
        ] {
            if file_rules && date.is_some_and(|date| !(1..=9999).contains(&date.year())) {
                c.add(
                    R::Deal,
                    i,
                    Some(d.id),
                    Some(label),
                    field,
                    Unreadable(super::reading::Unreadable::DateOutOfRange),
                );
            }
        }
        if (d.outcome == Outcome::Lost) != d.lost_reason.is_some() {
            c.add(
                R::Deal,
                i,
                Some(d.id),
                Some(label),
                "lost_reason",
                LostReasonMismatch,
            );
        }
    }
    for (i, t) in ws.tasks.iter().enumerate() {
        unique(&mut c, R::Task, i, t.id, &t.note);
        c.texts(
            R::Task,
            i,
            t.id,
            &t.note,
            &[
                (TextField::TaskNote, "note", &t.note),
                (TextField::TaskOutcome, "outcome", &t.outcome),
            ],
        );
        if !deals.contains(&t.deal_id) {
            c.add(
                R::Task,
                i,
                Some(t.id),
                Some(&t.note),
                "deal_id",
                MissingReference(R::Deal),
            );
        }
    }
    if c.problems.is_empty() {
        Ok(())
    } else {
        c.problems.truncate(MAX_PROBLEMS);
        Err(c.problems)
    }
}

/// What merging a file did, or would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Records only in the file, added.
    pub new: usize,
    /// Records newer in the file, taken from it.
    pub updated: usize,
    /// Records the same on both sides.
    pub unchanged: usize,
    /// Records that differ where ours is newer (or as new): ours kept.
    pub conflicts: usize,
    /// Records deleted on one side after the other last changed them.
    pub deleted: usize,
}

/// A record with an id and a last-change time.
trait Record: Clone + PartialEq + Serialize {
    fn id(&self) -> Id;
    fn updated_at(&self) -> DateTime<Utc>;
}

macro_rules! record {
    ($t:ty) => {
        impl Record for $t {
            fn id(&self) -> Id {
                self.id
            }
            fn updated_at(&self) -> DateTime<Utc> {
                self.updated_at
            }
        }
    };
}
record!(Pipeline);
record!(Deal);
record!(Client);
record!(Task);
record!(Salesperson);

/// Whether `theirs` should replace `ours`: it is newer; on a tie the larger
/// serialisation wins, so every copy settles on the same record.
fn theirs_wins<T: Record>(ours: &T, theirs: &T) -> bool {
    match theirs.updated_at().cmp(&ours.updated_at()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            serde_json::to_string(theirs).unwrap_or_default()
                > serde_json::to_string(ours).unwrap_or_default()
        }
    }
}

/// The records a merge keeps, counted in `report`; with `keep` unset they
/// are only counted, not copied.
fn merge_list<T: Record>(
    ours: &[T],
    theirs: &[T],
    deleted: &HashMap<Id, DateTime<Utc>>,
    report: &mut MergeReport,
    keep: bool,
) -> Vec<T> {
    // Into an empty list (a first import) nothing is matched.
    let their_index: HashMap<Id, &T> = if ours.is_empty() {
        HashMap::new()
    } else {
        theirs.iter().map(|r| (r.id(), r)).collect()
    };
    let mut out = Vec::with_capacity(if keep {
        ours.len().max(theirs.len())
    } else {
        0
    });
    let mut taken: HashSet<Id> = HashSet::new();
    let survives = |r: &T| deleted.get(&r.id()).is_none_or(|at| r.updated_at() > *at);
    for o in ours {
        taken.insert(o.id());
        let chosen = match their_index.get(&o.id()) {
            Some(t) if *t == o => {
                report.unchanged += 1;
                o
            }
            Some(t) if theirs_wins(o, t) => {
                report.updated += 1;
                *t
            }
            Some(_) => {
                report.conflicts += 1;
                o
            }
            None => o,
        };
        if !survives(chosen) {
            report.deleted += 1;
        } else if keep {
            out.push(chosen.clone());
        }
    }
    for t in theirs {
        if taken.contains(&t.id()) {
            continue;
        }
        if survives(t) {
            report.new += 1;
            if keep {
                out.push(t.clone());
            }
        }
    }
    out
}

/// Merges `theirs` (a colleague's file, or another tab's copy) into `ours`,
/// record by record: records are matched by id, the newer `updated_at` wins,
/// and a deletion on either side wins over changes made before it. The
/// result is repaired so that every reference holds (a deal whose stage is
/// gone keeps its answer and goes to a stage that shows it, see
/// [`Workspace::agreeing_stage`]; a missing owner or client is replaced or
/// cleared).
pub fn merge(ours: &Workspace, theirs: &Workspace) -> (Workspace, MergeReport) {
    let deleted = deletions(ours, theirs);
    let (mut merged, report) = merge_records(ours, theirs, &deleted, true);
    let mut tombstones: Vec<Tombstone> = ours
        .tombstones
        .iter()
        .chain(&theirs.tombstones)
        .filter(|t| deleted.get(&t.id) == Some(&t.deleted_at))
        .cloned()
        .collect();
    sorting::sort_by_moment_and_id(&mut tombstones, |t| (t.deleted_at, t.id));
    tombstones.dedup_by_key(|t| t.id);
    merged.tombstones = tombstones;
    repair(&mut merged);
    (merged, report)
}

/// When each record deleted on either side was last deleted.
fn deletions(ours: &Workspace, theirs: &Workspace) -> HashMap<Id, DateTime<Utc>> {
    let mut deleted: HashMap<Id, DateTime<Utc>> = HashMap::new();
    for t in ours.tombstones.iter().chain(&theirs.tombstones) {
        let at = deleted.entry(t.id).or_insert(t.deleted_at);
        *at = (*at).max(t.deleted_at);
    }
    deleted
}

/// The records of a merge before its repair, with its report; with `keep`
/// unset, only the report.
fn merge_records(
    ours: &Workspace,
    theirs: &Workspace,
    deleted: &HashMap<Id, DateTime<Utc>>,
    keep: bool,
) -> (Workspace, MergeReport) {
    let mut report = MergeReport::default();
    let merged = Workspace {
        format_version: FORMAT_VERSION,
        settings: if theirs.settings.updated_at > ours.settings.updated_at {
            theirs.settings.clone()
        } else {
            ours.settings.clone()
        },
        pipelines: merge_list(
            &ours.pipelines,
            &theirs.pipelines,
            deleted,
            &mut report,
            keep,
        ),
        deals: merge_list(&ours.deals, &theirs.deals, deleted, &mut report, keep),
        clients: merge_list(&ours.clients, &theirs.clients, deleted, &mut report, keep),
        tasks: merge_list(&ours.tasks, &theirs.tasks, deleted, &mut report, keep),
        salespeople: merge_list(
            &ours.salespeople,
            &theirs.salespeople,
            deleted,
            &mut report,
            keep,
        ),
        tombstones: Vec::new(),
        indexes: Default::default(),
    };
    (merged, report)
}

/// What [`merge_file`] would report, without making the merged workspace.
pub fn merge_file_report(
    ours: &Workspace,
    theirs: &Workspace,
    match_pipelines_too: bool,
) -> MergeReport {
    let theirs = as_merged(ours, theirs, match_pipelines_too);
    merge_records(ours, &theirs, &deletions(ours, &theirs), false).1
}

/// A pipeline of a colleague's file that is one of ours under other ids:
/// both were made from the same preset (or neither was) and have the same
/// stages, by name and kind, in the same order. Two people who started from
/// "Classic funnel" each have one; merging maps theirs onto ours instead of
/// adding a second "Classic funnel".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineMatch {
    /// Their pipeline.
    pub theirs: Id,
    /// Ours, that their deals go into.
    pub ours: Id,
    /// Our pipeline's name.
    pub name: String,
}

fn same_stages(a: &Pipeline, b: &Pipeline) -> bool {
    let key = |s: &Stage| (s.name.trim().to_lowercase(), s.kind);
    a.preset == b.preset
        && a.stages.len() == b.stages.len()
        && a.stages
            .iter()
            .zip(&b.stages)
            .all(|(x, y)| key(x) == key(y))
}

/// Their pipelines (not ours by id) that match one of ours, each of ours
/// matched at most once.
pub fn match_pipelines(ours: &Workspace, theirs: &Workspace) -> Vec<PipelineMatch> {
    let mut taken: HashSet<Id> = HashSet::new();
    let mut out = Vec::new();
    for t in &theirs.pipelines {
        if ours.pipeline(t.id).is_some() {
            continue;
        }
        let candidate = ours.pipelines.iter().find(|o| {
            !taken.contains(&o.id) && theirs.pipeline(o.id).is_none() && same_stages(o, t)
        });
        if let Some(o) = candidate {
            taken.insert(o.id);
            out.push(PipelineMatch {
                theirs: t.id,
                ours: o.id,
                name: o.name.clone(),
            });
        }
    }
    out
}

/// `theirs` with the matched pipelines replaced by ours: their deals (and
/// their stage history) point to our pipeline and to our stage in the same
/// place, and their copy of the pipeline is left out.
pub fn onto_our_pipelines(
    ours: &Workspace,
    theirs: &Workspace,
    matches: &[PipelineMatch],
) -> Workspace {
    let mut stage_map: HashMap<Id, (Id, Id)> = HashMap::new();
    for m in matches {
        let (Some(t), Some(o)) = (theirs.pipeline(m.theirs), ours.pipeline(m.ours)) else {
            continue;
        };
        for (ts, os) in t.stages.iter().zip(&o.stages) {
            stage_map.insert(ts.id, (m.ours, os.id));
        }
    }
    let mut out = theirs.clone();
    out.pipelines
        .retain(|p| !matches.iter().any(|m| m.theirs == p.id));
    for d in &mut out.deals {
        if let Some(&(pipeline, stage)) = stage_map.get(&d.stage_id) {
            d.pipeline_id = pipeline;
            d.stage_id = stage;
        }
        for e in &mut d.stage_history {
            if let Some(&(_, stage)) = stage_map.get(&e.stage_id) {
                e.stage_id = stage;
            }
        }
    }
    if let Some(m) = matches
        .iter()
        .find(|m| m.theirs == out.settings.current_pipeline_id)
    {
        out.settings.current_pipeline_id = m.ours;
    }
    out.reindex();
    out
}

/// Merges a colleague's file: as [`merge`], with their pipelines that match
/// ours (see [`match_pipelines`]) mapped onto ours when `match_pipelines` is
/// set, or kept as pipelines of their own.
pub fn merge_file(
    ours: &Workspace,
    theirs: &Workspace,
    match_pipelines_too: bool,
) -> (Workspace, MergeReport) {
    merge(ours, &as_merged(ours, theirs, match_pipelines_too))
}

/// `theirs` as [`merge_file`] merges it: with their pipelines that match
/// ours mapped onto ours when `match_pipelines_too` is set.
fn as_merged<'a>(
    ours: &Workspace,
    theirs: &'a Workspace,
    match_pipelines_too: bool,
) -> Cow<'a, Workspace> {
    let matches = if match_pipelines_too {
        match_pipelines(ours, theirs)
    } else {
        Vec::new()
    };
    if matches.is_empty() {
        Cow::Borrowed(theirs)
    } else {
        Cow::Owned(onto_our_pipelines(ours, theirs, &matches))
    }
}

/// Makes every reference hold after a merge.
fn repair(ws: &mut Workspace) {
    if ws.pipeline(ws.settings.current_pipeline_id).is_none() {
        if let Some(p) = ws.pipelines.first() {
            ws.settings.current_pipeline_id = p.id;
        }
    }
    let first_owner = ws.salespeople.first().map(|s| s.id);
    let clients: HashSet<Id> = ws.clients.iter().map(|c| c.id).collect();
    let people: HashSet<Id> = ws.salespeople.iter().map(|s| s.id).collect();
    let pipelines: HashSet<Id> = ws.pipelines.iter().map(|p| p.id).collect();
    ws.deals.retain(|d| pipelines.contains(&d.pipeline_id));
    // A deal whose stage is gone, or whose stage now means another answer,
    // keeps its answer and goes where that answer is shown; with no time of
    // its own, a merge records no stage entry (both sides merge alike).
    ws.heal(None);
    for d in &mut ws.deals {
        if !people.contains(&d.owner_id) {
            if let Some(o) = first_owner {
                d.owner_id = o;
            }
        }
        if d.client_id.is_some_and(|c| !clients.contains(&c)) {
            d.client_id = None;
        }
    }
    let deals: HashSet<Id> = ws.deals.iter().map(|d| d.id).collect();
    ws.tasks.retain(|t| deals.contains(&t.deal_id));
    ws.settings
        .quotas
        .retain(|q| q.salesperson_id.is_none_or(|s| people.contains(&s)));
    ws.reindex();
}

/// Makes a spreadsheet cell safe: text that a spreadsheet would run as a
/// formula (starting with =, +, -, @, tab or carriage return) gets a leading
/// apostrophe.
pub fn neutralise_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| neutralise_cell(c)));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn amount_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn opt_date<T: fmt::Display>(d: Option<T>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Deals as CSV (RFC 4180, formula cells neutralised).
pub fn deals_csv(ws: &Workspace) -> String {
    let header = [
        "id",
        "title",
        "client",
        "owner",
        "pipeline",
        "stage",
        "outcome",
        "value",
        "currency",
        "source",
        "expected_close",
        "decision_date",
        "lost_reason",
        "created_at",
        "closed_at",
    ];
    csv_of(
        &header,
        ws.deals.iter().map(|d| {
            let (pipeline, stage) = ws
                .stage(d.stage_id)
                .map(|(p, s)| (p.name.clone(), s.name.clone()))
                .unwrap_or_default();
            vec![
                d.id.to_string(),
                d.title.clone(),
                d.client_id
                    .and_then(|c| ws.client(c))
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                ws.salesperson(d.owner_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                pipeline,
                stage,
                format!("{:?}", d.outcome).to_lowercase(),
                amount_text(d.value.minor),
                d.value.currency.clone(),
                d.source.clone(),
                opt_date(d.expected_close),
                opt_date(d.decision_date),
                d.lost_reason
                    .as_ref()
                    .map(|r| {
                        let kind = format!("{:?}", r.kind);
                        if r.note.is_empty() {
                            kind
                        } else {
                            format!("{kind}: {}", r.note)
                        }
                    })
                    .unwrap_or_default(),
                d.created_at.to_rfc3339(),
                opt_date(d.closed_at.map(|t| t.to_rfc3339())),
            ]
        }),
    )
}

/// Clients as CSV (RFC 4180, formula cells neutralised).
pub fn clients_csv(ws: &Workspace) -> String {
    let header = [
        "id",
        "name",
        "company",
        "email",
        "phone",
        "website",
        "address",
        "source",
        "prior_contact",
        "decision_makers",
        "potential",
        "behaviour",
        "interest",
        "notes",
    ];
    csv_of(
        &header,
        ws.clients.iter().map(|c| {
            vec![
                c.id.to_string(),
                c.name.clone(),
                c.company.clone(),
                c.email.clone(),
                c.phone.clone(),
                c.website.clone(),
                c.address.clone(),
                c.source.clone(),
                c.prior_contact.to_string(),
                c.decision_makers.clone(),
                c.rating.potential.to_string(),
                c.rating.behaviour.to_string(),
                c.rating.interest.to_string(),
                c.notes.clone(),
            ]
        }),
    )
}

/// Tasks as CSV (RFC 4180, formula cells neutralised).
pub fn tasks_csv(ws: &Workspace) -> String {
    let header = ["id", "deal", "kind", "due", "done_at", "note", "outcome"];
    csv_of(
        &header,
        ws.tasks.iter().map(|t| {
            vec![
                t.id.to_string(),
                ws.deal(t.deal_id)
                    .map(|d| d.title.clone())
                    .unwrap_or_default(),
                format!("{:?}", t.kind).to_lowercase(),
                t.due.to_rfc3339(),
                opt_date(t.done_at.map(|d| d.to_rfc3339())),
                t.note.clone(),
                t.outcome.clone(),
            ]
        }),
    )
}

/// What an import does with the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// The file replaces everything.
    Replace,
    /// The file is merged into the workspace, its pipelines that match ours
    /// mapped onto ours (see [`merge_file`]).
    Merge,
    /// The file is merged, its pipelines kept as pipelines of their own.
    MergeSeparately,
}

/// Imports `text` into `ws`, all or nothing: a refused file leaves `ws` as it was.
pub fn import(
    ws: &mut Workspace,
    text: &str,
    mode: ImportMode,
    now: DateTime<Utc>,
    owner: &str,
    ids: impl FnMut() -> Id,
) -> Result<MergeReport, ImportError> {
    import_file(ws, &read_export(text, now, owner, ids)?, mode)
}

/// What replacing the workspace with `theirs` reports: every record is new.
pub fn replace_report(theirs: &Workspace) -> MergeReport {
    MergeReport {
        new: theirs.pipelines.len()
            + theirs.deals.len()
            + theirs.clients.len()
            + theirs.tasks.len()
            + theirs.salespeople.len(),
        ..MergeReport::default()
    }
}

/// Replaces or merges `ws` with a file already read by [`read_export`], all
/// or nothing.
pub fn import_file(
    ws: &mut Workspace,
    file: &ImportFile,
    mode: ImportMode,
) -> Result<MergeReport, ImportError> {
    let (next, report) = match mode {
        ImportMode::Replace => (file.workspace.clone(), replace_report(&file.workspace)),
        ImportMode::Merge => merge_file(ws, &file.workspace, true),
        ImportMode::MergeSeparately => merge_file(ws, &file.workspace, false),
    };
    validate(&next).map_err(ImportError::Invalid)?;
    *ws = next;
    Ok(report)
}
