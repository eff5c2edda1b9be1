//! The follow-up cadence (docs/PRODUCT.md §4) and idle deals.

mod common;

use chrono::Duration;
use common::*;
use pipeline_crm::domain::rules::*;
use pipeline_crm::domain::*;

fn only(s: &Scenario, deal: uuid::Uuid) -> Vec<Suggestion> {
    suggestions_for(&s.ws, s.ws.deal(deal).unwrap())
}

fn accept(s: &mut Scenario, suggestion: &Suggestion) {
    let task_id = s.ids.next();
    let commands = suggestion.accept(task_id, "from the cadence");
    let now = s.now;
    s.ws.apply_all(commands, now).unwrap();
}

#[test]
fn an_offer_promised_late_in_the_evening_is_due_24_hours_later_across_month_end() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 31, 20, 0));
    let deal = s.deal("Acme", 5_000);
    let call = s.task(deal, TaskKind::Call, at(2026, 3, 31, 22, 0));
    assert!(only(&s, deal).is_empty());

    s.advance(Duration::minutes(150)); // 22:30 on the last day of March
    s.complete(call, true);
    let suggestions = only(&s, deal);
    assert_eq!(suggestions.len(), 1);
    let offer = &suggestions[0];
    assert_eq!(offer.kind, SuggestionKind::PrepareOffer);
    assert_eq!(offer.due, at(2026, 4, 1, 22, 30));
    assert_eq!(offer.trigger_task, Some(call));

    accept(&mut s, offer);
    let created: Vec<&Task> =
        s.ws.tasks_of_deal(deal)
            .filter(|t| t.kind == TaskKind::Offer)
            .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].due, at(2026, 4, 1, 22, 30));
    assert!(only(&s, deal).is_empty(), "accepted suggestions go away");
}

#[test]
fn a_contact_without_a_promise_suggests_no_offer() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 5_000);
    let call = s.task(deal, TaskKind::Call, s.now);
    s.complete(call, false);
    assert!(only(&s, deal).is_empty());
}

#[test]
fn the_follow_up_is_due_48_hours_after_the_offer_across_february_and_the_year_end() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 2, 27, 18, 0));
    let deal = s.deal("Acme", 5_000);
    let offer = s.task(deal, TaskKind::Offer, s.now);
    s.complete(offer, false);
    let follow = only(&s, deal);
    assert_eq!(follow.len(), 1);
    assert_eq!(follow[0].kind, SuggestionKind::FollowUpOffer);
    assert_eq!(
        follow[0].due,
        at(2026, 3, 1, 18, 0),
        "2026 is not a leap year"
    );
    accept(&mut s, &follow[0]);
    assert!(only(&s, deal).is_empty());
    let task =
        s.ws.tasks_of_deal(deal)
            .find(|t| t.kind == TaskKind::FollowUp)
            .unwrap();
    assert_eq!(task.due, at(2026, 3, 1, 18, 0));

    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 12, 31, 23, 0));
    let deal = s.deal("Acme", 5_000);
    let offer = s.task(deal, TaskKind::Offer, s.now);
    s.complete(offer, false);
    assert_eq!(only(&s, deal)[0].due, at(2027, 1, 2, 23, 0));

    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2028, 2, 28, 12, 0));
    let deal = s.deal("Leap", 5_000);
    let offer = s.task(deal, TaskKind::Offer, s.now);
    s.complete(offer, false);
    assert_eq!(
        only(&s, deal)[0].due,
        at(2028, 3, 1, 12, 0),
        "2028 has a 29 February"
    );
}

#[test]
fn a_meeting_booked_ahead_gets_a_reminder_the_day_before() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 2, 9, 0));
    let deal = s.deal("Acme", 5_000);
    s.task(deal, TaskKind::Meeting, at(2026, 3, 10, 10, 0));
    let reminder = only(&s, deal);
    assert_eq!(reminder.len(), 1);
    assert_eq!(reminder[0].kind, SuggestionKind::MeetingReminder);
    assert_eq!(reminder[0].due, at(2026, 3, 9, 10, 0));
    accept(&mut s, &reminder[0]);
    assert!(only(&s, deal).is_empty());
    let call =
        s.ws.tasks_of_deal(deal)
            .find(|t| t.kind == TaskKind::Call)
            .unwrap();
    assert_eq!(call.due, at(2026, 3, 9, 10, 0));
}

#[test]
fn a_meeting_booked_the_same_day_gets_no_reminder() {
    let mut s = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 2, 9, 0));
    let deal = s.deal("Acme", 5_000);
    s.task(deal, TaskKind::Meeting, at(2026, 3, 2, 15, 0));
    assert!(only(&s, deal).is_empty());
}

#[test]
fn after_the_third_follow_up_without_a_decision_let_them_buy_is_suggested() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 5_000);
    for n in 1..=3 {
        let f = s.task(deal, TaskKind::FollowUp, s.now);
        s.complete(f, false);
        s.advance(Duration::hours(48));
        let let_them_buy: Vec<_> = only(&s, deal)
            .into_iter()
            .filter(|x| x.kind == SuggestionKind::LetThemBuy)
            .collect();
        if n < 3 {
            assert!(let_them_buy.is_empty(), "not after follow-up {n}");
        } else {
            assert_eq!(let_them_buy.len(), 1);
            assert_eq!(let_them_buy[0].follow_ups, 3);
            assert_eq!(
                let_them_buy[0].stage_id,
                Some(s.stage_named("Let them buy"))
            );
            accept(&mut s, &let_them_buy[0]);
        }
    }
    assert_eq!(s.get(deal).stage_id, s.stage_named("Let them buy"));
    assert!(only(&s, deal)
        .iter()
        .all(|x| x.kind != SuggestionKind::LetThemBuy));
}

#[test]
fn let_them_buy_needs_a_parking_stage_and_an_undecided_deal() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 5_000);
    for _ in 0..3 {
        let f = s.task(deal, TaskKind::FollowUp, s.now);
        s.complete(f, false);
    }
    assert!(only(&s, deal)
        .iter()
        .all(|x| x.kind != SuggestionKind::LetThemBuy));

    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 5_000);
    for _ in 0..3 {
        let f = s.task(deal, TaskKind::FollowUp, s.now);
        s.complete(f, false);
    }
    s.apply(Command::CloseLost {
        id: deal,
        reason: Some(LostReasonKind::NoDecision),
        note: String::new(),
    });
    assert!(only(&s, deal).is_empty());
}

#[test]
fn a_win_suggests_the_post_sale_contact_and_care_stage() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 5_000);
    s.apply(Command::CloseWon { id: deal });
    let post = only(&s, deal);
    assert_eq!(post.len(), 1);
    assert_eq!(post[0].kind, SuggestionKind::PostSaleContact);
    assert_eq!(post[0].due, s.now + Duration::days(7));
    assert_eq!(post[0].stage_id, Some(s.stage_named("Post-sale care")));
    accept(&mut s, &post[0]);
    assert_eq!(s.get(deal).stage_id, s.stage_named("Post-sale care"));
    assert_eq!(s.get(deal).outcome, Outcome::Won);
    assert!(s
        .ws
        .tasks_of_deal(deal)
        .any(|t| t.kind == TaskKind::PostSale));
    assert!(only(&s, deal).is_empty());
}

#[test]
fn a_dismissed_suggestion_stays_away() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 5_000);
    let offer = s.task(deal, TaskKind::Offer, s.now);
    s.complete(offer, false);
    let key = only(&s, deal)[0].key.clone();
    s.apply(Command::DismissSuggestion { deal_id: deal, key });
    assert!(only(&s, deal).is_empty());
}

#[test]
fn all_suggestions_are_listed_most_urgent_first() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let a = s.deal("A", 1);
    let b = s.deal("B", 1);
    s.task(a, TaskKind::Meeting, s.now + Duration::days(9));
    let offer = s.task(b, TaskKind::Offer, s.now);
    s.complete(offer, false);
    let all = suggestions(&s.ws);
    assert_eq!(all.iter().map(|x| x.deal_id).collect::<Vec<_>>(), [b, a]);
}

#[test]
fn a_deal_is_idle_only_after_its_stages_limit_without_activity() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel); // New lead: idle after 3 days
    let deal = s.deal("Acme", 1);
    // As the board asks: the stage's limit, from the last activity.
    let idle_at = |s: &Scenario, after: Duration| {
        let d = s.ws.deal(deal).unwrap();
        let limit = s.ws.stage(d.stage_id).and_then(|(_, st)| st.idle_days);
        let tasks: Vec<&Task> = s.ws.tasks_of_deal(deal).collect();
        is_idle_after(d, limit, last_task_activity(&tasks), s.now + after)
    };
    assert!(!idle_at(&s, Duration::days(3)));
    assert!(idle_at(&s, Duration::days(3) + Duration::minutes(1)));

    s.advance(Duration::days(2));
    s.task(deal, TaskKind::Call, s.now + Duration::days(1));
    assert!(!idle_at(&s, Duration::days(3)), "a new task is activity");
    assert!(idle_at(&s, Duration::days(4)));

    s.apply(Command::CloseWon { id: deal });
    assert!(
        !idle_at(&s, Duration::days(30)),
        "a closed deal is never idle"
    );
}
