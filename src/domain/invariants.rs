//! What must hold of a workspace after every change, whatever the change:
//! the guard the native tests check after each command (and after random
//! sequences of them), so that no way of changing data can hide or orphan a
//! record. Import and merge keep the same promises by their own checks (see
//! [`super::exchange::validate`] and the repair after a merge).

use std::collections::HashSet;

use super::index::Index;
use super::limits::{too_long, TextField};
use super::model::*;

/// Every broken promise of `ws`, in words; empty when all hold.
pub fn violations(ws: &Workspace) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    let mut unique = |id: Id, what: &str, out: &mut Vec<String>| {
        if !ids.insert(id) {
            out.push(format!("{what} {id}: its id is used twice"));
        }
    };
    if ws.pipeline(ws.settings.current_pipeline_id).is_none() {
        out.push("the board shows a pipeline that does not exist".into());
    }
    if ws.salespeople.is_empty() {
        out.push("no salesperson to own deals".into());
    }
    for p in &ws.pipelines {
        unique(p.id, "pipeline", &mut out);
        if !p.stages.iter().any(|s| s.kind == StageKind::Open) {
            out.push(format!("pipeline {}: no open stage", p.name));
        }
        for s in &p.stages {
            unique(s.id, "stage", &mut out);
            if too_long(TextField::Name, &s.name) {
                out.push(format!("stage {}: name too long", s.id));
            }
        }
        if too_long(TextField::Name, &p.name) {
            out.push(format!("pipeline {}: name too long", p.id));
        }
    }
    for s in &ws.salespeople {
        unique(s.id, "salesperson", &mut out);
    }
    for c in &ws.clients {
        unique(c.id, "client", &mut out);
        for (field, text) in [
            (TextField::Name, &c.name),
            (TextField::Company, &c.company),
            (TextField::Email, &c.email),
            (TextField::Phone, &c.phone),
            (TextField::Website, &c.website),
            (TextField::Address, &c.address),
            (TextField::Source, &c.source),
            (TextField::DecisionMakers, &c.decision_makers),
            (TextField::Notes, &c.notes),
        ] {
            if too_long(field, text) {
                out.push(format!("client {}: {field:?} too long", c.id));
            }
        }
    }
    for d in &ws.deals {
        unique(d.id, "deal", &mut out);
        let what = format!("deal \"{}\"", d.title);
        let Some(pipeline) = ws.pipeline(d.pipeline_id) else {
            out.push(format!("{what}: its pipeline does not exist"));
            continue;
        };
        let Some(stage) = pipeline.stage(d.stage_id) else {
            out.push(format!("{what}: its stage is not in its pipeline"));
            continue;
        };
        match (d.outcome, stage.kind) {
            (Outcome::Open | Outcome::Maybe, kind) if !kind.is_column() => out.push(format!(
                "{what}: open in {kind:?} stage, shown on no screen"
            )),
            (Outcome::Won, StageKind::Lost) => out.push(format!("{what}: won in a Lost stage")),
            (Outcome::Lost, StageKind::Won) => out.push(format!("{what}: lost in a Won stage")),
            _ => {}
        }
        match (&d.lost_reason, d.outcome) {
            (None, Outcome::Lost) => out.push(format!("{what}: lost without a reason")),
            (Some(_), o) if o != Outcome::Lost => {
                out.push(format!("{what}: a lost reason but {o:?}"))
            }
            (Some(r), _) if r.kind == LostReasonKind::Other && r.note.trim().is_empty() => {
                out.push(format!("{what}: lost for \"Other\" without a note"))
            }
            (Some(r), _) if too_long(TextField::LostNote, &r.note) => {
                out.push(format!("{what}: lost note too long"))
            }
            _ => {}
        }
        if d.outcome.is_closed() != d.closed_at.is_some() {
            out.push(format!(
                "{what}: {:?} with closed_at {:?}",
                d.outcome, d.closed_at
            ));
        }
        if ws.salesperson(d.owner_id).is_none() {
            out.push(format!("{what}: its owner does not exist"));
        }
        if d.client_id.is_some_and(|c| ws.client(c).is_none()) {
            out.push(format!("{what}: its client does not exist"));
        }
        if d.stage_history.is_empty() {
            out.push(format!("{what}: no stage history"));
        }
        for (field, text) in [
            (TextField::Title, &d.title),
            (TextField::Source, &d.source),
            (TextField::Competitors, &d.competitors),
            (TextField::Needs, &d.needs),
            (TextField::NextStep, &d.next_step),
        ] {
            if too_long(field, text) {
                out.push(format!("{what}: {field:?} too long"));
            }
        }
    }
    for t in &ws.tasks {
        unique(t.id, "task", &mut out);
        if ws.deal(t.deal_id).is_none() {
            out.push(format!("task {}: its deal does not exist", t.id));
        }
        if too_long(TextField::TaskNote, &t.note) || too_long(TextField::TaskOutcome, &t.outcome) {
            out.push(format!("task {}: text too long", t.id));
        }
    }
    // The indexes the one door keeps must say what indexes built anew say.
    if ws.built_index().is_some_and(|kept| *kept != Index::of(ws)) {
        out.push("the indexes disagree with the records".into());
    }
    out
}
