//! The versioned data format: reading any version this build knows, and
//! migrating older ones forward.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::model::*;
use super::money::Money;
use super::presets::StagePreset;

/// Why stored or imported data could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Not JSON at all.
    NotJson(String),
    /// JSON, but not shaped like this product's data.
    WrongShape(String),
    /// Written by a newer version of the app.
    TooNew {
        /// The version found.
        found: u32,
    },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::NotJson(e) => write!(f, "The data is not valid JSON ({e})."),
            FormatError::WrongShape(e) => {
                write!(f, "The data is not a Pipeline CRM workspace ({e}).")
            }
            FormatError::TooNew { found } => write!(
                f,
                "The data was written by a newer version of the app (format {found}; this version reads up to {FORMAT_VERSION})."
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Reads a workspace of any known version from JSON text, migrating it to
/// [`FORMAT_VERSION`]. `now` stamps migrated records; `owner` names the
/// salesperson that version 1 data did not have and `ids` gives new records
/// their ids. Returns whether a migration happened.
///
/// Every version is read straight from the text: going through a generic
/// JSON value would cost twice the time and memory, and a second copy of
/// every record's reader in the download.
pub fn read_workspace_text(
    text: &str,
    now: DateTime<Utc>,
    owner: &str,
    ids: impl FnMut() -> Id,
) -> Result<(Workspace, bool), FormatError> {
    let shape = |e: serde_json::Error| FormatError::WrongShape(e.to_string());
    match declared_version_of_text(text)? {
        v if v > FORMAT_VERSION => Err(FormatError::TooNew { found: v }),
        FORMAT_VERSION => serde_json::from_str(text)
            .map(|ws| (ws, false))
            .map_err(shape),
        1 => {
            let v1: V1Workspace = serde_json::from_str(text).map_err(shape)?;
            Ok((migrate_v1(v1, now, owner, ids), true))
        }
        v => Err(FormatError::WrongShape(format!(
            "unknown format_version {v}"
        ))),
    }
}

/// The version declared at the start of a JSON text, as this build writes it
/// (`{"format_version":N,…`); `None` when the text does not start that way.
fn leading_version(text: &str) -> Option<u32> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"format_version\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let digits: &str = &rest[..rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len())];
    digits.parse().ok()
}

/// The version a JSON text declares, reading as little of it as possible.
pub fn declared_version_of_text(text: &str) -> Result<u32, FormatError> {
    if let Some(v) = leading_version(text) {
        return Ok(v);
    }
    #[derive(Deserialize)]
    struct Declared {
        format_version: u32,
    }
    serde_json::from_str::<Declared>(text)
        .map(|d| d.format_version)
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => {
                FormatError::WrongShape("no format_version".into())
            }
            _ => FormatError::NotJson(e.to_string()),
        })
}

#[derive(Deserialize)]
struct V1Stage {
    id: Id,
    name: String,
}

#[derive(Deserialize)]
struct V1Pipeline {
    id: Id,
    name: String,
    stages: Vec<V1Stage>,
}

#[derive(Deserialize)]
struct V1Deal {
    id: Id,
    title: String,
    value: Money,
    stage_id: Id,
    created_at: DateTime<Utc>,
}

/// Version 1: the first release, a board of the classic funnel with deals of
/// a title and a value.
#[derive(Deserialize)]
struct V1Workspace {
    currency: String,
    pipelines: Vec<V1Pipeline>,
    deals: Vec<V1Deal>,
}

/// Version 1 to 2: stages gain kind, probability and idle limit (from the
/// classic preset, which was the only one), deals gain an owner (one new
/// salesperson), a pipeline and a stage history starting at creation.
fn migrate_v1(
    v1: V1Workspace,
    now: DateTime<Utc>,
    owner: &str,
    mut ids: impl FnMut() -> Id,
) -> Workspace {
    let owner_id = ids();
    let classic = StagePreset::ClassicFunnel.stages();
    let pipelines: Vec<Pipeline> = v1
        .pipelines
        .into_iter()
        .map(|p| Pipeline {
            id: p.id,
            name: p.name,
            preset: Some(StagePreset::ClassicFunnel),
            stages: p
                .stages
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let template = classic.get(i);
                    Stage {
                        id: s.id,
                        name: s.name,
                        kind: StageKind::Open,
                        probability: template.map_or(0, |t| t.probability),
                        idle_days: template.and_then(|t| t.idle_days),
                    }
                })
                .collect(),
            updated_at: now,
        })
        .collect();
    let deals = v1
        .deals
        .into_iter()
        .map(|d| {
            let pipeline_id = pipelines
                .iter()
                .find(|p| p.stage(d.stage_id).is_some())
                .map_or(Id::nil(), |p| p.id);
            Deal {
                id: d.id,
                title: d.title,
                client_id: None,
                owner_id,
                value: d.value,
                source: String::new(),
                pipeline_id,
                stage_id: d.stage_id,
                outcome: Outcome::Open,
                lost_reason: None,
                expected_close: None,
                decision_maker_confirmed: None,
                budget: None,
                decision_date: None,
                competitors: String::new(),
                needs: String::new(),
                next_step: String::new(),
                qualified: None,
                created_at: d.created_at,
                updated_at: d.created_at,
                closed_at: None,
                stage_history: vec![StageEntry {
                    stage_id: d.stage_id,
                    entered_at: d.created_at,
                }],
                dismissed_suggestions: Vec::new(),
            }
        })
        .collect();
    Workspace {
        format_version: FORMAT_VERSION,
        settings: Settings {
            currency: v1.currency,
            current_pipeline_id: pipelines.first().map_or(Id::nil(), |p| p.id),
            quotas: Vec::new(),
            updated_at: now,
        },
        pipelines,
        deals,
        clients: Vec::new(),
        tasks: Vec::new(),
        salespeople: vec![Salesperson {
            id: owner_id,
            name: owner.to_string(),
            updated_at: now,
        }],
        tombstones: Vec::new(),
        indexes: Default::default(),
    }
}
