//! The follow-up agenda: what is overdue, due today and coming up, ordered by
//! task score; and the clients list with what matters about each.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

use super::model::*;
use super::scoring::Ranking;
use super::scoring::{client_score, ClientScore};

/// Open tasks in three groups, each ordered by task score (highest first);
/// the upcoming ones day by day, each day by score.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agenda {
    /// Due before now.
    pub overdue: Vec<(Id, u8)>,
    /// Due from now until the end of today.
    pub today: Vec<(Id, u8)>,
    /// Due after today: the earliest day first, each day by score.
    pub upcoming: Vec<(Id, u8)>,
    /// Each day of `upcoming` that has tasks, with the place of its first.
    pub upcoming_days: Vec<(NaiveDate, usize)>,
}

/// The reader's calendar: the local day a moment falls on, and when a
/// local day ends (days may be 23 or 25 hours long).
pub trait Calendar {
    /// The local date at `at`.
    fn day_of(&self, at: DateTime<Utc>) -> NaiveDate;
    /// The first moment after `day`.
    fn end_of(&self, day: NaiveDate) -> DateTime<Utc>;
}

/// A calendar at a fixed distance from UTC.
pub struct FixedCalendar(pub FixedOffset);

impl Calendar for FixedCalendar {
    fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }
    fn end_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let next = day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN);
        (next - Duration::seconds(self.0.local_minus_utc().into())).and_utc()
    }
}

/// The agenda at `now` in the reader's `calendar`.
pub fn agenda(ws: &Workspace, now: DateTime<Utc>, calendar: &impl Calendar) -> Agenda {
    let by_due: Vec<&Task> = ws.open_tasks_by_due().collect();
    let end_of_today = calendar.end_of(calendar.day_of(now));
    let today = by_due.partition_point(|t| t.due < now);
    let upcoming = today + by_due[today..].partition_point(|t| t.due < end_of_today);
    let ranking = Ranking::of(ws);
    let mut out = Agenda {
        overdue: ranking.rank(&by_due[..today], now),
        today: ranking.rank(&by_due[today..upcoming], now),
        ..Agenda::default()
    };
    // Day by day, jumping over days without tasks.
    let mut rest = &by_due[upcoming..];
    while let Some(first) = rest.first() {
        let day = calendar.day_of(first.due);
        let end = calendar.end_of(day);
        let len = rest.partition_point(|t| t.due < end).max(1);
        out.upcoming_days.push((day, out.upcoming.len()));
        out.upcoming.extend(ranking.rank(&rest[..len], now));
        rest = &rest[len..];
    }
    out
}

/// Number of open tasks due before `now`.
pub fn overdue_count(ws: &Workspace, now: DateTime<Utc>) -> usize {
    ws.open_tasks_by_due().take_while(|t| t.due < now).count()
}

/// Open tasks that fell due in `(since, now]`: the ones to announce.
pub fn fell_due(ws: &Workspace, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Id> {
    ws.tasks
        .iter()
        .filter(|t| t.done_at.is_none() && t.due > since && t.due <= now)
        .map(|t| t.id)
        .collect()
}

/// What the clients list shows about a client.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientOverview {
    /// The client.
    pub id: Id,
    /// Score and rank, if rated.
    pub score: Option<ClientScore>,
    /// Undecided deals.
    pub open_deals: usize,
    /// Their value in the workspace currency.
    pub open_value: i64,
    /// The last contact task done on any of the client's deals.
    pub last_contact: Option<DateTime<Utc>>,
}

/// The overview of every client, in the order they were added.
pub fn client_overviews(ws: &Workspace) -> Vec<ClientOverview> {
    let mut by_client: HashMap<Id, ClientOverview> = ws
        .clients
        .iter()
        .map(|c| {
            (
                c.id,
                ClientOverview {
                    id: c.id,
                    score: client_score(c.rating),
                    open_deals: 0,
                    open_value: 0,
                    last_contact: None,
                },
            )
        })
        .collect();
    let mut deal_client: HashMap<Id, Id> = HashMap::new();
    for d in &ws.deals {
        let Some(c) = d.client_id else { continue };
        deal_client.insert(d.id, c);
        if let Some(o) = by_client.get_mut(&c) {
            if matches!(d.outcome, Outcome::Open | Outcome::Maybe) {
                o.open_deals += 1;
                if d.value.currency == ws.settings.currency {
                    o.open_value += d.value.minor;
                }
            }
        }
    }
    for t in &ws.tasks {
        let (Some(done), true) = (t.done_at, t.kind.is_contact()) else {
            continue;
        };
        if let Some(o) = deal_client
            .get(&t.deal_id)
            .and_then(|c| by_client.get_mut(c))
        {
            o.last_contact = o.last_contact.max(Some(done));
        }
    }
    ws.clients
        .iter()
        .filter_map(|c| by_client.remove(&c.id))
        .collect()
}
