//! Safe links, the clients overview and the agenda (docs/PRODUCT.md §3–4).

mod common;

use chrono::Duration;
use common::*;
use pipeline_crm::domain::agenda::*;
use pipeline_crm::domain::links::{safe_href, LinkKind};
use pipeline_crm::domain::*;

#[test]
fn only_http_https_mailto_and_tel_become_links() {
    use LinkKind::*;
    assert_eq!(
        safe_href(Web, "https://acme.example/a?b=1"),
        Some("https://acme.example/a?b=1".into())
    );
    assert_eq!(
        safe_href(Web, "HTTP://acme.example"),
        Some("HTTP://acme.example".into())
    );
    assert_eq!(
        safe_href(Web, "acme.example"),
        Some("https://acme.example".into())
    );
    assert_eq!(
        safe_href(Web, "acme.example:8080/x"),
        Some("https://acme.example:8080/x".into())
    );
    assert_eq!(
        safe_href(Email, "ceo@acme.example"),
        Some("mailto:ceo@acme.example".into())
    );
    assert_eq!(
        safe_href(Phone, "+48 600 100 200"),
        Some("tel:+48600100200".into())
    );
    for evil in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\u{1}javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ] {
        for kind in [Web, Email, Phone] {
            assert_eq!(safe_href(kind, evil), None, "{evil:?} as {kind:?}");
        }
    }
    assert_eq!(safe_href(Web, "not a site"), None);
    assert_eq!(safe_href(Email, "nobody"), None);
    assert_eq!(safe_href(Phone, "n/a"), None);
    assert_eq!(safe_href(Web, ""), None);
}

#[test]
fn the_agenda_groups_open_tasks_by_when_they_are_due_and_orders_them_by_score() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 10, 9, 0));
    let small = s.deal("Small", 100);
    let big = s.deal("Big", 90_000);
    let late_email = s.task(small, TaskKind::Email, at(2026, 3, 9, 9, 0));
    let late_offer = s.task(big, TaskKind::Offer, at(2026, 3, 9, 15, 0));
    let today_call = s.task(small, TaskKind::Call, at(2026, 3, 10, 16, 0));
    let tomorrow = s.task(big, TaskKind::Meeting, at(2026, 3, 11, 10, 0));
    let tomorrow_email = s.task(small, TaskKind::Email, at(2026, 3, 11, 8, 0));
    // A higher score two days later still comes after tomorrow's tasks.
    let later_offer = s.task(big, TaskKind::Offer, at(2026, 3, 13, 10, 0));
    let done = s.task(big, TaskKind::Call, at(2026, 3, 8, 10, 0));
    s.complete(done, false);
    let utc = FixedCalendar(chrono::FixedOffset::east_opt(0).unwrap());
    let a = agenda(&s.ws, s.now, &utc);
    let ids = |v: &Vec<(uuid::Uuid, u8)>| v.iter().map(|x| x.0).collect::<Vec<_>>();
    assert_eq!(ids(&a.overdue), [late_offer, late_email]);
    assert_eq!(ids(&a.today), [today_call]);
    assert_eq!(ids(&a.upcoming), [tomorrow, tomorrow_email, later_offer]);
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    assert_eq!(a.upcoming_days, [(day(11), 0), (day(13), 2)]);
    // Three hours east of UTC, the meeting at 22:00 UTC is already the next day.
    let late = s.task(small, TaskKind::Call, at(2026, 3, 11, 22, 0));
    let east = FixedCalendar(chrono::FixedOffset::east_opt(3 * 3600).unwrap());
    let a = agenda(&s.ws, s.now, &east);
    assert_eq!(a.upcoming_days, [(day(11), 0), (day(12), 2), (day(13), 3)]);
    assert_eq!(a.upcoming[2].0, late);
    assert!(a.overdue[0].1 > a.overdue[1].1);
    assert_eq!(overdue_count(&s.ws, s.now), 2);
}

#[test]
fn a_task_that_falls_due_is_announced_once() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 10, 9, 0));
    let deal = s.deal("Acme", 100);
    let call = s.task(deal, TaskKind::Call, at(2026, 3, 10, 9, 30));
    assert!(fell_due(&s.ws, s.now, s.now + Duration::minutes(29)).is_empty());
    assert_eq!(
        fell_due(
            &s.ws,
            s.now + Duration::minutes(29),
            s.now + Duration::minutes(30)
        ),
        [call]
    );
    assert!(fell_due(
        &s.ws,
        s.now + Duration::minutes(30),
        s.now + Duration::minutes(60)
    )
    .is_empty());
}

#[test]
fn the_clients_overview_counts_open_deals_and_the_last_contact() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 10, 9, 0));
    let acme = s.client("Acme");
    let quiet = s.client("Quiet Ltd");
    let owner = s.owner();
    let mut deals = Vec::new();
    for (title, value) in [("One", 1_000), ("Two", 2_000), ("Lost", 5_000)] {
        let id = s.ids.next();
        let mut input = DealInput::new(title, owner, s.eur(value));
        input.client_id = Some(acme);
        s.apply(Command::CreateDeal {
            id,
            stage_id: None,
            input,
        });
        deals.push(id);
    }
    s.apply(Command::CloseLost {
        id: deals[2],
        reason: Some(LostReasonKind::Price),
        note: String::new(),
    });
    let call = s.task(deals[0], TaskKind::Call, s.now);
    s.advance(Duration::hours(2));
    s.complete(call, false);
    let offer = s.task(deals[1], TaskKind::Offer, s.now);
    s.advance(Duration::hours(2));
    s.complete(offer, false); // an offer is not a contact
    s.apply(Command::RateClient {
        id: acme,
        rating: ClientRating {
            potential: 5,
            behaviour: 4,
            interest: 4,
        },
    });

    let rows = client_overviews(&s.ws);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, acme);
    assert_eq!((rows[0].open_deals, rows[0].open_value), (2, 300_000));
    assert_eq!(rows[0].last_contact, Some(at(2026, 3, 10, 11, 0)));
    assert_eq!(rows[0].score.map(|x| x.rank), Some(scoring::Rank::A));
    assert_eq!(
        (rows[1].id, rows[1].open_deals, rows[1].last_contact),
        (quiet, 0, None)
    );
    assert_eq!(rows[1].score, None);
}
