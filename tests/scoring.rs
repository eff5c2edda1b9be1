//! Client score and task score (docs/PRODUCT.md §3–4).

mod common;

use chrono::Duration;
use common::*;
use pipeline_crm::domain::scoring::*;
use pipeline_crm::domain::*;

fn rate(potential: u8, behaviour: u8, interest: u8) -> ClientScore {
    client_score(ClientRating {
        potential,
        behaviour,
        interest,
    })
    .unwrap()
}

#[test]
fn an_unrated_client_has_no_score() {
    assert_eq!(client_score(ClientRating::default()), None);
}

#[test]
fn the_score_is_the_weighted_average_on_a_hundred_point_scale() {
    assert_eq!((rate(5, 5, 5).score, rate(5, 5, 5).rank), (100, Rank::A));
    assert_eq!((rate(1, 1, 1).score, rate(1, 1, 1).rank), (0, Rank::C));
    assert_eq!((rate(3, 3, 3).score, rate(3, 3, 3).rank), (50, Rank::B));
    // Potential weighs 40 %, the others 30 % each.
    assert_eq!(rate(5, 1, 1).score, 40);
    assert_eq!(rate(1, 5, 1).score, 30);
    // Missing ratings count as average and are said to be missing.
    let partial = client_score(ClientRating {
        potential: 5,
        behaviour: 0,
        interest: 0,
    })
    .unwrap();
    assert_eq!(partial.score, 70);
    assert!(partial.explanation.partly_rated);
}

#[test]
fn rank_boundaries_are_70_and_40() {
    assert_eq!(rate(4, 4, 4).rank, Rank::A); // 75
    assert_eq!(rate(4, 3, 3).rank, Rank::B); // 60
    assert_eq!(rate(2, 2, 3).rank, Rank::C); // 32
    assert_eq!(rate(3, 2, 3).rank, Rank::B); // 42
}

#[test]
fn lowering_behaviour_drops_a_client_from_a_to_b() {
    assert_eq!(rate(4, 4, 4).rank, Rank::A);
    assert_eq!(rate(4, 1, 4).rank, Rank::B);
}

#[test]
fn the_seeds_two_customer_types_are_told_apart() {
    // "Yes, yes, yes, no": very interested, vanishes.
    let keen = rate(3, 1, 5);
    assert_eq!(keen.explanation.pattern, Some(ClientPattern::KeenButFickle));
    // "I want this and that, or not": big potential, endless wishes, no decision.
    let wishes = rate(5, 2, 3);
    assert_eq!(
        wishes.explanation.pattern,
        Some(ClientPattern::EndlessWishes)
    );
    assert_ne!(keen.explanation.to_string(), wishes.explanation.to_string());
    // A reliable client is neither.
    assert_eq!(rate(4, 5, 4).explanation.pattern, None);
}

#[test]
fn the_explanation_names_the_strongest_and_weakest_rating() {
    let e = rate(5, 3, 2).explanation;
    assert_eq!(
        (e.strongest, e.weakest),
        (Some(Factor::Potential), Some(Factor::Interest))
    );
    assert_eq!(e.to_string(), "Strongest: potential; weakest: interest");
    assert_eq!(rate(3, 3, 3).explanation.to_string(), "Even ratings");
}

#[test]
fn the_task_score_adds_kind_stage_value_client_and_lateness() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 10_000);
    let task = s.task(deal, TaskKind::Offer, s.now + Duration::hours(1));
    let t = s.ws.task(task).unwrap().clone();
    // Offer 30 + 60 % ÷ 5 = 12 + 10 000 EUR (5 digits) = 20 + client 75 ÷ 5 = 15.
    assert_eq!(task_score(&t, 60, 1_000_000, Some(75), s.now), 77);
    // No client: 10 points.
    assert_eq!(task_score(&t, 60, 1_000_000, None, s.now), 72);
    // Two days overdue: 4 + 2 × 2 = 8 more.
    assert_eq!(
        task_score(
            &t,
            60,
            1_000_000,
            Some(75),
            s.now + Duration::days(2) + Duration::hours(2)
        ),
        85
    );
    // Never beyond 100.
    assert_eq!(
        task_score(&t, 100, i64::MAX / 2, Some(100), s.now + Duration::days(30)),
        100
    );
    assert_eq!(value_points(0), 0);
    assert_eq!(value_points(1_000), 5);
    assert_eq!(value_points(100_000), 15);
}

#[test]
fn the_agenda_puts_the_task_closest_to_a_sale_first() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let small = s.deal("Small", 100);
    let big = s.deal("Big", 50_000);
    s.move_to(big, s.stage(4));
    let email = s.task(small, TaskKind::Email, s.now + Duration::hours(1));
    let offer = s.task(big, TaskKind::Offer, s.now + Duration::hours(5));
    let done = s.task(big, TaskKind::Call, s.now);
    s.complete(done, false);
    let ranked: Vec<_> = ranked_open_tasks(&s.ws, s.now)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ranked, [offer, email]);
}

#[test]
fn the_agenda_ranks_every_open_task_by_its_score_then_by_due_time() {
    // A workspace with hundreds of tasks over every stage, rated and unrated
    // clients, overdue by hours and by days: the agenda's order is each
    // task's own score, highest first, the earliest due first on a tie.
    let preset = StagePreset::ClassicFunnel;
    let names = preset.stage_names();
    let now = at(2026, 3, 10, 9, 0);
    let mut ws = pipeline_crm::domain::demo::sample_workspace(
        preset,
        "Sales",
        &names,
        &["Anna", "Bob", "Cleo"],
        pipeline_crm::domain::demo::SampleSize::scaled(300),
        11,
        now,
    );
    ws.canonical();
    let mut expected: Vec<(&Task, u8)> = ws
        .tasks
        .iter()
        .filter(|t| t.done_at.is_none())
        .map(|t| {
            // The score as the rules state it, from the task's own deal.
            let d = ws.deal(t.deal_id).unwrap();
            let probability = ws.stage(d.stage_id).map_or(0, |(_, st)| st.probability);
            let client = d
                .client_id
                .and_then(|c| ws.client(c))
                .and_then(|c| client_score(c.rating))
                .map(|s| s.score);
            (t, task_score(t, probability, d.value.minor, client, now))
        })
        .collect();
    expected.sort_by_key(|(t, score)| (u8::MAX - score, t.due));
    let expected: Vec<(Id, u8)> = expected.into_iter().map(|(t, s)| (t.id, s)).collect();
    assert!(expected.len() > 200);
    assert!(expected.iter().any(|(_, s)| *s != expected[0].1));
    assert_eq!(ranked_open_tasks(&ws, now), expected);

    use pipeline_crm::domain::agenda::{agenda, FixedCalendar};
    let end_of_today = at(2026, 3, 11, 0, 0);
    let utc = FixedCalendar(chrono::FixedOffset::east_opt(0).unwrap());
    let a = agenda(&ws, now, &utc);
    let due = |id: Id| ws.task(id).map(|t| t.due).unwrap();
    let group = |keep: &dyn Fn(Id) -> bool| -> Vec<(Id, u8)> {
        expected
            .iter()
            .copied()
            .filter(|(id, _)| keep(*id))
            .collect()
    };
    assert_eq!(a.overdue, group(&|id| due(id) < now));
    assert_eq!(
        a.today,
        group(&|id| due(id) >= now && due(id) < end_of_today)
    );
    // Upcoming tasks day by day, each day in score order.
    let mut upcoming = group(&|id| due(id) >= end_of_today);
    upcoming.sort_by_key(|(id, _)| due(*id).date_naive());
    assert_eq!(a.upcoming, upcoming);
    let mut days: Vec<_> = upcoming
        .iter()
        .map(|(id, _)| due(*id).date_naive())
        .collect();
    days.dedup();
    assert!(days.len() > 2);
    assert_eq!(
        a.upcoming_days.iter().map(|d| d.0).collect::<Vec<_>>(),
        days
    );
    for (day, start) in &a.upcoming_days {
        assert_eq!(due(a.upcoming[*start].0).date_naive(), *day);
        assert!(*start == 0 || due(a.upcoming[start - 1].0).date_naive() < *day);
    }
    assert!(!a.overdue.is_empty() && !a.upcoming.is_empty());
}
