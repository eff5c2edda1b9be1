use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money::Money;
use super::presets::StagePreset;

/// Identifier of any record; random UUIDs stay unique across machines, so a
/// colleague's export merges without collisions.
pub type Id = Uuid;

/// The version of the stored and exported data format this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// One step of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable id of the stage.
    pub id: Id,
    /// Name shown on the board.
    pub name: String,
}

/// An ordered list of stages a deal moves through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Stable id of the pipeline.
    pub id: Id,
    /// Name of the pipeline.
    pub name: String,
    /// Stages in board order, left to right.
    pub stages: Vec<Stage>,
}

/// A sales opportunity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// Stable id of the deal.
    pub id: Id,
    /// What is being sold, to whom.
    pub title: String,
    /// Expected value of the deal.
    pub value: Money,
    /// The stage the deal is in now.
    pub stage_id: Id,
    /// When the deal was created.
    pub created_at: DateTime<Utc>,
}

/// The whole dataset of one user: what is stored and exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Version of the data format, see [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Default currency for new deals.
    pub currency: String,
    /// All pipelines; the first is shown.
    pub pipelines: Vec<Pipeline>,
    /// All deals.
    pub deals: Vec<Deal>,
}

impl Workspace {
    /// A new workspace with one pipeline made from `preset`; `ids` supplies fresh ids.
    pub fn new(preset: StagePreset, currency: &str, mut ids: impl FnMut() -> Id) -> Self {
        let pipeline = preset.pipeline(&mut ids);
        Workspace {
            format_version: FORMAT_VERSION,
            currency: currency.to_string(),
            pipelines: vec![pipeline],
            deals: Vec::new(),
        }
    }

    /// The pipeline shown on the board.
    pub fn current_pipeline(&self) -> Option<&Pipeline> {
        self.pipelines.first()
    }

    /// Deals in the given stage, in the order they were added.
    pub fn deals_in_stage(&self, stage_id: Id) -> impl Iterator<Item = &Deal> {
        self.deals.iter().filter(move |d| d.stage_id == stage_id)
    }
}
