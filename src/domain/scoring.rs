//! Client score and task score (docs/PRODUCT.md §3–4): whom to spend time on, and
//! what to do next.

use std::fmt;

use chrono::{DateTime, Utc};

use super::model::*;

/// Client rank, from most to least worth the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rank {
    /// Score 70 and above.
    A,
    /// Score 40 to 69.
    B,
    /// Score below 40.
    C,
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rank::A => "A",
            Rank::B => "B",
            Rank::C => "C",
        })
    }
}

/// One of the three client ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Factor {
    /// How much the client could buy.
    Potential,
    /// How the client acts: answers, keeps promises, decides.
    Behaviour,
    /// How interested the client is.
    Interest,
}

/// The two customer types the score helps tell apart (docs/PRODUCT.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientPattern {
    /// "Yes, yes, yes, no": keen at first, then vanishes (high interest, poor behaviour).
    KeenButFickle,
    /// "I want this and that, or not": big wishes, never closes (high potential, poor behaviour).
    EndlessWishes,
}

/// Why a client scored as it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreExplanation {
    /// The best-rated factor (`None` when all are equal).
    pub strongest: Option<Factor>,
    /// The worst-rated factor (`None` when all are equal).
    pub weakest: Option<Factor>,
    /// A recognised customer type, if the ratings show one.
    pub pattern: Option<ClientPattern>,
    /// Some ratings are missing and counted as average (3).
    pub partly_rated: bool,
}

/// A client's score, rank and the reason for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientScore {
    /// 0–100.
    pub score: u8,
    /// A, B or C.
    pub rank: Rank,
    /// Why.
    pub explanation: ScoreExplanation,
}

fn factor_name(f: Factor) -> &'static str {
    match f {
        Factor::Potential => "potential",
        Factor::Behaviour => "behaviour",
        Factor::Interest => "interest",
    }
}

impl fmt::Display for ScoreExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pattern {
            Some(ClientPattern::KeenButFickle) => {
                f.write_str("Keen but unreliable (\"yes, yes, yes, no\"): get each step confirmed")?
            }
            Some(ClientPattern::EndlessWishes) => f.write_str(
                "Big wishes, no decision (\"I want this and that, or not\"): agree the scope and a date",
            )?,
            None => match (self.strongest, self.weakest) {
                (Some(s), Some(w)) => {
                    write!(f, "Strongest: {}; weakest: {}", factor_name(s), factor_name(w))?
                }
                _ => f.write_str("Even ratings")?,
            },
        }
        if self.partly_rated {
            f.write_str(" (not fully rated)")?;
        }
        Ok(())
    }
}

/// The client score: the weighted average of the three ratings (potential
/// 40 %, behaviour 30 %, interest 30 %) on a 0–100 scale, unrated factors
/// counted as 3; `None` when nothing is rated. Rank A from 70, B from 40.
pub fn client_score(rating: ClientRating) -> Option<ClientScore> {
    let stars = [rating.potential, rating.behaviour, rating.interest];
    if stars.iter().all(|s| *s == 0) {
        return None;
    }
    let value = |s: u8| if s == 0 { 3 } else { u32::from(s.min(5)) };
    let (p, b, i) = (
        value(rating.potential),
        value(rating.behaviour),
        value(rating.interest),
    );
    // Each factor 1..=5 maps to 0..=4; weights 40/30/30 over 4 give 0..=100.
    let score = ((40 * (p - 1) + 30 * (b - 1) + 30 * (i - 1)) / 4) as u8;
    let rank = match score {
        70.. => Rank::A,
        40.. => Rank::B,
        _ => Rank::C,
    };
    let factors = [
        (Factor::Potential, p),
        (Factor::Behaviour, b),
        (Factor::Interest, i),
    ];
    let max = factors.iter().map(|f| f.1).max().unwrap_or(0);
    let min = factors.iter().map(|f| f.1).min().unwrap_or(0);
    let (strongest, weakest) = if max == min {
        (None, None)
    } else {
        (
            factors.iter().find(|f| f.1 == max).map(|f| f.0),
            factors.iter().find(|f| f.1 == min).map(|f| f.0),
        )
    };
    let pattern = if b <= 2 && i >= 4 && i >= p {
        Some(ClientPattern::KeenButFickle)
    } else if b <= 2 && p >= 4 {
        Some(ClientPattern::EndlessWishes)
    } else {
        None
    };
    Some(ClientScore {
        score,
        rank,
        explanation: ScoreExplanation {
            strongest,
            weakest,
            pattern,
            partly_rated: stars.contains(&0),
        },
    })
}

/// Points a task earns for its kind: what moves a sale closest to a decision.
pub fn task_kind_weight(kind: TaskKind) -> u8 {
    match kind {
        TaskKind::Offer => 30,
        TaskKind::Meeting | TaskKind::FollowUp => 25,
        TaskKind::Demo => 20,
        TaskKind::Call => 15,
        TaskKind::Email | TaskKind::PostSale => 10,
    }
}

/// Points for a deal's size: 5 per digit of its value in major units beyond
/// the first, at most 20 (10 → 5, 1 000 → 15, 10 000 and more → 20).
pub fn value_points(value_minor: i64) -> u8 {
    let major = (value_minor / 100).max(1);
    let digits = major.ilog10() as u8;
    (digits * 5).min(20)
}

/// The task score, 0–100: its kind's weight plus a fifth of the stage's
/// probability, points for the deal's value, a fifth of the client's score
/// (10 when unknown) and up to 10 points for being overdue (4 plus 2 a day).
pub fn task_score(
    task: &Task,
    stage_probability: u8,
    deal_value_minor: i64,
    client_score: Option<u8>,
    now: DateTime<Utc>,
) -> u8 {
    task_kind_weight(task.kind)
        + deal_points(stage_probability, deal_value_minor, client_score)
        + overdue_points(task, now)
}

/// The part of a task's score that comes from its deal.
fn deal_points(stage_probability: u8, deal_value_minor: i64, client_score: Option<u8>) -> u8 {
    stage_probability.min(100) / 5
        + value_points(deal_value_minor)
        + client_score.map_or(10, |s| s.min(100) / 5)
}

/// Up to 10 points for being overdue: 4, plus 2 a day.
fn overdue_points(task: &Task, now: DateTime<Utc>) -> u8 {
    if task.is_overdue(now) {
        let days = (now - task.due).num_days().clamp(0, 3) as u8;
        4 + 2 * days
    } else {
        0
    }
}

/// The part of a task's score its deal gives, in its workspace.
fn deal_share(ws: &Workspace, deal: Option<&Deal>) -> u8 {
    let probability = deal
        .and_then(|d| ws.pipeline(d.pipeline_id).and_then(|p| p.stage(d.stage_id)))
        .map_or(0, |s| s.probability);
    let client = deal
        .and_then(|d| d.client_id)
        .and_then(|c| ws.client(c))
        .and_then(|c| client_score(c.rating))
        .map(|s| s.score);
    deal_points(probability, deal.map_or(0, |d| d.value.minor), client)
}

/// Open tasks with their scores, highest first (earlier due first on a tie):
/// the order of the agenda.
pub fn ranked_open_tasks(ws: &Workspace, now: DateTime<Utc>) -> Vec<(Id, u8)> {
    let by_due: Vec<&Task> = ws.open_tasks_by_due().collect();
    Ranking::of(ws).rank(&by_due, now)
}

/// What a task's score takes from its deal (stage, value and client), made
/// once per deal: a deal has several tasks, and the agenda ranks every open
/// task after each change.
pub(crate) struct Ranking<'a> {
    ws: &'a Workspace,
    /// By the deal's position in the workspace.
    deal_points: Vec<u8>,
}

impl<'a> Ranking<'a> {
    pub(crate) fn of(ws: &'a Workspace) -> Self {
        let deal_points = ws.deals.iter().map(|d| deal_share(ws, Some(d))).collect();
        Ranking { ws, deal_points }
    }

    /// `tasks`, given earliest due first, with their scores, highest first
    /// and in the given order on a tie. Scores are small numbers, so they
    /// are sorted by counting, not by comparing.
    pub(crate) fn rank(&self, tasks: &[&Task], now: DateTime<Utc>) -> Vec<(Id, u8)> {
        let scored: Vec<(Id, u8)> = tasks
            .iter()
            .map(|t| {
                let points = self
                    .ws
                    .deal_position(t.deal_id)
                    .map_or_else(|| deal_share(self.ws, None), |i| self.deal_points[i]);
                (
                    t.id,
                    task_kind_weight(t.kind) + points + overdue_points(t, now),
                )
            })
            .collect();
        let mut next = [0usize; 256];
        for &(_, score) in &scored {
            next[score as usize] += 1;
        }
        let mut at = 0;
        for slot in next.iter_mut().rev() {
            let count = *slot;
            *slot = at;
            at += count;
        }
        let mut ranked = vec![(Id::nil(), 0); scored.len()];
        for (id, score) in scored {
            ranked[next[score as usize]] = (id, score);
            next[score as usize] += 1;
        }
        ranked
    }
}
