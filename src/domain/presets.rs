use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Id, Pipeline, Stage, StageKind};

/// The stage layouts the product ships with (docs/PRODUCT.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StagePreset {
    /// New lead → Contact made → Needs analysis → Quote / offer sent → Negotiation → Closing.
    ClassicFunnel,
    /// The trainer's process, with "Let them buy" and "Post-sale care".
    TrainersProcess,
    /// Suspect → Prospect → Approach → Negotiation → Conclusion → Order.
    Spanco,
}

/// One stage of a preset: English name, kind, probability and idle limit.
pub struct StageTemplate {
    /// Name in English; the UI passes translated names instead.
    pub name: &'static str,
    /// What the stage means.
    pub kind: StageKind,
    /// Win probability in percent.
    pub probability: u8,
    /// Idle limit in days.
    pub idle_days: Option<u32>,
}

const fn stage(
    name: &'static str,
    kind: StageKind,
    probability: u8,
    idle_days: Option<u32>,
) -> StageTemplate {
    StageTemplate {
        name,
        kind,
        probability,
        idle_days,
    }
}

use StageKind::{Lost, Open, Parking, PostSale, Won};

// Idle limits follow the cadence: a sent offer goes stale after the 48 h
// follow-up window, early stages after a week without contact.
const CLASSIC: [StageTemplate; 6] = [
    stage("New lead", Open, 10, Some(3)),
    stage("Contact made", Open, 20, Some(7)),
    stage("Needs analysis", Open, 40, Some(7)),
    stage("Quote / offer sent", Open, 60, Some(2)),
    stage("Negotiation", Open, 80, Some(7)),
    stage("Closing", Open, 90, Some(14)),
];

const TRAINER: [StageTemplate; 9] = [
    stage("Inquiry received", Open, 10, Some(1)),
    stage("Contacted", Open, 25, Some(3)),
    stage("Preparing offer", Open, 40, Some(1)),
    stage("Offer sent", Open, 50, Some(2)),
    stage("Second contact (follow-up)", Open, 70, Some(7)),
    stage("Won", Won, 100, None),
    stage("Lost", Lost, 0, None),
    stage("Let them buy", Parking, 20, Some(30)),
    stage("Post-sale care", PostSale, 100, Some(90)),
];

const SPANCO: [StageTemplate; 6] = [
    stage("Suspect", Open, 5, Some(14)),
    stage("Prospect", Open, 15, Some(7)),
    stage("Approach", Open, 35, Some(7)),
    stage("Negotiation", Open, 60, Some(7)),
    stage("Conclusion", Open, 85, Some(7)),
    stage("Order", Won, 100, None),
];

impl StagePreset {
    /// Every preset, in the order the first-run screen offers them.
    pub const ALL: [StagePreset; 3] = [
        StagePreset::ClassicFunnel,
        StagePreset::TrainersProcess,
        StagePreset::Spanco,
    ];

    /// English name of the pipeline created from this preset.
    pub fn name(self) -> &'static str {
        match self {
            StagePreset::ClassicFunnel => "Classic funnel",
            StagePreset::TrainersProcess => "Trainer's process",
            StagePreset::Spanco => "SPANCO",
        }
    }

    /// The preset's stages in order.
    pub fn stages(self) -> &'static [StageTemplate] {
        match self {
            StagePreset::ClassicFunnel => &CLASSIC,
            StagePreset::TrainersProcess => &TRAINER,
            StagePreset::Spanco => &SPANCO,
        }
    }

    /// English stage names in order.
    pub fn stage_names(self) -> Vec<&'static str> {
        self.stages().iter().map(|s| s.name).collect()
    }

    /// A new pipeline with this preset's stages and English names.
    pub fn pipeline(self, ids: &mut impl FnMut() -> Id, now: DateTime<Utc>) -> Pipeline {
        let names = self.stage_names();
        self.pipeline_named(self.name(), &names, ids, now)
    }

    /// A new pipeline with this preset's stages under the given (translated)
    /// names; a missing name falls back to English.
    pub fn pipeline_named(
        self,
        name: &str,
        stage_names: &[&str],
        ids: &mut impl FnMut() -> Id,
        now: DateTime<Utc>,
    ) -> Pipeline {
        Pipeline {
            id: ids(),
            name: name.to_string(),
            stages: self
                .stages()
                .iter()
                .enumerate()
                .map(|(i, t)| Stage {
                    id: ids(),
                    name: stage_names.get(i).copied().unwrap_or(t.name).to_string(),
                    kind: t.kind,
                    probability: t.probability,
                    idle_days: t.idle_days,
                })
                .collect(),
            preset: Some(self),
            updated_at: now,
        }
    }
}
