//! Dashboards' numbers (docs/PRODUCT.md §5).

mod common;

use chrono::{Duration, FixedOffset, NaiveDate};
use common::*;
use pipeline_crm::domain::metrics::*;
use pipeline_crm::domain::*;
use uuid::Uuid;

fn march() -> Period {
    Period::month(
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        FixedOffset::east_opt(0).unwrap(),
    )
}

fn filter(s: &Scenario, salesperson_id: Option<Uuid>) -> MetricsFilter {
    MetricsFilter {
        pipeline_id: s.pipeline().id,
        period: march(),
        salesperson_id,
    }
}

fn lose(s: &mut Scenario, deal: Uuid, reason: LostReasonKind) {
    s.apply(Command::CloseLost {
        id: deal,
        reason: Some(reason),
        note: String::new(),
    });
}

#[test]
fn periods_are_local_calendar_days() {
    let warsaw = FixedOffset::east_opt(3600).unwrap();
    let p = Period::month(NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(), warsaw);
    assert_eq!(p.start, at(2026, 1, 31, 23, 0));
    assert_eq!(p.end, at(2026, 2, 28, 23, 0));
    assert!(p.contains(at(2026, 1, 31, 23, 0)));
    assert!(!p.contains(at(2026, 2, 28, 23, 0)));
    assert_eq!(
        last_of_month(NaiveDate::from_ymd_opt(2028, 2, 3).unwrap()),
        NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
    );
}

/// The seed's example (002): A wins 5 clients from 50 prospects met, B wins 5
/// from 60. Same result, A converts better.
#[test]
fn effectiveness_versus_efficiency_five_of_fifty_against_five_of_sixty() {
    let mut s = Scenario::starting(StagePreset::Spanco, at(2026, 3, 2, 9, 0));
    let a = s.owner();
    let b = s.salesperson("B");
    for (person, prospects) in [(a, 50), (b, 60)] {
        for n in 0..prospects {
            let deal = s.deal_for(&format!("Prospect {n}"), 1_000, person);
            if n < 5 {
                s.apply(Command::CloseWon { id: deal });
            } else if n < 15 {
                lose(&mut s, deal, LostReasonKind::Price);
            }
        }
    }
    let stats = salespeople_stats(&s.ws, &filter(&s, None));
    let (sa, sb) = (&stats[0], &stats[1]);
    assert_eq!((sa.salesperson_id, sb.salesperson_id), (a, b));
    // Effectiveness: the same result.
    assert_eq!((sa.won.len(), sb.won.len()), (5, 5));
    assert_eq!((sa.prospects.len(), sb.prospects.len()), (50, 60));
    // Efficiency: A turns prospects into clients better.
    assert_eq!(sa.efficiency, Some(0.1));
    assert!((sb.efficiency.unwrap() - 1.0 / 12.0).abs() < 1e-12);
    assert!(sa.efficiency > sb.efficiency);
    assert_eq!(sa.win_rate, Some(5.0 / 15.0));
    assert_eq!(sa.lost.len(), 10);
    assert_eq!(sa.unfinished.len(), 35);
    assert_eq!(sb.unfinished.len(), 45);
    assert_eq!(
        sa.early_stage.len(),
        35,
        "all unfinished deals are still at Suspect"
    );
    assert_eq!(sa.won_value, 5 * 100_000);

    // One salesperson only.
    let only_b = salespeople_stats(&s.ws, &filter(&s, Some(b)));
    assert_eq!(only_b.len(), 1);
    assert_eq!(only_b[0].salesperson_id, b);
    assert_eq!(win_rate(&s.ws, &filter(&s, Some(b))), Some(5.0 / 15.0));
}

#[test]
fn deals_outside_the_period_do_not_count() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 2, 20, 9, 0));
    let february = s.deal("February", 100);
    s.apply(Command::CloseWon { id: february });
    s.now = at(2026, 3, 5, 9, 0);
    let march_deal = s.deal("March", 100);
    let stats = salespeople_stats(&s.ws, &filter(&s, None));
    assert_eq!(stats[0].prospects, [march_deal]);
    assert!(stats[0].won.is_empty());
    assert_eq!(win_rate(&s.ws, &filter(&s, None)), None);
}

#[test]
fn average_time_to_close_counts_days_from_creation_to_the_win() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let quick = s.deal("Quick", 1);
    let slow = s.deal("Slow", 1);
    s.advance(Duration::days(2));
    s.apply(Command::CloseWon { id: quick });
    s.advance(Duration::days(4));
    s.apply(Command::CloseWon { id: slow });
    let stats = salespeople_stats(&s.ws, &filter(&s, None));
    assert_eq!(stats[0].average_days_to_close, Some(4.0));
}

/// Ten deals enter the funnel; six reach Contact made; three reach Needs
/// analysis, one of them by jumping straight from New lead.
fn funnel_fixture() -> (Scenario, Vec<Uuid>) {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deals: Vec<Uuid> = (0..10).map(|n| s.deal(&format!("D{n}"), 1_000)).collect();
    s.advance(Duration::days(1));
    for d in &deals[..5] {
        s.move_to(*d, s.stage(1));
    }
    s.move_to(deals[5], s.stage(2)); // skipped "Contact made"
    s.advance(Duration::days(1));
    for d in &deals[..2] {
        s.move_to(*d, s.stage(2));
    }
    (s, deals)
}

#[test]
fn conversion_ratios_follow_the_stage_history() {
    let (s, deals) = funnel_fixture();
    let c = conversions(&s.ws, &filter(&s, None));
    assert_eq!(c.len(), 5);
    assert_eq!((c[0].from, c[0].to), (s.stage(0), s.stage(1)));
    assert_eq!((c[0].entered.len(), c[0].advanced.len()), (10, 6));
    assert_eq!(c[0].ratio, Some(0.6));
    assert_eq!((c[1].entered.len(), c[1].advanced.len()), (6, 3));
    assert_eq!(c[1].ratio, Some(0.5));
    assert!(
        c[1].advanced.contains(&deals[5]),
        "a skipped stage still counts as passed"
    );
    assert_eq!(c[2].entered.len(), 3);
    assert_eq!(c[2].ratio, Some(0.0));
    assert_eq!(c[4].ratio, None);
}

#[test]
fn the_funnel_counts_deals_reached_and_open_now_with_weighted_value() {
    let (s, _) = funnel_fixture();
    let f = funnel(&s.ws, &filter(&s, None));
    assert_eq!(f.len(), 6);
    let reached: Vec<usize> = f.iter().map(|r| r.reached.len()).collect();
    assert_eq!(reached, [10, 6, 3, 0, 0, 0]);
    assert_eq!(f[0].reached_value, 10 * 100_000);
    let open: Vec<usize> = f.iter().map(|r| r.open_now.len()).collect();
    assert_eq!(open, [4, 3, 3, 0, 0, 0]);
    // Needs analysis: 3 × 1 000 EUR at 40 %.
    assert_eq!(f[2].open_value, 300_000);
    assert_eq!(f[2].weighted_value, 120_000);
}

#[test]
fn spanco_ratios_carry_the_seeds_names() {
    let s = Scenario::new(StagePreset::Spanco);
    let p = s.pipeline();
    assert_eq!(spanco_ratio(p, 0), Some(SpancoRatio::QualificationRate));
    assert_eq!(spanco_ratio(p, 1), Some(SpancoRatio::AppointmentEfficiency));
    assert_eq!(spanco_ratio(p, 2), Some(SpancoRatio::MeetingEfficiency));
    assert_eq!(spanco_ratio(p, 3), Some(SpancoRatio::ClosingRate));
    assert_eq!(spanco_ratio(p, 4), None);
    let classic = Scenario::new(StagePreset::ClassicFunnel);
    assert_eq!(spanco_ratio(classic.pipeline(), 0), None);
}

#[test]
fn spanco_ratio_four_counts_negotiations_that_reached_conclusion() {
    let mut s = Scenario::new(StagePreset::Spanco);
    let deals: Vec<Uuid> = (0..4).map(|n| s.deal(&format!("S{n}"), 1_000)).collect();
    for d in &deals {
        s.move_to(*d, s.stage(3));
    }
    s.move_to(deals[0], s.stage(4));
    let c = conversions(&s.ws, &filter(&s, None));
    assert_eq!(c[3].ratio, Some(0.25));
    // Winning moves the deal to Order, the Won stage: conclusion → order.
    s.apply(Command::CloseWon { id: deals[0] });
    let c = conversions(&s.ws, &filter(&s, None));
    assert_eq!(c[4].ratio, Some(1.0));
}

#[test]
fn forecast_against_quota_shows_sold_expected_and_the_gap() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 10, 9, 0));
    s.apply(Command::SetQuota {
        month: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        salesperson_id: None,
        amount_minor: 1_000_000,
    });
    let sold = s.deal("Sold", 3_000);
    s.apply(Command::CloseWon { id: sold });
    let expected = s.deal("Expected in March", 2_000);
    s.move_to(expected, s.stage(3)); // 60 %
    let mut input = DealInput::from_deal(s.get(expected));
    input.expected_close = NaiveDate::from_ymd_opt(2026, 3, 20);
    s.apply(Command::EditDeal {
        id: expected,
        input,
    });
    let april = s.deal("Expected in April", 5_000);
    let mut input = DealInput::from_deal(s.get(april));
    input.expected_close = NaiveDate::from_ymd_opt(2026, 4, 20);
    s.apply(Command::EditDeal { id: april, input });
    let undated = s.deal("Undated", 1_000); // New lead, 10 %
    let owner = s.owner();
    let pln = s.ids.next();
    s.apply(Command::CreateDeal {
        id: pln,
        stage_id: None,
        input: DealInput::new(
            "In zloty",
            owner,
            Money {
                minor: 10_000,
                currency: "PLN".into(),
            },
        ),
    });
    s.apply(Command::CloseWon { id: pln });

    let f = forecast(&s.ws, &filter(&s, None), s.now);
    assert_eq!(f.sold, 300_000);
    assert_eq!(f.sold_deals, [sold]);
    assert_eq!(f.weighted_open, 120_000 + 10_000);
    assert_eq!(f.open_deals, [expected, undated]);
    assert_eq!(f.quota, 1_000_000);
    assert_eq!(f.gap, 1_000_000 - 300_000 - 130_000);
    assert_eq!(f.other_currency, 1);
}

#[test]
fn quotas_are_prorated_and_team_quota_falls_back_to_personal_ones() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let a = s.owner();
    let b = s.salesperson("B");
    let march1 = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let april1 = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    s.apply(Command::SetQuota {
        month: march1,
        salesperson_id: None,
        amount_minor: 3_100_000,
    });
    s.apply(Command::SetQuota {
        month: april1,
        salesperson_id: Some(a),
        amount_minor: 400_000,
    });
    s.apply(Command::SetQuota {
        month: april1,
        salesperson_id: Some(b),
        amount_minor: 500_000,
    });
    let utc = FixedOffset::east_opt(0).unwrap();
    let first_half = Period::days(march1, NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(), utc);
    assert_eq!(quota_for(&s.ws, &first_half, None), 1_500_000);
    let april = Period::month(april1, utc);
    assert_eq!(quota_for(&s.ws, &april, None), 900_000);
    assert_eq!(quota_for(&s.ws, &april, Some(a)), 400_000);
    let both = Period::days(march1, NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(), utc);
    assert_eq!(quota_for(&s.ws, &both, None), 4_000_000);
}

#[test]
fn time_in_stage_averages_stays_and_names_the_slowest() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let a = s.deal("A", 1);
    let b = s.deal("B", 1);
    s.advance(Duration::days(2));
    s.move_to(a, s.stage(1));
    s.advance(Duration::days(2));
    s.move_to(b, s.stage(1));
    s.advance(Duration::days(1));
    let t = time_in_stage(&s.ws, &filter(&s, None), s.now);
    assert_eq!(t[0].stays, 2);
    assert_eq!(t[0].average_days, Some(3.0));
    assert_eq!(t[0].slowest, vec![(b, 4.0), (a, 2.0)]);
    // Still in "Contact made": counted up to now.
    assert_eq!(t[1].average_days, Some(2.0));
    assert_eq!(t[2].average_days, None);
}

#[test]
fn lost_reasons_and_lead_sources_are_broken_down() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let mut ids = Vec::new();
    for (n, source) in ["Referral", "Cold call", "Cold call", "cold call", ""]
        .iter()
        .enumerate()
    {
        let d = s.deal(&format!("D{n}"), 1_000);
        let mut input = DealInput::from_deal(s.get(d));
        input.source = source.to_string();
        s.apply(Command::EditDeal { id: d, input });
        ids.push(d);
    }
    lose(&mut s, ids[1], LostReasonKind::Price);
    lose(&mut s, ids[2], LostReasonKind::Price);
    lose(&mut s, ids[3], LostReasonKind::Competitor);
    s.apply(Command::CloseWon { id: ids[0] });

    let lost = lost_reasons(&s.ws, &filter(&s, None));
    assert_eq!(lost.len(), 2);
    assert_eq!(
        (lost[0].reason, lost[0].deals.len(), lost[0].value),
        (LostReasonKind::Price, 2, 200_000)
    );
    assert_eq!(
        (lost[1].reason, lost[1].deals.len()),
        (LostReasonKind::Competitor, 1)
    );

    let sources = lead_sources(&s.ws, &filter(&s, None));
    assert_eq!(sources[0].source, "Cold call");
    assert_eq!(
        sources[0].deals.len(),
        3,
        "sources match regardless of case"
    );
    let referral = sources.iter().find(|x| x.source == "Referral").unwrap();
    assert_eq!((referral.won.len(), referral.won_value), (1, 100_000));
    assert!(sources.iter().any(|x| x.source.is_empty()));
}

#[test]
fn many_deals_near_closing_and_no_meetings_means_more_cold_calls() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let late: Vec<Uuid> = (0..3).map(|n| s.deal(&format!("L{n}"), 1)).collect();
    for d in &late {
        s.move_to(*d, s.stage(4));
    }
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now);
    let hint = hints
        .iter()
        .find(|h| h.kind == HintKind::FewMeetingsNearClosing)
        .expect("hint");
    assert_eq!(hint.deals, late);

    // A meeting booked in the next two weeks silences it.
    s.task(late[0], TaskKind::Meeting, s.now + Duration::days(3));
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now);
    assert!(hints
        .iter()
        .all(|h| h.kind != HintKind::FewMeetingsNearClosing));
}

#[test]
fn many_meetings_and_few_wins_means_work_on_closing() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deals: Vec<Uuid> = (0..5).map(|n| s.deal(&format!("M{n}"), 1)).collect();
    for d in &deals {
        let m = s.task(*d, TaskKind::Meeting, s.now);
        s.complete(m, false);
    }
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now);
    let hint = hints
        .iter()
        .find(|h| h.kind == HintKind::ManyMeetingsFewWins)
        .expect("hint");
    assert_eq!(hint.deals.len(), 5);
    assert!(
        hints.iter().any(|h| h.kind == HintKind::TopHeavy),
        "five deals at the top, none further"
    );

    s.apply(Command::CloseWon { id: deals[0] });
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now);
    assert!(
        hints
            .iter()
            .all(|h| h.kind != HintKind::ManyMeetingsFewWins),
        "one win in five is 20 %"
    );
}

#[test]
fn the_weakest_step_is_named_as_a_leak_with_the_deals_stuck_there() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deals: Vec<Uuid> = (0..10).map(|n| s.deal(&format!("D{n}"), 1)).collect();
    for d in &deals[..2] {
        s.move_to(*d, s.stage(1));
        s.move_to(*d, s.stage(2));
    }
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now);
    let leak = hints
        .iter()
        .find(|h| matches!(h.kind, HintKind::Leak { .. }))
        .expect("leak");
    assert_eq!(
        leak.kind,
        HintKind::Leak {
            from: s.stage(0),
            to: s.stage(1),
            ratio: 0.2
        }
    );
    assert_eq!(leak.deals, deals[2..]);
}

#[test]
fn idle_deals_are_a_hint_too() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let d = s.deal("Quiet", 1);
    let hints = diagnosis(&s.ws, &filter(&s, None), s.now + Duration::days(4));
    let idle = hints
        .iter()
        .find(|h| h.kind == HintKind::IdleDeals)
        .expect("idle");
    assert_eq!(idle.deals, [d]);
}

#[test]
fn a_salesperson_filter_narrows_every_figure() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let b = s.salesperson("B");
    s.deal("Mine", 1);
    let theirs = s.deal_for("Theirs", 1, b);
    let f = funnel(&s.ws, &filter(&s, Some(b)));
    assert_eq!(f[0].reached, [theirs]);
    let c = conversions(&s.ws, &filter(&s, Some(b)));
    assert_eq!(c[0].entered, [theirs]);
}
