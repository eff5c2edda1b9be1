use serde::{Deserialize, Serialize};

use super::model::{Id, Pipeline, Stage};

/// The stage layouts the product ships with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StagePreset {
    /// New lead → Contact made → Needs analysis → Quote / offer sent → Negotiation → Closing.
    ClassicFunnel,
}

impl StagePreset {
    /// Name of the pipeline created from this preset.
    pub fn name(self) -> &'static str {
        match self {
            StagePreset::ClassicFunnel => "Classic funnel",
        }
    }

    /// Stage names in order.
    pub fn stage_names(self) -> &'static [&'static str] {
        match self {
            StagePreset::ClassicFunnel => &[
                "New lead",
                "Contact made",
                "Needs analysis",
                "Quote / offer sent",
                "Negotiation",
                "Closing",
            ],
        }
    }

    /// A new pipeline with this preset's stages.
    pub fn pipeline(self, ids: &mut impl FnMut() -> Id) -> Pipeline {
        Pipeline {
            id: ids(),
            name: self.name().to_string(),
            stages: self
                .stage_names()
                .iter()
                .map(|name| Stage {
                    id: ids(),
                    name: (*name).to_string(),
                })
                .collect(),
        }
    }
}
