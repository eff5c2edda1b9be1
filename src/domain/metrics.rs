//! Conversion and performance numbers (docs/PRODUCT.md §5). Every figure carries
//! the ids of the deals behind it, so a screen can show them.
//!
//! Amounts are summed in the workspace currency only; deals in another
//! currency are counted in `other_currency` rather than mixed in.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

use super::index::key;
use super::model::*;
use super::rules::is_idle_after;
use super::sorting;

/// A span of time, start included, end excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// First instant in the period.
    pub start: DateTime<Utc>,
    /// First instant after the period.
    pub end: DateTime<Utc>,
}

impl Period {
    /// Whether `t` falls within the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    /// The local calendar days `first..=last` in the time zone `offset`.
    pub fn days(first: NaiveDate, last: NaiveDate, offset: FixedOffset) -> Period {
        let at = |d: NaiveDate| {
            offset
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        Period {
            start: at(first),
            end: at(last.succ_opt().unwrap_or(last)),
        }
    }

    /// The calendar month containing `day`, in the time zone `offset`.
    pub fn month(day: NaiveDate, offset: FixedOffset) -> Period {
        let first = day.with_day(1).unwrap_or(day);
        Period::days(first, last_of_month(first), offset)
    }
}

/// The last day of the month containing `day`.
pub fn last_of_month(day: NaiveDate) -> NaiveDate {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

/// What the numbers are about: a pipeline, a period and optionally one salesperson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricsFilter {
    /// Stage-based figures (funnel, ratios, time in stage) are for this pipeline.
    pub pipeline_id: Id,
    /// The period.
    pub period: Period,
    /// Only this salesperson's deals, or everyone's.
    pub salesperson_id: Option<Id>,
}

impl MetricsFilter {
    fn owns(&self, d: &Deal) -> bool {
        self.salesperson_id.is_none_or(|s| d.owner_id == s)
    }
}

/// Deals and value at one stage of the funnel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FunnelStage {
    /// The stage.
    pub stage_id: Id,
    /// Deals that reached this stage (or a later one) during the period.
    pub reached: Vec<Id>,
    /// Their value.
    pub reached_value: i64,
    /// Undecided deals in this stage now.
    pub open_now: Vec<Id>,
    /// Their value.
    pub open_value: i64,
    /// Their value weighted by the stage's probability.
    pub weighted_value: i64,
}

/// The share of deals that went on from one stage to the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// The earlier stage.
    pub from: Id,
    /// The next stage.
    pub to: Id,
    /// Deals that reached `from` during the period.
    pub entered: Vec<Id>,
    /// Those of them that went on to reach `to`.
    pub advanced: Vec<Id>,
    /// advanced ÷ entered; `None` when nothing entered.
    pub ratio: Option<f64>,
}

/// The seed's names for the four SPANCO ratios (002).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpancoRatio {
    /// Ratio 1, Suspect → Prospect.
    QualificationRate,
    /// Ratio 2, Prospect → Approach.
    AppointmentEfficiency,
    /// Ratio 3, Approach → Negotiation.
    MeetingEfficiency,
    /// Ratio 4, Negotiation → Conclusion.
    ClosingRate,
}

/// The SPANCO name of the conversion at `index` (0 = first pair), for a SPANCO pipeline.
pub fn spanco_ratio(pipeline: &Pipeline, index: usize) -> Option<SpancoRatio> {
    if pipeline.preset != Some(super::presets::StagePreset::Spanco) {
        return None;
    }
    [
        SpancoRatio::QualificationRate,
        SpancoRatio::AppointmentEfficiency,
        SpancoRatio::MeetingEfficiency,
        SpancoRatio::ClosingRate,
    ]
    .get(index)
    .copied()
}

/// One salesperson's results over the period.
#[derive(Clone, Debug, PartialEq)]
pub struct SalespersonStats {
    /// Who.
    pub salesperson_id: Id,
    /// Prospects met: deals they opened during the period (a deal is added right after first contact).
    pub prospects: Vec<Id>,
    /// Deals won during the period: the effectiveness (result).
    pub won: Vec<Id>,
    /// Value won.
    pub won_value: i64,
    /// Deals lost during the period.
    pub lost: Vec<Id>,
    /// won ÷ (won + lost).
    pub win_rate: Option<f64>,
    /// Efficiency: won ÷ prospects met.
    pub efficiency: Option<f64>,
    /// Their undecided deals now.
    pub unfinished: Vec<Id>,
    /// Of those, the ones still in the first third of the stages.
    pub early_stage: Vec<Id>,
    /// Average days from creation to a win, for deals won in the period.
    pub average_days_to_close: Option<f64>,
}

/// Sold so far, expected from deals in progress, and what is still missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forecast {
    /// Value won during the period.
    pub sold: i64,
    /// The deals won.
    pub sold_deals: Vec<Id>,
    /// Undecided deals expected to close in the period, weighted by stage probability.
    pub weighted_open: i64,
    /// Those deals (expected close in the period, or undated when the period includes now).
    pub open_deals: Vec<Id>,
    /// The quota for the period.
    pub quota: i64,
    /// What must still be built from scratch: quota − sold − weighted, never below 0.
    pub gap: i64,
    /// Deals left out of the sums because their currency differs.
    pub other_currency: usize,
}

/// How long deals stay in one stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageTime {
    /// The stage.
    pub stage_id: Id,
    /// Stays that began in the period.
    pub stays: usize,
    /// Their average length in days.
    pub average_days: Option<f64>,
    /// The longest stays: deal and days, longest first (at most 3).
    pub slowest: Vec<(Id, f64)>,
}

/// Deals lost for one reason.
#[derive(Clone, Debug, PartialEq)]
pub struct LostReasonCount {
    /// The reason.
    pub reason: LostReasonKind,
    /// Deals lost for it during the period.
    pub deals: Vec<Id>,
    /// Their value.
    pub value: i64,
}

/// Results of one lead source.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceStats {
    /// The source as typed ("" when unknown).
    pub source: String,
    /// Deals from it opened in the period.
    pub deals: Vec<Id>,
    /// Deals from it won in the period.
    pub won: Vec<Id>,
    /// Their value.
    pub won_value: i64,
}

/// A plain-words diagnosis of the funnel's shape (docs/PRODUCT.md §5, seed 003).
#[derive(Clone, Debug, PartialEq)]
pub enum HintKind {
    /// Many deals near closing but no meetings booked: make more cold calls.
    FewMeetingsNearClosing,
    /// Many meetings but few wins: work on closing.
    ManyMeetingsFewWins,
    /// Many early prospects, few further on: research and present more, call less.
    TopHeavy,
    /// The weakest step of the funnel.
    Leak {
        /// Stage deals leave.
        from: Id,
        /// Stage few of them reach.
        to: Id,
        /// The share that went on.
        ratio: f64,
    },
    /// Deals without activity beyond their stage's idle limit.
    IdleDeals,
}

/// A diagnosis with the deals behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    /// What it says.
    pub kind: HintKind,
    /// The deals it is about.
    pub deals: Vec<Id>,
}

/// Below this share, a step of the funnel is called a leak.
pub const LEAK_BELOW: f64 = 0.3;
/// A ratio is only judged once this many deals entered the step.
pub const MIN_SAMPLE: usize = 5;

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn days_between(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds() as f64 / 86_400.0
}

/// For each progression stage k, when the deal first reached stage k or a
/// later one (a deal that skipped a stage still passed it).
/// `progression` is given as the stages' ids in [`key`] form: compared for
/// every entry of every deal's history, they are compared as numbers.
fn first_reached(deal: &Deal, progression: &[u128]) -> Vec<Option<DateTime<Utc>>> {
    let mut reached = vec![None; progression.len()];
    for entry in &deal.stage_history {
        let stage = key(entry.stage_id);
        if let Some(j) = progression.iter().position(|s| *s == stage) {
            for slot in reached.iter_mut().take(j + 1) {
                if slot.is_none() {
                    *slot = Some(entry.entered_at);
                }
            }
        }
    }
    reached
}

/// Weighted value: value × probability ÷ 100, rounded down.
pub fn weighted(value_minor: i64, probability: u8) -> i64 {
    value_minor * i64::from(probability.min(100)) / 100
}

/// Whether a deal still waits for an answer.
pub fn is_undecided(d: &Deal) -> bool {
    matches!(d.outcome, Outcome::Open | Outcome::Maybe)
}

/// The funnel of the filter's pipeline: per stage, deals that reached it in
/// the period and undecided deals in it now.
pub fn funnel(ws: &Workspace, filter: &MetricsFilter) -> Vec<FunnelStage> {
    let Some(pipeline) = ws.pipeline(filter.pipeline_id) else {
        return Vec::new();
    };
    let currency = &ws.settings.currency;
    let progression = pipeline.progression();
    let mut out: Vec<FunnelStage> = pipeline
        .stages
        .iter()
        .map(|s| FunnelStage {
            stage_id: s.id,
            ..FunnelStage::default()
        })
        .collect();
    let keys: Vec<u128> = progression.iter().map(|s| key(s.id)).collect();
    // The row of each progression stage.
    let rows: Vec<Option<usize>> = progression
        .iter()
        .map(|p| out.iter().position(|r| r.stage_id == p.id))
        .collect();
    let deals = ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && filter.owns(d));
    for d in deals {
        let value = if &d.value.currency == currency {
            d.value.minor
        } else {
            0
        };
        for (k, at) in first_reached(d, &keys).into_iter().enumerate() {
            if at.is_some_and(|t| filter.period.contains(t)) {
                if let Some(row) = rows[k].and_then(|i| out.get_mut(i)) {
                    row.reached.push(d.id);
                    row.reached_value += value;
                }
            }
        }
        if is_undecided(d) {
            if let (Some(row), Some(stage)) = (
                out.iter_mut().find(|r| r.stage_id == d.stage_id),
                pipeline.stage(d.stage_id),
            ) {
                row.open_now.push(d.id);
                row.open_value += value;
                row.weighted_value += weighted(value, stage.probability);
            }
        }
    }
    out
}

/// Stage-to-stage conversion between consecutive progression stages: of the
/// deals that reached stage k during the period, the share that reached k+1.
pub fn conversions(ws: &Workspace, filter: &MetricsFilter) -> Vec<Conversion> {
    let Some(pipeline) = ws.pipeline(filter.pipeline_id) else {
        return Vec::new();
    };
    let progression = pipeline.progression();
    let mut out: Vec<Conversion> = progression
        .windows(2)
        .map(|w| Conversion {
            from: w[0].id,
            to: w[1].id,
            entered: Vec::new(),
            advanced: Vec::new(),
            ratio: None,
        })
        .collect();
    let keys: Vec<u128> = progression.iter().map(|s| key(s.id)).collect();
    for d in ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && filter.owns(d))
    {
        let reached = first_reached(d, &keys);
        for (k, c) in out.iter_mut().enumerate() {
            if reached[k].is_some_and(|t| filter.period.contains(t)) {
                c.entered.push(d.id);
                if reached[k + 1].is_some() {
                    c.advanced.push(d.id);
                }
            }
        }
    }
    for c in &mut out {
        c.ratio = ratio(c.advanced.len(), c.entered.len());
    }
    out
}

/// Win rate: won ÷ (won + lost) among deals closed in the period.
pub fn win_rate(ws: &Workspace, filter: &MetricsFilter) -> Option<f64> {
    let closed = ws.deals.iter().filter(|d| {
        filter.owns(d)
            && d.outcome.is_closed()
            && d.closed_at.is_some_and(|t| filter.period.contains(t))
    });
    let (won, all) = closed.fold((0, 0), |(w, a), d| {
        (w + usize::from(d.outcome == Outcome::Won), a + 1)
    });
    ratio(won, all)
}

/// A pipeline's open stages in order, as [`key`]s: made once for the many
/// deals whose place among them is asked.
struct OpenStages(Vec<u128>);

impl OpenStages {
    fn of(pipeline: &Pipeline) -> Self {
        OpenStages(
            pipeline
                .stages
                .iter()
                .filter(|s| s.kind == StageKind::Open)
                .map(|s| key(s.id))
                .collect(),
        )
    }

    /// The place of `stage_id` among the open stages, and how many there are.
    fn position(&self, stage_id: Id) -> Option<(usize, usize)> {
        let stage = key(stage_id);
        self.0
            .iter()
            .position(|s| *s == stage)
            .map(|i| (i, self.0.len()))
    }
}

/// Results per salesperson (in every pipeline), in the order they were added.
pub fn salespeople_stats(ws: &Workspace, filter: &MetricsFilter) -> Vec<SalespersonStats> {
    let currency = &ws.settings.currency;
    let open_stages: Vec<(Id, OpenStages)> = ws
        .pipelines
        .iter()
        .map(|p| (p.id, OpenStages::of(p)))
        .collect();
    ws.salespeople
        .iter()
        .filter(|s| filter.salesperson_id.is_none_or(|id| id == s.id))
        .map(|s| {
            let mine: Vec<&Deal> = ws.deals.iter().filter(|d| d.owner_id == s.id).collect();
            let closed_in = |d: &&Deal, o| {
                d.outcome == o && d.closed_at.is_some_and(|t| filter.period.contains(t))
            };
            let prospects: Vec<Id> = mine
                .iter()
                .filter(|d| filter.period.contains(d.created_at))
                .map(|d| d.id)
                .collect();
            let won: Vec<&Deal> = mine
                .iter()
                .filter(|d| closed_in(d, Outcome::Won))
                .copied()
                .collect();
            let lost: Vec<Id> = mine
                .iter()
                .filter(|d| closed_in(d, Outcome::Lost))
                .map(|d| d.id)
                .collect();
            let unfinished: Vec<&Deal> = mine
                .iter()
                .filter(|d| is_undecided(d) && d.created_at < filter.period.end)
                .copied()
                .collect();
            let early_stage = unfinished
                .iter()
                .filter(|d| {
                    open_stages
                        .iter()
                        .find(|(p, _)| *p == d.pipeline_id)
                        .and_then(|(_, open)| open.position(d.stage_id))
                        .is_some_and(|(i, n)| i < n.div_ceil(3))
                })
                .map(|d| d.id)
                .collect();
            let average_days_to_close = (!won.is_empty()).then(|| {
                won.iter()
                    .map(|d| days_between(d.created_at, d.closed_at.unwrap_or(d.created_at)))
                    .sum::<f64>()
                    / won.len() as f64
            });
            SalespersonStats {
                salesperson_id: s.id,
                win_rate: ratio(won.len(), won.len() + lost.len()),
                efficiency: ratio(won.len(), prospects.len()),
                won_value: won
                    .iter()
                    .filter(|d| &d.value.currency == currency)
                    .map(|d| d.value.minor)
                    .sum(),
                won: won.iter().map(|d| d.id).collect(),
                prospects,
                lost,
                unfinished: unfinished.iter().map(|d| d.id).collect(),
                early_stage,
                average_days_to_close,
            }
        })
        .collect()
}

/// The quota for the period: each month's quota counted for the share of its
/// days inside the period. For the whole team, a team quota of a month wins;
/// without one, the month's personal quotas add up.
pub fn quota_for(ws: &Workspace, period: &Period, salesperson_id: Option<Id>) -> i64 {
    let mut by_month: BTreeMap<NaiveDate, (Option<i64>, i64)> = BTreeMap::new();
    for q in &ws.settings.quotas {
        let entry = by_month.entry(q.month).or_insert((None, 0));
        match (salesperson_id, q.salesperson_id) {
            (Some(want), Some(have)) if want == have => entry.1 += q.amount_minor,
            (None, None) => entry.0 = Some(q.amount_minor),
            (None, Some(_)) => entry.1 += q.amount_minor,
            _ => {}
        }
    }
    let mut total: i128 = 0;
    for (month, (team, personal)) in by_month {
        let amount = if salesperson_id.is_none() {
            team.unwrap_or(personal)
        } else {
            personal
        };
        // The month in UTC: quotas are monthly targets, a few hours of time
        // zone at the edges do not matter.
        let start = Utc.from_utc_datetime(&month.and_hms_opt(0, 0, 0).unwrap_or_default());
        let end = start + Duration::days(i64::from(last_of_month(month).day()));
        let overlap = (period.end.min(end) - period.start.max(start)).num_seconds();
        if overlap > 0 {
            let whole = (end - start).num_seconds();
            total += i128::from(amount) * i128::from(overlap) / i128::from(whole);
        }
    }
    total as i64
}

/// Forecast against quota, across every pipeline.
pub fn forecast(ws: &Workspace, filter: &MetricsFilter, now: DateTime<Utc>) -> Forecast {
    let currency = &ws.settings.currency;
    let mut f = Forecast::default();
    for d in ws.deals.iter().filter(|d| filter.owns(d)) {
        let same_currency = &d.value.currency == currency;
        if d.outcome == Outcome::Won && d.closed_at.is_some_and(|t| filter.period.contains(t)) {
            if same_currency {
                f.sold += d.value.minor;
                f.sold_deals.push(d.id);
            } else {
                f.other_currency += 1;
            }
        } else if is_undecided(d) {
            let expected_in_period = match d.expected_close {
                Some(day) => {
                    let at = Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap_or_default());
                    filter.period.contains(at)
                }
                None => filter.period.contains(now),
            };
            if !expected_in_period {
                continue;
            }
            if !same_currency {
                f.other_currency += 1;
                continue;
            }
            let probability = ws.stage(d.stage_id).map_or(0, |(_, s)| s.probability);
            f.weighted_open += weighted(d.value.minor, probability);
            f.open_deals.push(d.id);
        }
    }
    f.quota = quota_for(ws, &filter.period, filter.salesperson_id);
    f.gap = (f.quota - f.sold - f.weighted_open).max(0);
    f
}

/// Time spent in each stage of the filter's pipeline, for stays that began in the period.
pub fn time_in_stage(ws: &Workspace, filter: &MetricsFilter, now: DateTime<Utc>) -> Vec<StageTime> {
    let Some(pipeline) = ws.pipeline(filter.pipeline_id) else {
        return Vec::new();
    };
    let stages: Vec<u128> = pipeline.stages.iter().map(|s| key(s.id)).collect();
    // Per stage: how many stays, their days in all, and the three longest,
    // longest first (the earlier deal first on a tie).
    #[derive(Clone, Default)]
    struct Stays {
        count: usize,
        days: f64,
        slowest: Vec<(Id, f64)>,
    }
    let mut out = vec![Stays::default(); stages.len()];
    for d in ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && filter.owns(d))
    {
        for (i, entry) in d.stage_history.iter().enumerate() {
            if !filter.period.contains(entry.entered_at) {
                continue;
            }
            let stage = key(entry.stage_id);
            let Some(at) = stages.iter().position(|s| *s == stage) else {
                continue;
            };
            let left = match d.stage_history.get(i + 1) {
                Some(next) => next.entered_at,
                None if d.outcome.is_closed() => d.closed_at.unwrap_or(now),
                None => now,
            };
            let days = days_between(entry.entered_at, left).max(0.0);
            let stays = &mut out[at];
            stays.count += 1;
            stays.days += days;
            let slowest = &mut stays.slowest;
            let place = slowest
                .iter()
                .position(|x| x.1 < days)
                .unwrap_or(slowest.len());
            if place < 3 {
                slowest.insert(place, (d.id, days));
                slowest.truncate(3);
            }
        }
    }
    pipeline
        .stages
        .iter()
        .zip(out)
        .map(|(s, stays)| StageTime {
            stage_id: s.id,
            stays: stays.count,
            average_days: (stays.count > 0).then(|| stays.days / stays.count as f64),
            slowest: stays.slowest,
        })
        .collect()
}

/// Deals lost in the period, by reason, most frequent first.
pub fn lost_reasons(ws: &Workspace, filter: &MetricsFilter) -> Vec<LostReasonCount> {
    let mut out: Vec<LostReasonCount> = Vec::new();
    for d in ws.deals.iter().filter(|d| {
        filter.owns(d)
            && d.outcome == Outcome::Lost
            && d.closed_at.is_some_and(|t| filter.period.contains(t))
    }) {
        let reason = d
            .lost_reason
            .as_ref()
            .map_or(LostReasonKind::Other, |r| r.kind);
        let value = if d.value.currency == ws.settings.currency {
            d.value.minor
        } else {
            0
        };
        match out.iter_mut().find(|r| r.reason == reason) {
            Some(row) => {
                row.deals.push(d.id);
                row.value += value;
            }
            None => out.push(LostReasonCount {
                reason,
                deals: vec![d.id],
                value,
            }),
        }
    }
    sorting::sort_by(&mut out, |a, b| {
        b.deals
            .len()
            .cmp(&a.deals.len())
            .then(a.reason.cmp(&b.reason))
    });
    out
}

/// Deals by lead source: opened and won in the period, most deals first.
pub fn lead_sources(ws: &Workspace, filter: &MetricsFilter) -> Vec<SourceStats> {
    let mut out: Vec<SourceStats> = Vec::new();
    for d in ws.deals.iter().filter(|d| filter.owns(d)) {
        let created = filter.period.contains(d.created_at);
        let won =
            d.outcome == Outcome::Won && d.closed_at.is_some_and(|t| filter.period.contains(t));
        if !created && !won {
            continue;
        }
        let source = d.source.trim();
        let index = match out
            .iter()
            .position(|s| s.source.eq_ignore_ascii_case(source))
        {
            Some(i) => i,
            None => {
                out.push(SourceStats {
                    source: source.to_string(),
                    deals: Vec::new(),
                    won: Vec::new(),
                    won_value: 0,
                });
                out.len() - 1
            }
        };
        let row = &mut out[index];
        if created {
            row.deals.push(d.id);
        }
        if won {
            row.won.push(d.id);
            if d.value.currency == ws.settings.currency {
                row.won_value += d.value.minor;
            }
        }
    }
    sorting::sort_by(&mut out, |a, b| {
        b.deals
            .len()
            .cmp(&a.deals.len())
            .then(a.source.cmp(&b.source))
    });
    out
}

/// Diagnosis hints from the funnel's shape, with the deals behind each.
pub fn diagnosis(ws: &Workspace, filter: &MetricsFilter, now: DateTime<Utc>) -> Vec<Hint> {
    diagnosis_of(ws, filter, now, conversions(ws, filter))
}

/// [`diagnosis`], given the filter's [`conversions`].
fn diagnosis_of(
    ws: &Workspace,
    filter: &MetricsFilter,
    now: DateTime<Utc>,
    conversions: Vec<Conversion>,
) -> Vec<Hint> {
    let Some(pipeline) = ws.pipeline(filter.pipeline_id) else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    let undecided: Vec<&Deal> = ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && filter.owns(d) && is_undecided(d))
        .collect();

    let (mut early, mut late) = (Vec::new(), Vec::new());
    let open_stages = OpenStages::of(pipeline);
    for d in &undecided {
        if let Some((i, n)) = open_stages.position(d.stage_id) {
            if i < n / 2 {
                early.push(d.id);
            } else if i >= n.div_ceil(2) {
                late.push(d.id);
            }
        }
    }
    let soon = now + Duration::days(14);
    let meetings_booked = undecided.iter().any(|d| {
        ws.tasks_of_deal(d.id).any(|t| {
            t.kind == TaskKind::Meeting && t.done_at.is_none() && t.due >= now && t.due <= soon
        })
    });
    if late.len() >= 3 && late.len() >= 2 * early.len() && !meetings_booked {
        hints.push(Hint {
            kind: HintKind::FewMeetingsNearClosing,
            deals: late.clone(),
        });
    }
    if early.len() >= MIN_SAMPLE && early.len() >= 3 * late.len().max(1) {
        hints.push(Hint {
            kind: HintKind::TopHeavy,
            deals: early.clone(),
        });
    }

    let met: Vec<&Deal> = ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && filter.owns(d))
        .filter(|d| {
            ws.tasks_of_deal(d.id).any(|t| {
                t.kind == TaskKind::Meeting && t.done_at.is_some_and(|x| filter.period.contains(x))
            })
        })
        .collect();
    let met_won = met.iter().filter(|d| d.outcome == Outcome::Won).count();
    if met.len() >= MIN_SAMPLE && (met_won as f64) < 0.2 * met.len() as f64 {
        hints.push(Hint {
            kind: HintKind::ManyMeetingsFewWins,
            deals: met
                .iter()
                .filter(|d| d.outcome != Outcome::Won)
                .map(|d| d.id)
                .collect(),
        });
    }

    let worst = conversions
        .into_iter()
        .filter(|c| c.entered.len() >= MIN_SAMPLE)
        .filter_map(|c| c.ratio.map(|r| (r, c)))
        .filter(|(r, _)| *r < LEAK_BELOW)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((ratio, c)) = worst {
        // Those that advanced are among those that entered, in the same order.
        let mut advanced = c.advanced.iter().peekable();
        let stuck = c
            .entered
            .iter()
            .filter(|id| advanced.next_if_eq(id).is_none())
            .copied()
            .collect();
        hints.push(Hint {
            kind: HintKind::Leak {
                from: c.from,
                to: c.to,
                ratio,
            },
            deals: stuck,
        });
    }

    let idle: Vec<Id> = undecided
        .iter()
        .filter(|d| {
            let limit = pipeline.stage(d.stage_id).and_then(|s| s.idle_days);
            let last_task = ws
                .tasks_of_deal(d.id)
                .flat_map(|t| [Some(t.created_at), t.done_at])
                .flatten()
                .max();
            is_idle_after(d, limit, last_task, now)
        })
        .map(|d| d.id)
        .collect();
    if !idle.is_empty() {
        hints.push(Hint {
            kind: HintKind::IdleDeals,
            deals: idle,
        });
    }
    hints
}

/// The periods the dashboards offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodChoice {
    /// The calendar month containing today.
    ThisMonth,
    /// The calendar month before.
    LastMonth,
    /// The calendar quarter containing today.
    ThisQuarter,
    /// The calendar year containing today.
    ThisYear,
    /// From one day to another, both included.
    Custom {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

impl PeriodChoice {
    /// The first and last local day of the choice, given today's local date.
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let month_start = today.with_day(1).unwrap_or(today);
        match *self {
            PeriodChoice::ThisMonth => (month_start, last_of_month(month_start)),
            PeriodChoice::LastMonth => {
                let last = month_start.pred_opt().unwrap_or(month_start);
                (last.with_day(1).unwrap_or(last), last)
            }
            PeriodChoice::ThisQuarter => {
                let first_month = (today.month0() / 3) * 3 + 1;
                let start =
                    NaiveDate::from_ymd_opt(today.year(), first_month, 1).unwrap_or(month_start);
                let end_month =
                    NaiveDate::from_ymd_opt(today.year(), first_month + 2, 1).unwrap_or(start);
                (start, last_of_month(end_month))
            }
            PeriodChoice::ThisYear => (
                NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
                NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today),
            ),
            PeriodChoice::Custom { from, to } => (from.min(to), to.max(from)),
        }
    }

    /// The period in the time zone `offset`.
    pub fn period(&self, today: NaiveDate, offset: FixedOffset) -> Period {
        let (first, last) = self.days(today);
        Period::days(first, last, offset)
    }
}

/// Everything the dashboard page shows, from the functions above.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    /// Per stage of the pipeline.
    pub funnel: Vec<FunnelStage>,
    /// Between consecutive progression stages.
    pub conversions: Vec<Conversion>,
    /// Won ÷ closed in the period.
    pub win_rate: Option<f64>,
    /// Per salesperson.
    pub salespeople: Vec<SalespersonStats>,
    /// Sold, expected and missing against quota.
    pub forecast: Forecast,
    /// Time spent per stage.
    pub time_in_stage: Vec<StageTime>,
    /// Why deals were lost.
    pub lost_reasons: Vec<LostReasonCount>,
    /// Where deals came from.
    pub sources: Vec<SourceStats>,
    /// What the funnel's shape says.
    pub hints: Vec<Hint>,
}

/// The dashboard for `filter` at `now`.
pub fn dashboard(ws: &Workspace, filter: &MetricsFilter, now: DateTime<Utc>) -> Dashboard {
    let conversions = conversions(ws, filter);
    Dashboard {
        funnel: funnel(ws, filter),
        hints: diagnosis_of(ws, filter, now, conversions.clone()),
        conversions,
        win_rate: win_rate(ws, filter),
        salespeople: salespeople_stats(ws, filter),
        forecast: forecast(ws, filter, now),
        time_in_stage: time_in_stage(ws, filter, now),
        lost_reasons: lost_reasons(ws, filter),
        sources: lead_sources(ws, filter),
    }
}
