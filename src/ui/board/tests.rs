//! The board's model, cards and reveal, natively.

use super::*;
use crate::domain::demo::{sample_workspace, SampleSize};
use crate::domain::rules::idle_from;
use crate::domain::scoring::Rank;
use crate::domain::StagePreset;
use crate::domain::{Money, Outcome, StageKind, Workspace};
use chrono::TimeZone;
use chrono::Utc;

fn workspace() -> Workspace {
    let now = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
    let names = StagePreset::ClassicFunnel.stage_names();
    let mut ws = sample_workspace(
        StagePreset::ClassicFunnel,
        "Classic funnel",
        &names,
        &["Anna"],
        SampleSize::scaled(40),
        7,
        now,
    );
    // Records imported together can share their last change to the second.
    for d in &mut ws.deals {
        d.updated_at = now;
    }
    for c in &mut ws.clients {
        c.updated_at = now;
    }
    ws
}

/// A card with or without a client, a next task and a rank badge.
fn card(client: bool, due: bool, rank: bool) -> Card {
    Card {
        id: Id::nil(),
        title: "A deal".into(),
        client: client.then(|| "Acme".into()),
        value: Money {
            minor: 100,
            currency: "EUR".into(),
        },
        owner: "Anna".into(),
        next_due: due.then(|| Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap()),
        overdue: false,
        rank: rank.then_some(Rank::A),
        idle_from: None,
        idle: false,
        maybe: false,
        locale: Locale::en,
    }
}

#[test]
fn the_first_frame_draws_the_cards_a_window_can_show() {
    // 1 400 × 900: 660 px of room below the board's top.
    let window = Reach::for_height(900.0);
    assert_eq!(window.most(), 7, "of the shortest cards");
    // Cards with a client, a task and a badge: at least 150 px each.
    let full = vec![card(true, true, true); 10];
    assert_eq!(window.count(&full), 5);
    let plain = vec![card(false, false, false); 10];
    assert_eq!(window.count(&plain), 7);
    // Never fewer than three, nor more than the column holds.
    assert_eq!(Reach::for_height(100.0).count(&full), 3);
    assert_eq!(window.count(&full[..2]), 2);
    assert_eq!(Reach::for_height(f64::NAN).most(), 3);
    // A tall window draws more than the ten of a fixed count would.
    let tall = vec![card(false, false, false); 30];
    assert_eq!(Reach::for_height(2160.0).count(&tall), 20);
}

/// Past the first frame, a column draws what can be within a window's
/// height below the screen, more as the page is scrolled, and always a
/// card moved by keyboard.
#[test]
fn columns_draw_a_window_below_the_screen_and_a_moved_card() {
    let plain = vec![card(false, false, false); 60];
    let full = vec![card(true, true, true); 60];
    // 1 400 × 900 at the top: 660 px on screen and 900 below.
    let top = Reach::reaching(0.0, 900.0);
    assert_eq!(top.count(&plain), 17);
    assert_eq!(top.count(&full), 11);
    assert!(top.most() >= top.count(&plain), "made before the cut");
    // Scrolled a window down: a window's worth more.
    let down = Reach::reaching(900.0, 900.0);
    assert_eq!(down.count(&plain), 26);
    // The room that holds a card at a position holds it whatever the
    // cards above it show.
    for position in [0, 1, 20, 49] {
        assert!(Reach::holding(position).count(&full) > position);
        assert!(Reach::holding(position).most() > position);
    }
}

/// The deals of column `c`, as positions in `ws.deals`.
fn in_column(model: &BoardModel, c: usize) -> Vec<usize> {
    model.columns[c].deals.clone()
}

/// Every deal of the shown pipeline is in one place, the one its stage
/// and outcome say, with the totals of what each place holds; deals of
/// other pipelines are nowhere.
#[test]
fn each_deal_of_the_pipeline_is_in_the_place_its_stage_and_outcome_say() {
    let mut ws = workspace();
    let at = Utc.with_ymd_and_hms(2026, 3, 21, 9, 0, 0).unwrap();
    let open: Vec<Id> = ws
        .deals
        .iter()
        .filter(|d| d.outcome == Outcome::Open)
        .map(|d| d.id)
        .take(3)
        .collect();
    ws.apply(Command::CloseWon { id: open[0] }, at).unwrap();
    ws.apply(Command::MarkMaybe { id: open[1] }, at).unwrap();
    let model = board_model(&ws, None, "");
    let pipeline = ws.current_pipeline().unwrap().id;
    let mut seen = vec![0; ws.deals.len()];
    for (c, column) in model.columns.iter().enumerate() {
        assert!(column.stage.kind.is_column());
        let mut total = 0;
        for &at in &column.deals {
            seen[at] += 1;
            let d = &ws.deals[at];
            assert_eq!(d.stage_id, column.stage.id, "column {c}");
            assert!(
                d.outcome != Outcome::Lost
                    && (d.outcome != Outcome::Won || column.stage.kind == StageKind::PostSale)
            );
            total += d.value.minor;
        }
        assert_eq!(column.total, total, "column {c}");
        assert!(column.deals.is_sorted(), "in the order added");
    }
    for (zone, outcome) in [(&model.won, Outcome::Won), (&model.lost, Outcome::Lost)] {
        assert!(zone.deals.is_sorted());
        for &at in &zone.deals {
            seen[at] += 1;
            assert_eq!(ws.deals[at].outcome, outcome);
        }
        let total: i64 = zone.deals.iter().map(|&at| ws.deals[at].value.minor).sum();
        assert_eq!(zone.total, total);
    }
    assert!(model
        .won
        .deals
        .contains(&ws.deal_position(open[0]).unwrap()));
    for (at, d) in ws.deals.iter().enumerate() {
        let expected = usize::from(d.pipeline_id == pipeline);
        assert_eq!(
            seen[at], expected,
            "deal {:?} seen {} times",
            d.title, seen[at]
        );
    }
}

/// The search finds a deal by its title, client or owner, in any case
/// and any script; the salesperson filter keeps their deals only.
#[test]
fn the_search_finds_deals_by_title_client_or_owner_in_any_case() {
    let mut ws = workspace();
    let found = |ws: &Workspace, owner: Option<Id>, search: &str| -> Vec<String> {
        let model = board_model(ws, owner, search);
        let mut titles: Vec<String> = model
            .columns
            .iter()
            .flat_map(|c| &c.deals)
            .chain(&model.won.deals)
            .chain(&model.lost.deals)
            .map(|&at| ws.deals[at].title.clone())
            .collect();
        titles.sort();
        titles
    };
    let on_board = ws
        .deals
        .iter()
        .position(|d| d.outcome == Outcome::Open && d.client_id.is_some())
        .unwrap();
    ws.deals[on_board].title = "ŁÓDŹ Office REDESIGN".into();
    let client = ws.deals[on_board].client_id.unwrap();
    let k = ws.client_position(client).unwrap();
    ws.clients[k].name = "Νίκος ΠΑΠΑΔΟΠΟΥΛΟΣ".into();
    ws.reindex();
    let title = vec!["ŁÓDŹ Office REDESIGN".to_string()];
    assert_eq!(found(&ws, None, "  office redesign "), title);
    assert_eq!(found(&ws, None, "łódź"), title);
    let of_client = found(&ws, None, "παπαδοπουλος");
    assert!(of_client.contains(&title[0]));
    assert_eq!(of_client.len(), ws.deals_of_client(client).count());
    assert!(found(&ws, None, "no such deal anywhere").is_empty());
    // The owner's name finds their deals; the filter keeps them only.
    let owner = ws.salespeople[0].clone();
    let theirs = found(&ws, Some(owner.id), "");
    assert_eq!(theirs.len(), ws.deals_of_owner(owner.id).count());
    assert_eq!(found(&ws, None, &owner.name.to_uppercase()), theirs);
    assert_eq!(found(&ws, None, ""), found(&ws, None, "   "));
}

/// A column keeps its cards while nothing they show changed, and the
/// cards it keeps are always those it would make anew.
#[test]
fn a_column_keeps_its_cards_until_what_they_show_changes() {
    use crate::domain::{TaskInput, TaskKind};
    let mut ws = workspace();
    let mut model = board_model(&ws, None, "");
    let mut now = Utc.with_ymd_and_hms(2026, 3, 21, 9, 0, 0).unwrap();
    let columns: Vec<Id> = model.columns.iter().map(|c| c.stage.id).collect();
    let idle_days = Some(3);
    let window = Reach::for_height(900.0);
    let first = Some(window);
    // Column 0's cards after a change, checked against cards made anew,
    // and whether they must have changed.
    let step = |previous: Option<ShownCards>,
                ws: &Workspace,
                model: &BoardModel,
                now,
                expect: bool,
                what: &str| {
        let deals = in_column(model, 0);
        let (kept, changed) = shown_cards(previous, ws, &deals, idle_days, now, Locale::en, first);
        let sources: Vec<CardSource> = deals
            .iter()
            .filter_map(|&at| CardSource::of(ws, at))
            .collect();
        let mut made = cards(ws, &sources, idle_days, now, Locale::en);
        made.truncate(window.count(&made));
        assert_eq!(kept.cards, made, "{what}");
        assert_eq!(changed, expect, "{what}");
        kept
    };
    let source = |ws: &Workspace, at: usize| CardSource::of(ws, at).unwrap();
    let mut shown = step(None, &ws, &model, now, true, "first made");
    shown = step(Some(shown), &ws, &model, now, false, "nothing changed");

    let elsewhere = ws.deals[in_column(&model, 1)[0]].id;
    now += chrono::Duration::minutes(1);
    ws.apply(
        Command::MoveDeal {
            id: elsewhere,
            stage_id: columns[2],
        },
        now,
    )
    .unwrap();
    model = board_model(&ws, None, "");
    shown = step(
        Some(shown),
        &ws,
        &model,
        now,
        false,
        "a move between other columns, the clock on",
    );

    // A shown card with no task due before the new one.
    let due = now + chrono::Duration::minutes(30);
    let top = in_column(&model, 0)
        .into_iter()
        .take(shown.cards.len())
        .map(|at| source(&ws, at))
        .find(|s| s.next_due.is_none_or(|d| d > due))
        .expect("a shown card without an earlier task")
        .id;
    now += chrono::Duration::minutes(1);
    let input = TaskInput {
        kind: TaskKind::Call,
        due,
        note: "Call back".into(),
    };
    let task = uuid::Uuid::new_v4();
    ws.apply(
        Command::CreateTask {
            id: task,
            deal_id: top,
            input,
        },
        now,
    )
    .unwrap();
    model = board_model(&ws, None, "");
    shown = step(
        Some(shown),
        &ws,
        &model,
        now,
        true,
        "a new task on a shown card",
    );
    shown = step(
        Some(shown),
        &ws,
        &model,
        due,
        false,
        "the task due, not yet overdue",
    );
    let later = due + chrono::Duration::seconds(1);
    shown = step(Some(shown), &ws, &model, later, true, "the task overdue");
    assert!(shown.cards.iter().any(|c| c.id == top && c.overdue));
    let idle = in_column(&model, 0)
        .into_iter()
        .take(shown.cards.len())
        .filter_map(|at| idle_from(&ws.deals[at], idle_days, source(&ws, at).last_task))
        .filter(|&from| from > later)
        .min()
        .expect("a shown card that turns idle later");
    // On to the moment before (other tasks may fall due on the way).
    let deals = in_column(&model, 0);
    let (on, _) = shown_cards(Some(shown), &ws, &deals, idle_days, idle, Locale::en, first);
    shown = step(
        Some(on),
        &ws,
        &model,
        idle,
        false,
        "the moment before a card turns idle",
    );
    let idle = idle + chrono::Duration::seconds(1);
    shown = step(Some(shown), &ws, &model, idle, true, "a card idle");

    // The client of a shown card renamed, and then one of no card here.
    let client_of =
        |ws: &Workspace, at: usize| ws.deals[at].client_id.and_then(|c| ws.client_position(c));
    let shown_clients: Vec<usize> = in_column(&model, 0)
        .into_iter()
        .take(shown.cards.len())
        .filter_map(|at| client_of(&ws, at))
        .collect();
    let elsewhere = (0..ws.clients.len())
        .find(|&c| {
            !in_column(&model, 0)
                .into_iter()
                .any(|at| client_of(&ws, at) == Some(c))
        })
        .expect("a client with no deal in column 0");
    for (k, expect) in [(shown_clients[0], true), (elsewhere, false)] {
        let mut client = crate::domain::ClientInput::from_client(&ws.clients[k]);
        client.name = format!("Renamed client {k}");
        let id = ws.clients[k].id;
        ws.apply(Command::EditClient { id, input: client }, idle)
            .unwrap();
        model = board_model(&ws, None, "");
        shown = step(Some(shown), &ws, &model, idle, expect, "a client renamed");
    }
    let name = format!("Renamed client {}", shown_clients[0]);
    assert!(shown.cards.iter().any(|c| c.client == Some(name.clone())));
}
