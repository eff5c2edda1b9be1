//! What the board shows: the shown pipeline's deals by column and closed
//! zone, after the salesperson and search filters.

use crate::domain::metrics::weighted;
use crate::domain::{Deal, Id, Outcome, Stage, StageKind, Workspace};
use crate::ui::needle::Needle;

/// A column after the filters: its deals (as positions in
/// `Workspace::deals`, in the order they were added) and their totals.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ColumnModel {
    pub(super) stage: Stage,
    pub(super) deals: Vec<usize>,
    pub(super) total: i64,
    pub(super) weighted: i64,
    pub(super) other_currency: usize,
}

/// Closed deals (won or lost), kept off the columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct ClosedModel {
    pub(super) deals: Vec<usize>,
    pub(super) total: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct BoardModel {
    pub(super) columns: Vec<ColumnModel>,
    pub(super) won: ClosedModel,
    pub(super) lost: ClosedModel,
}

/// Whether a deal's title, client or owner holds the needle.
pub(super) fn in_deal(needle: &Needle, ws: &Workspace, d: &Deal) -> bool {
    needle.in_text(&d.title)
        || d.client_id
            .and_then(|c| ws.client(c))
            .is_some_and(|c| needle.in_text(&c.name))
        || ws
            .salesperson(d.owner_id)
            .is_some_and(|s| needle.in_text(&s.name))
}

/// The shown pipeline's deals by column and closed zone, after the
/// salesperson and search filters. It is made from the workspace's index of
/// deals by stage on each change; comparing it with the one before is what
/// tells the columns whether to look again.
pub(super) fn board_model(ws: &Workspace, owner: Option<Id>, search: &str) -> BoardModel {
    let Some(pipeline) = ws.current_pipeline() else {
        return BoardModel::default();
    };
    let needle = Needle::new(search);
    let currency = &ws.settings.currency;
    let kept = |d: &Deal| {
        owner.is_none_or(|o| d.owner_id == o) && (needle.is_empty() || in_deal(&needle, ws, d))
    };
    let value = |d: &Deal| {
        let same = d.value.currency == *currency;
        (if same { d.value.minor } else { 0 }, !same)
    };
    let mut model = BoardModel::default();
    for stage in &pipeline.stages {
        let mut column = stage.kind.is_column().then(|| ColumnModel {
            stage: stage.clone(),
            deals: Vec::new(),
            total: 0,
            weighted: 0,
            other_currency: 0,
        });
        for &at in ws.deal_positions_in_stage(stage.id) {
            let Some(d) = ws.deals.get(at).filter(|d| kept(d)) else {
                continue;
            };
            let (minor, other) = value(d);
            // A won deal in post-sale care stays on the board.
            let zone = match d.outcome {
                Outcome::Won if stage.kind != StageKind::PostSale => &mut model.won,
                Outcome::Lost => &mut model.lost,
                _ => match column.as_mut() {
                    Some(c) => {
                        c.deals.push(at);
                        c.total += minor;
                        c.weighted += weighted(minor, stage.probability);
                        c.other_currency += usize::from(other);
                        continue;
                    }
                    None => continue,
                },
            };
            zone.deals.push(at);
            zone.total += minor;
        }
        model.columns.extend(column);
    }
    // Closed deals in the order they were added, whichever stage they left.
    model.won.deals.sort_unstable();
    model.lost.deals.sort_unstable();
    model
}

/// Neighbouring column stages of `stage_id`: (previous, next).
pub(super) fn neighbours(model: &BoardModel, stage_id: Id) -> (Option<Id>, Option<Id>) {
    let ids: Vec<Id> = model.columns.iter().map(|c| c.stage.id).collect();
    let Some(i) = ids.iter().position(|s| *s == stage_id) else {
        return (None, None);
    };
    (i.checked_sub(1).map(|j| ids[j]), ids.get(i + 1).copied())
}
