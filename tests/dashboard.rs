//! The dashboard's numbers for a fixed fixture, and the fixture the browser
//! tests load (tests/e2e/fixtures/dashboard.json), kept in step with it.

mod common;

use chrono::{Duration, FixedOffset, NaiveDate};
use common::*;
use pipeline_crm::domain::exchange::export_json;
use pipeline_crm::domain::metrics::*;
use pipeline_crm::domain::*;

const FIXTURE: &str = "tests/e2e/fixtures/dashboard.json";

/// SPANCO in March 2026: Anna meets 50 prospects and wins 5, Bruno meets 60
/// and wins 5 (the seed's example); some deals are lost, the rest are spread
/// over the stages. One deal was won in February.
fn fixture() -> Workspace {
    let mut s = Scenario::starting(StagePreset::Spanco, at(2026, 2, 10, 9, 0));
    let anna = s.owner();
    let bruno = s.salesperson("Bruno");
    s.apply(Command::RenameSalesperson {
        id: anna,
        name: "Anna".into(),
    });
    let old = s.deal_for("February win", 4_000, anna);
    s.apply(Command::CloseWon { id: old });
    s.apply(Command::SetQuota {
        month: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        salesperson_id: None,
        amount_minor: 10_000_000,
    });
    for (person, name, prospects, lost) in [(anna, "Anna", 50, 10), (bruno, "Bruno", 60, 5)] {
        for n in 0..prospects {
            s.now = at(2026, 3, 2 + (n % 18) as u32, 9, 0);
            let id = s.deal_for(
                &format!("{name} prospect {:02}", n + 1),
                1_000 + 100 * (n % 7),
                person,
            );
            let mut input = DealInput::from_deal(s.get(id));
            input.source = if n % 3 == 0 {
                "Referral".into()
            } else {
                "Cold call".into()
            };
            s.apply(Command::EditDeal { id, input });
            s.advance(Duration::hours(2));
            let steps = if n < 5 + lost { 3 } else { n % 4 };
            for stage in 1..=steps {
                let stage = s.stage(stage as usize);
                s.move_to(id, stage);
                s.advance(Duration::hours(5));
            }
            if n < 5 {
                s.apply(Command::CloseWon { id });
            } else if n < 5 + lost {
                let reason = if n % 2 == 0 {
                    LostReasonKind::Price
                } else {
                    LostReasonKind::Competitor
                };
                s.apply(Command::CloseLost {
                    id,
                    reason: Some(reason),
                    note: String::new(),
                });
            }
        }
    }
    s.ws
}

fn march(s: Option<uuid::Uuid>, ws: &Workspace) -> MetricsFilter {
    MetricsFilter {
        pipeline_id: ws.current_pipeline().unwrap().id,
        period: PeriodChoice::ThisMonth.period(
            NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
            FixedOffset::east_opt(0).unwrap(),
        ),
        salesperson_id: s,
    }
}

#[test]
fn the_browser_fixture_is_the_one_built_here() {
    let text = export_json(&fixture(), at(2026, 3, 20, 12, 0));
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(FIXTURE, &text).unwrap();
    }
    let stored = std::fs::read_to_string(FIXTURE).unwrap_or_default();
    assert!(
        stored == text,
        "{FIXTURE} is out of date: run UPDATE_FIXTURES=1 cargo test --test dashboard"
    );
}

#[test]
fn the_dashboard_shows_the_seeds_example_for_the_month() {
    let ws = fixture();
    let d = dashboard(&ws, &march(None, &ws), at(2026, 3, 20, 12, 0));
    let people: Vec<(usize, usize, usize)> = d
        .salespeople
        .iter()
        .map(|p| (p.prospects.len(), p.won.len(), p.lost.len()))
        .collect();
    assert_eq!(people, [(50, 5, 10), (60, 5, 5)]);
    assert_eq!(d.salespeople[0].efficiency, Some(0.1));
    assert!((d.salespeople[1].efficiency.unwrap() - 1.0 / 12.0).abs() < 1e-12);
    assert_eq!(d.win_rate, Some(10.0 / 25.0));
    // The February win is outside March.
    assert_eq!(d.forecast.sold_deals.len(), 10);
    assert_eq!(d.forecast.quota, 10_000_000);
    assert_eq!(
        d.forecast.gap,
        (d.forecast.quota - d.forecast.sold - d.forecast.weighted_open).max(0)
    );
    // Everyone entered Suspect in March; the funnel narrows.
    assert_eq!(d.funnel[0].reached.len(), 110);
    let reached: Vec<usize> = d.funnel.iter().map(|f| f.reached.len()).collect();
    assert!(reached.windows(2).all(|w| w[0] >= w[1]), "{reached:?}");
    assert_eq!(d.conversions[0].ratio, Some(reached[1] as f64 / 110.0));
    assert_eq!(
        d.lost_reasons.iter().map(|r| r.deals.len()).sum::<usize>(),
        15
    );
    assert_eq!(d.sources.iter().map(|x| x.deals.len()).sum::<usize>(), 110);
    assert_eq!(
        d,
        Dashboard {
            funnel: funnel(&ws, &march(None, &ws)),
            conversions: conversions(&ws, &march(None, &ws)),
            win_rate: win_rate(&ws, &march(None, &ws)),
            salespeople: salespeople_stats(&ws, &march(None, &ws)),
            forecast: forecast(&ws, &march(None, &ws), at(2026, 3, 20, 12, 0)),
            time_in_stage: time_in_stage(&ws, &march(None, &ws), at(2026, 3, 20, 12, 0)),
            lost_reasons: lost_reasons(&ws, &march(None, &ws)),
            sources: lead_sources(&ws, &march(None, &ws)),
            hints: diagnosis(&ws, &march(None, &ws), at(2026, 3, 20, 12, 0)),
        }
    );
}

#[test]
fn one_salespersons_dashboard_counts_only_their_deals() {
    let ws = fixture();
    let bruno = ws.salespeople[1].id;
    let d = dashboard(&ws, &march(Some(bruno), &ws), at(2026, 3, 20, 12, 0));
    assert_eq!(d.salespeople.len(), 1);
    assert_eq!(d.funnel[0].reached.len(), 60);
    assert_eq!(d.forecast.sold_deals.len(), 5);
    assert_eq!(d.win_rate, Some(0.5));
}

#[test]
fn period_choices_resolve_to_calendar_spans() {
    let today = NaiveDate::from_ymd_opt(2026, 5, 17).unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(
        PeriodChoice::ThisMonth.days(today),
        (d(2026, 5, 1), d(2026, 5, 31))
    );
    assert_eq!(
        PeriodChoice::LastMonth.days(today),
        (d(2026, 4, 1), d(2026, 4, 30))
    );
    assert_eq!(
        PeriodChoice::ThisQuarter.days(today),
        (d(2026, 4, 1), d(2026, 6, 30))
    );
    assert_eq!(
        PeriodChoice::ThisYear.days(today),
        (d(2026, 1, 1), d(2026, 12, 31))
    );
    assert_eq!(
        PeriodChoice::LastMonth.days(d(2026, 1, 9)),
        (d(2025, 12, 1), d(2025, 12, 31))
    );
    assert_eq!(
        PeriodChoice::Custom {
            from: d(2026, 3, 9),
            to: d(2026, 3, 2)
        }
        .days(today),
        (d(2026, 3, 2), d(2026, 3, 9))
    );
}
