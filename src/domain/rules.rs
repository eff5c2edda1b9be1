//! The follow-up cadence (docs/PRODUCT.md §4) and idle deals. Rules only suggest:
//! a [`Suggestion`] becomes a change when the user accepts it.

use chrono::{DateTime, Duration, Utc};

use super::command::{Command, TaskInput};
use super::model::*;

/// The offer is due this long after the contact that promised it.
pub const OFFER_DUE_AFTER: Duration = Duration::hours(24);
/// The follow-up is due this long after the offer was sent (the "3×48" method).
pub const FOLLOW_UP_DUE_AFTER: Duration = Duration::hours(48);
/// A reminder goes out this long before a meeting.
pub const MEETING_REMINDER_BEFORE: Duration = Duration::hours(24);
/// After this many follow-ups without a decision, suggest "Let them buy".
pub const FOLLOW_UPS_BEFORE_PARKING: usize = 3;
/// The post-sale contact is planned this long after a win.
pub const POST_SALE_AFTER: Duration = Duration::days(7);

/// What a cadence rule proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SuggestionKind {
    /// Send the offer promised in a contact, within 24 h.
    PrepareOffer,
    /// Follow up on a sent offer within 48 h.
    FollowUpOffer,
    /// Remind the client the day before a meeting.
    MeetingReminder,
    /// Three follow-ups without a decision: move the deal to "Let them buy".
    LetThemBuy,
    /// After a win, plan the post-sale contact (who, when, why).
    PostSaleContact,
}

/// A proposed next action for a deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The deal it is for.
    pub deal_id: Id,
    /// What is proposed.
    pub kind: SuggestionKind,
    /// Stable key, used to dismiss it.
    pub key: String,
    /// When the proposed action is due.
    pub due: DateTime<Utc>,
    /// The task that triggered it, if any.
    pub trigger_task: Option<Id>,
    /// The stage to move the deal to, if the suggestion moves it.
    pub stage_id: Option<Id>,
    /// Follow-ups done so far (for "Let them buy").
    pub follow_ups: usize,
}

impl Suggestion {
    /// The task kind this suggestion creates, if it creates one.
    pub fn task_kind(&self) -> Option<TaskKind> {
        match self.kind {
            SuggestionKind::PrepareOffer => Some(TaskKind::Offer),
            SuggestionKind::FollowUpOffer => Some(TaskKind::FollowUp),
            SuggestionKind::MeetingReminder => Some(TaskKind::Call),
            SuggestionKind::PostSaleContact => Some(TaskKind::PostSale),
            SuggestionKind::LetThemBuy => None,
        }
    }

    /// The commands that carry it out: `task_id` names the task it creates and
    /// `note` says why (the UI passes it in the user's language).
    pub fn accept(&self, task_id: Id, note: &str) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(kind) = self.task_kind() {
            commands.push(Command::CreateTask {
                id: task_id,
                deal_id: self.deal_id,
                input: TaskInput {
                    kind,
                    due: self.due,
                    note: note.to_string(),
                },
            });
        }
        if let Some(stage_id) = self.stage_id {
            commands.push(Command::MoveDeal {
                id: self.deal_id,
                stage_id,
            });
        }
        commands
    }
}

/// Any task of `kind` that was created or is due at or after `since`.
fn has_task_since(tasks: &[&Task], kind: TaskKind, since: DateTime<Utc>) -> bool {
    tasks
        .iter()
        .any(|t| t.kind == kind && (t.created_at >= since || t.due >= since))
}

/// The cadence suggestions for one deal, given its tasks, not yet dismissed.
pub fn deal_suggestions(
    deal: &Deal,
    pipeline: Option<&Pipeline>,
    tasks: &[&Task],
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut push = |kind, key: String, due, trigger_task, stage_id, follow_ups| {
        if !deal.dismissed_suggestions.contains(&key) {
            out.push(Suggestion {
                deal_id: deal.id,
                kind,
                key,
                due,
                trigger_task,
                stage_id,
                follow_ups,
            });
        }
    };
    let deciding = matches!(deal.outcome, Outcome::Open | Outcome::Maybe);

    for t in tasks {
        let Some(done_at) = t.done_at else {
            // The reminder is only proposed for meetings booked at least a day ahead.
            if t.kind == TaskKind::Meeting && deal.outcome != Outcome::Lost {
                let remind_at = t.due - MEETING_REMINDER_BEFORE;
                let reminded = tasks.iter().any(|r| {
                    matches!(r.kind, TaskKind::Call | TaskKind::Email)
                        && r.due >= t.due - MEETING_REMINDER_BEFORE * 2
                        && r.due < t.due
                });
                if remind_at >= t.created_at && !reminded {
                    push(
                        SuggestionKind::MeetingReminder,
                        format!("meeting-reminder:{}", t.id),
                        remind_at,
                        Some(t.id),
                        None,
                        0,
                    );
                }
            }
            continue;
        };
        if !deciding {
            continue;
        }
        if t.offer_promised
            && t.kind.is_contact()
            && !has_task_since(tasks, TaskKind::Offer, done_at)
        {
            push(
                SuggestionKind::PrepareOffer,
                format!("offer:{}", t.id),
                done_at + OFFER_DUE_AFTER,
                Some(t.id),
                None,
                0,
            );
        }
        if t.kind == TaskKind::Offer && !has_task_since(tasks, TaskKind::FollowUp, done_at) {
            push(
                SuggestionKind::FollowUpOffer,
                format!("follow-up:{}", t.id),
                done_at + FOLLOW_UP_DUE_AFTER,
                Some(t.id),
                None,
                0,
            );
        }
    }

    let pipeline_stage = |kind| pipeline.and_then(|p| p.first_of_kind(kind));
    let in_kind = |kind| {
        pipeline
            .and_then(|p| p.stage(deal.stage_id))
            .map(|s| s.kind)
            == Some(kind)
    };

    if deciding && !in_kind(StageKind::Parking) {
        let done_follow_ups: Vec<&&Task> = tasks
            .iter()
            .filter(|t| t.kind == TaskKind::FollowUp && t.done_at.is_some())
            .collect();
        if done_follow_ups.len() >= FOLLOW_UPS_BEFORE_PARKING {
            if let Some(parking) = pipeline_stage(StageKind::Parking) {
                let last = done_follow_ups.iter().filter_map(|t| t.done_at).max();
                push(
                    SuggestionKind::LetThemBuy,
                    "let-them-buy".to_string(),
                    last.unwrap_or(deal.updated_at),
                    None,
                    Some(parking.id),
                    done_follow_ups.len(),
                );
            }
        }
    }

    if let (Outcome::Won, Some(closed_at)) = (deal.outcome, deal.closed_at) {
        if !has_task_since(tasks, TaskKind::PostSale, closed_at) {
            let stage_id = pipeline_stage(StageKind::PostSale)
                .filter(|s| s.id != deal.stage_id)
                .map(|s| s.id);
            push(
                SuggestionKind::PostSaleContact,
                format!("post-sale:{}", closed_at.timestamp()),
                closed_at + POST_SALE_AFTER,
                None,
                stage_id,
                0,
            );
        }
    }
    out
}

/// Cadence suggestions for every deal, most urgent first.
pub fn suggestions(ws: &Workspace) -> Vec<Suggestion> {
    KeptSuggestions::of(ws).list
}

/// Where a suggestion goes in the list: by due time, then by its deal's
/// place among the deals, then by its place among the deal's suggestions.
type Place = (DateTime<Utc>, usize, usize);

/// Every deal's cadence suggestions, most urgent first, kept up to date
/// from the workspace's journal of changes: after a change to one deal
/// (a task done, a stage moved) only that deal's are worked out again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeptSuggestions {
    /// The suggestions, in the order of `places`.
    list: Vec<Suggestion>,
    places: Vec<Place>,
    /// The last change of the workspace they were worked out for.
    seen: Option<u64>,
}

impl KeptSuggestions {
    /// The suggestions of `ws`, all worked out.
    pub fn of(ws: &Workspace) -> Self {
        let mut kept: Vec<(Place, Suggestion)> = Vec::new();
        for (at, deal) in ws.deals.iter().enumerate() {
            for (n, s) in suggestions_for(ws, deal).into_iter().enumerate() {
                kept.push(((s.due, at, n), s));
            }
        }
        // Places are unique, so any sort gives the one order.
        kept.sort_unstable_by_key(|(place, _)| *place);
        let (places, list) = kept.into_iter().unzip();
        KeptSuggestions {
            list,
            places,
            seen: ws.last_change(),
        }
    }

    /// The suggestions, most urgent first (the order of [`suggestions`]).
    pub fn list(&self) -> &[Suggestion] {
        &self.list
    }

    /// Brings the suggestions up to date with `ws`; says whether they changed.
    pub fn refresh(&mut self, ws: &Workspace) -> bool {
        let Some(deals) = ws.deals_changed_since(self.seen) else {
            let fresh = Self::of(ws);
            let changed = fresh.list != self.list;
            *self = fresh;
            return changed;
        };
        self.seen = ws.last_change();
        let mut changed = false;
        for id in deals {
            let mut before = Vec::new();
            let mut k = 0;
            while k < self.list.len() {
                if self.list[k].deal_id == id {
                    self.places.remove(k);
                    before.push(self.list.remove(k));
                } else {
                    k += 1;
                }
            }
            // A deal changed keeps its place among the deals (the journal
            // names no deal for a change that moves deals in their list).
            let Some(at) = ws.deal_position(id) else {
                changed |= !before.is_empty();
                continue;
            };
            let now = suggestions_for(ws, &ws.deals[at]);
            // `before` is in the list's order: by due time, then as the
            // rules gave them.
            let mut in_order: Vec<&Suggestion> = now.iter().collect();
            in_order.sort_by_key(|s| s.due);
            changed |= !before.iter().eq(in_order.iter().copied());
            for (n, s) in now.into_iter().enumerate() {
                let place = (s.due, at, n);
                let k = self.places.partition_point(|p| *p < place);
                self.places.insert(k, place);
                self.list.insert(k, s);
            }
        }
        changed
    }
}

/// Cadence suggestions for one deal.
pub fn suggestions_for(ws: &Workspace, deal: &Deal) -> Vec<Suggestion> {
    let tasks: Vec<&Task> = ws.tasks_of_deal(deal.id).collect();
    deal_suggestions(deal, ws.pipeline(deal.pipeline_id), &tasks)
}

/// The last time a task of the deal was created or done.
pub fn last_task_activity(tasks: &[&Task]) -> Option<DateTime<Utc>> {
    tasks
        .iter()
        .flat_map(|t| [Some(t.created_at), t.done_at])
        .flatten()
        .max()
}

/// Whether an undecided deal has had no activity for longer than `idle_days`,
/// given when its tasks last saw activity.
pub fn is_idle_after(
    deal: &Deal,
    idle_days: Option<u32>,
    last_task: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    idle_from(deal, idle_days, last_task).is_some_and(|from| now > from)
}

/// The moment after which an undecided deal counts as idle, if nothing
/// happens to it before (see [`is_idle_after`]); `None` when it never does:
/// no limit, or the deal is won or lost.
pub fn idle_from(
    deal: &Deal,
    idle_days: Option<u32>,
    last_task: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let limit = idle_days?;
    if !matches!(deal.outcome, Outcome::Open | Outcome::Maybe) {
        return None;
    }
    let last = last_task.map_or(deal.entered_current_stage(), |t| {
        t.max(deal.entered_current_stage())
    });
    last.checked_add_signed(Duration::days(i64::from(limit)))
}
