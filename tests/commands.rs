//! The one door: every change a user can make, and every refusal leaving the
//! workspace byte-for-byte unchanged.

mod common;

use common::*;
use pipeline_crm::domain::*;

#[test]
fn each_preset_has_its_stages_in_order() {
    let names = |p: StagePreset| {
        Scenario::new(p)
            .pipeline()
            .stages
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(StagePreset::ClassicFunnel),
        [
            "New lead",
            "Contact made",
            "Needs analysis",
            "Quote / offer sent",
            "Negotiation",
            "Closing"
        ]
    );
    assert_eq!(
        names(StagePreset::TrainersProcess),
        [
            "Inquiry received",
            "Contacted",
            "Preparing offer",
            "Offer sent",
            "Second contact (follow-up)",
            "Won",
            "Lost",
            "Let them buy",
            "Post-sale care"
        ]
    );
    assert_eq!(
        names(StagePreset::Spanco),
        [
            "Suspect",
            "Prospect",
            "Approach",
            "Negotiation",
            "Conclusion",
            "Order"
        ]
    );
    let trainer = Scenario::new(StagePreset::TrainersProcess);
    let kinds: Vec<StageKind> = trainer.pipeline().stages.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds[5..],
        [
            StageKind::Won,
            StageKind::Lost,
            StageKind::Parking,
            StageKind::PostSale
        ]
    );
    assert!(trainer
        .pipeline()
        .stages
        .iter()
        .all(|s| s.probability <= 100));
}

#[test]
fn translated_stage_names_are_used_when_given() {
    let mut ids = Ids::new();
    let p = StagePreset::ClassicFunnel.pipeline_named(
        "Lejek",
        &["Nowy", "Kontakt"],
        &mut || ids.next(),
        at(2026, 1, 1, 0, 0),
    );
    let names: Vec<_> = p.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[..3], ["Nowy", "Kontakt", "Needs analysis"]);
}

#[test]
fn a_created_deal_starts_in_the_first_stage_with_its_history() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("  Acme website ", 12_500);
    let d = s.get(deal);
    assert_eq!(d.title, "Acme website");
    assert_eq!(d.stage_id, s.stage(0));
    assert_eq!(d.outcome, Outcome::Open);
    assert_eq!(
        d.stage_history,
        vec![StageEntry {
            stage_id: s.stage(0),
            entered_at: s.now
        }]
    );
    assert_eq!(d.created_at, s.now);
    assert_eq!(d.updated_at, s.now);
    assert_eq!(d.value.to_string(), "12\u{202f}500.00 EUR");
}

#[test]
fn bad_deals_are_refused_with_their_reason() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let owner = s.owner();
    let id = s.ids.next();
    let with = |input: DealInput| Command::CreateDeal {
        id,
        stage_id: None,
        input,
    };
    let ok = DealInput::new("Deal", owner, s.eur(10));

    assert_eq!(
        s.refuse(with(DealInput {
            title: " ".into(),
            ..ok.clone()
        })),
        DomainError::EmptyTitle
    );
    let negative = Money {
        minor: -1,
        currency: "EUR".into(),
    };
    assert_eq!(
        s.refuse(with(DealInput {
            value: negative,
            ..ok.clone()
        })),
        DomainError::NegativeAmount
    );
    let huge = Money {
        minor: MAX_MINOR + 1,
        currency: "EUR".into(),
    };
    assert_eq!(
        s.refuse(with(DealInput {
            value: huge,
            ..ok.clone()
        })),
        DomainError::AmountTooLarge
    );
    let bad_currency = Money {
        minor: 1,
        currency: "euro".into(),
    };
    assert!(matches!(
        s.refuse(with(DealInput {
            value: bad_currency,
            ..ok.clone()
        })),
        DomainError::InvalidCurrency(_)
    ));
    let bad_budget = Some(Money {
        minor: -5,
        currency: "EUR".into(),
    });
    assert_eq!(
        s.refuse(with(DealInput {
            budget: bad_budget,
            ..ok.clone()
        })),
        DomainError::NegativeAmount
    );
    let nobody = s.ids.next();
    assert_eq!(
        s.refuse(with(DealInput {
            owner_id: nobody,
            ..ok.clone()
        })),
        DomainError::SalespersonNotFound
    );
    let no_client = Some(s.ids.next());
    assert_eq!(
        s.refuse(with(DealInput {
            client_id: no_client,
            ..ok.clone()
        })),
        DomainError::ClientNotFound
    );

    let existing = s.deal("First", 1);
    let duplicate = Command::CreateDeal {
        id: existing,
        stage_id: None,
        input: ok.clone(),
    };
    assert_eq!(s.refuse(duplicate), DomainError::DuplicateId(existing));
    let unknown_stage = Command::CreateDeal {
        id,
        stage_id: Some(s.ids.next()),
        input: ok,
    };
    assert_eq!(s.refuse(unknown_stage), DomainError::StageNotFound);
}

#[test]
fn editing_a_deal_changes_every_field_and_stamps_it() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Draft", 1);
    let client = s.client("Acme");
    let bob = s.salesperson("Bob");
    s.advance(hours(1));
    let input = DealInput {
        title: "Acme CRM rollout".into(),
        client_id: Some(client),
        owner_id: bob,
        value: Money {
            minor: 900_000,
            currency: "PLN".into(),
        },
        source: "Referral".into(),
        expected_close: chrono::NaiveDate::from_ymd_opt(2026, 4, 30),
        decision_maker_confirmed: Some(true),
        budget: Some(Money {
            minor: 1_000_000,
            currency: "PLN".into(),
        }),
        decision_date: chrono::NaiveDate::from_ymd_opt(2026, 4, 15),
        competitors: "Pipedrive".into(),
        needs: "Offline use".into(),
        next_step: "Demo on Friday".into(),
        qualified: Some(true),
    };
    s.apply(Command::EditDeal {
        id: deal,
        input: input.clone(),
    });
    let d = s.get(deal);
    assert_eq!(DealInput::from_deal(d), input);
    assert_eq!(d.updated_at, s.now);
    assert_eq!(d.created_at, s.now - hours(1));
}

#[test]
fn moving_a_deal_records_its_stage_history() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 100);
    s.advance(hours(5));
    s.move_to(deal, s.stage(2));
    s.advance(hours(5));
    s.move_to(deal, s.stage(1));
    let d = s.get(deal);
    assert_eq!(d.stage_id, s.stage(1));
    let history: Vec<_> = d.stage_history.iter().map(|e| e.stage_id).collect();
    assert_eq!(history, [s.stage(0), s.stage(2), s.stage(1)]);
    assert_eq!(d.entered_current_stage(), s.now);

    // Moving to the stage it is already in changes nothing.
    let before = s.ws.clone();
    s.move_to(deal, s.stage(1));
    assert_eq!(s.ws, before);
}

#[test]
fn a_deal_cannot_move_to_another_pipelines_stage_or_a_missing_one() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 100);
    let mut ids = Ids::new();
    for _ in 0..1000 {
        ids.next();
    }
    let spanco = StagePreset::Spanco.pipeline(&mut || ids.next(), s.now);
    let foreign = spanco.stages[1].id;
    s.apply(Command::AddPipeline { pipeline: spanco });
    assert_eq!(
        s.refuse(Command::MoveDeal {
            id: deal,
            stage_id: foreign
        }),
        DomainError::StageInOtherPipeline
    );
    let missing = s.ids.next();
    assert_eq!(
        s.refuse(Command::MoveDeal {
            id: deal,
            stage_id: missing
        }),
        DomainError::StageNotFound
    );
    assert_eq!(
        s.refuse(Command::MoveDeal {
            id: missing,
            stage_id: foreign
        }),
        DomainError::DealNotFound
    );
}

#[test]
fn the_three_finalisation_answers() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let yes = s.deal("Yes", 100);
    let no = s.deal("No", 100);
    let maybe = s.deal("Maybe", 100);
    s.advance(hours(24));

    // Yes: won, moved to the Won stage.
    s.apply(Command::CloseWon { id: yes });
    assert_eq!(s.get(yes).outcome, Outcome::Won);
    assert_eq!(s.get(yes).closed_at, Some(s.now));
    assert_eq!(s.get(yes).stage_id, s.stage_named("Won"));

    // No: refused without a reason, and "Other" needs words.
    let lost = |reason, note: &str| Command::CloseLost {
        id: no,
        reason,
        note: note.into(),
    };
    assert_eq!(s.refuse(lost(None, "")), DomainError::LostReasonRequired);
    assert_eq!(
        s.refuse(lost(Some(LostReasonKind::Other), "  ")),
        DomainError::LostNoteRequired
    );
    s.apply(lost(
        Some(LostReasonKind::Price),
        "Too expensive for this year",
    ));
    let d = s.get(no);
    assert_eq!(d.outcome, Outcome::Lost);
    assert_eq!(
        d.lost_reason,
        Some(LostReason {
            kind: LostReasonKind::Price,
            note: "Too expensive for this year".into()
        })
    );
    assert_eq!(d.stage_id, s.stage_named("Lost"));

    // Maybe: stays where it is, answer recorded.
    s.apply(Command::MarkMaybe { id: maybe });
    assert_eq!(s.get(maybe).outcome, Outcome::Maybe);
    assert_eq!(s.get(maybe).stage_id, s.stage(0));
    assert_eq!(
        s.refuse(Command::MarkMaybe { id: yes }),
        DomainError::DealClosed
    );
    assert_eq!(
        s.refuse(Command::CloseWon { id: yes }),
        DomainError::DealClosed
    );
}

#[test]
fn dropping_a_deal_on_won_closes_it_and_on_lost_asks_for_the_dialog() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 100);
    assert_eq!(
        s.refuse(Command::MoveDeal {
            id: deal,
            stage_id: s.stage_named("Lost")
        }),
        DomainError::UseCloseLost
    );
    s.move_to(deal, s.stage_named("Won"));
    assert_eq!(s.get(deal).outcome, Outcome::Won);
    // A won deal moves on into post-sale care and stays won.
    s.move_to(deal, s.stage_named("Post-sale care"));
    assert_eq!(s.get(deal).outcome, Outcome::Won);
    assert_eq!(s.get(deal).stage_id, s.stage_named("Post-sale care"));
}

#[test]
fn a_closed_deal_dragged_back_onto_the_board_is_open_again() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 100);
    s.apply(Command::CloseLost {
        id: deal,
        reason: Some(LostReasonKind::Timing),
        note: String::new(),
    });
    s.move_to(deal, s.stage(2));
    let d = s.get(deal);
    assert_eq!(
        (d.outcome, d.lost_reason.clone(), d.closed_at),
        (Outcome::Open, None, None)
    );
}

#[test]
fn reopen_returns_a_deal_to_its_last_open_stage() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 100);
    s.move_to(deal, s.stage(3));
    s.apply(Command::CloseWon { id: deal });
    let open = s.deal("Other", 1);
    assert_eq!(
        s.refuse(Command::Reopen { id: open }),
        DomainError::DealNotClosed
    );
    s.apply(Command::Reopen { id: deal });
    let d = s.get(deal);
    assert_eq!(d.outcome, Outcome::Open);
    assert_eq!(d.stage_id, s.stage(3));
    assert_eq!(d.closed_at, None);
}

#[test]
fn closing_in_a_pipeline_without_won_or_lost_stages_keeps_the_stage() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 100);
    s.move_to(deal, s.stage(5));
    s.apply(Command::CloseWon { id: deal });
    assert_eq!(s.get(deal).stage_id, s.stage(5));
    assert_eq!(s.get(deal).stage_history.len(), 2);
}

#[test]
fn deleting_a_deal_takes_its_tasks_and_restore_brings_both_back() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 100);
    let keep = s.deal("Other", 100);
    let t1 = s.task(deal, TaskKind::Call, s.now + hours(2));
    let t2 = s.task(keep, TaskKind::Call, s.now + hours(2));
    let snapshot = s.ws.clone();
    let deleted = s.get(deal).clone();
    let tasks: Vec<Task> = s.ws.tasks_of_deal(deal).cloned().collect();

    s.apply(Command::DeleteDeal { id: deal });
    assert!(s.ws.deal(deal).is_none());
    assert!(s.ws.task(t1).is_none());
    assert!(s.ws.task(t2).is_some());
    assert!(s
        .ws
        .tombstones
        .iter()
        .any(|t| t.id == deal && t.kind == RecordKind::Deal));
    assert!(s
        .ws
        .tombstones
        .iter()
        .any(|t| t.id == t1 && t.kind == RecordKind::Task));

    s.apply(Command::RestoreDeal {
        deal: Box::new(deleted.clone()),
        tasks: tasks.clone(),
    });
    assert!(s.ws.tombstones.is_empty());
    assert_eq!(s.ws.deal(deal), Some(&deleted));
    assert_eq!(s.ws.task(t1), snapshot.task(t1));
    let dup = Command::RestoreDeal {
        deal: Box::new(deleted),
        tasks,
    };
    assert_eq!(s.refuse(dup), DomainError::DuplicateId(deal));
}

#[test]
fn clients_are_created_edited_rated_and_deleted_without_losing_deals() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let client = s.client("Acme");
    let id = s.ids.next();
    assert_eq!(
        s.refuse(Command::CreateClient {
            id,
            input: ClientInput::default()
        }),
        DomainError::EmptyName
    );
    let input = ClientInput {
        name: "Acme Ltd".into(),
        company: "Acme".into(),
        email: "ceo@acme.test".into(),
        phone: "+48 600 000 000".into(),
        website: "https://acme.test".into(),
        address: "Warsaw".into(),
        source: "Networking".into(),
        prior_contact: true,
        decision_makers: "CEO and CFO".into(),
        notes: "Met at a fair".into(),
    };
    s.apply(Command::EditClient {
        id: client,
        input: input.clone(),
    });
    assert_eq!(
        ClientInput::from_client(s.ws.client(client).unwrap()),
        input
    );

    let rating = ClientRating {
        potential: 5,
        behaviour: 4,
        interest: 3,
    };
    s.apply(Command::RateClient { id: client, rating });
    assert_eq!(s.ws.client(client).unwrap().rating, rating);
    let bad = ClientRating {
        potential: 6,
        ..rating
    };
    assert_eq!(
        s.refuse(Command::RateClient {
            id: client,
            rating: bad
        }),
        DomainError::RatingOutOfRange
    );

    let owner = s.owner();
    let deal = s.ids.next();
    let mut deal_input = DealInput::new("For Acme", owner, s.eur(5));
    deal_input.client_id = Some(client);
    s.apply(Command::CreateDeal {
        id: deal,
        stage_id: None,
        input: deal_input,
    });
    s.apply(Command::DeleteClient { id: client });
    assert!(s.ws.client(client).is_none());
    assert_eq!(s.get(deal).client_id, None);
    assert_eq!(
        s.refuse(Command::DeleteClient { id: client }),
        DomainError::ClientNotFound
    );
}

#[test]
fn tasks_are_added_edited_done_reopened_and_deleted() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 100);
    let missing = s.ids.next();
    let input = TaskInput {
        kind: TaskKind::Call,
        due: s.now,
        note: "Call".into(),
    };
    let id = s.ids.next();
    assert_eq!(
        s.refuse(Command::CreateTask {
            id,
            deal_id: missing,
            input: input.clone()
        }),
        DomainError::DealNotFound
    );
    let task = s.task(deal, TaskKind::Call, s.now + hours(3));
    s.apply(Command::EditTask {
        id: task,
        input: TaskInput {
            kind: TaskKind::Meeting,
            due: s.now + hours(4),
            note: " Visit ".into(),
        },
    });
    let t = s.ws.task(task).unwrap();
    assert_eq!(
        (t.kind, t.due, t.note.as_str()),
        (TaskKind::Meeting, s.now + hours(4), "Visit")
    );
    assert_eq!(
        s.refuse(Command::ReopenTask { id: task }),
        DomainError::TaskNotDone
    );
    s.complete(task, true);
    let t = s.ws.task(task).unwrap();
    assert_eq!(
        (t.done_at, t.offer_promised, t.outcome.as_str()),
        (Some(s.now), true, "done")
    );
    assert_eq!(
        s.refuse(Command::CompleteTask {
            id: task,
            outcome: String::new(),
            offer_promised: false
        }),
        DomainError::TaskDone
    );
    s.apply(Command::ReopenTask { id: task });
    assert_eq!(s.ws.task(task).unwrap().done_at, None);
    s.apply(Command::DeleteTask { id: task });
    assert!(s.ws.task(task).is_none());
    assert_eq!(
        s.refuse(Command::DeleteTask { id: task }),
        DomainError::TaskNotFound
    );
}

#[test]
fn stages_are_added_edited_reordered_and_validated() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let pipeline = s.pipeline().id;
    let id = s.ids.next();
    let input = StageInput {
        name: "Demo".into(),
        kind: StageKind::Open,
        probability: 50,
        idle_days: Some(5),
    };
    s.apply(Command::AddStage {
        pipeline_id: pipeline,
        id,
        input: input.clone(),
        position: Some(3),
    });
    assert_eq!(s.stage(3), id);
    assert_eq!(s.pipeline().stages.len(), 7);

    let bad = StageInput {
        probability: 101,
        ..input.clone()
    };
    assert_eq!(
        s.refuse(Command::EditStage {
            stage_id: id,
            input: bad
        }),
        DomainError::ProbabilityOutOfRange
    );
    let bad = StageInput {
        idle_days: Some(0),
        ..input.clone()
    };
    assert_eq!(
        s.refuse(Command::EditStage {
            stage_id: id,
            input: bad
        }),
        DomainError::IdleDaysOutOfRange
    );
    let bad = StageInput {
        name: "".into(),
        ..input.clone()
    };
    assert_eq!(
        s.refuse(Command::EditStage {
            stage_id: id,
            input: bad
        }),
        DomainError::EmptyName
    );

    s.apply(Command::EditStage {
        stage_id: id,
        input: StageInput {
            name: "Live demo".into(),
            probability: 55,
            ..input
        },
    });
    assert_eq!(s.pipeline().stages[3].name, "Live demo");
    assert_eq!(s.pipeline().stages[3].probability, 55);

    s.apply(Command::MoveStage {
        stage_id: id,
        to: 0,
    });
    assert_eq!(s.stage(0), id);
    s.apply(Command::MoveStage {
        stage_id: id,
        to: 99,
    });
    assert_eq!(s.stage(6), id);
}

#[test]
fn a_stage_holding_deals_cannot_change_kind() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    s.deal("Acme", 1);
    let stage = s.pipeline().stages[0].clone();
    let won = StageInput {
        kind: StageKind::Won,
        ..StageInput::from_stage(&stage)
    };
    assert_eq!(
        s.refuse(Command::EditStage {
            stage_id: stage.id,
            input: won
        }),
        DomainError::KindChangeWithDeals(1)
    );
}

#[test]
fn removing_a_stage_with_deals_needs_a_target_and_moves_them_there() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let a = s.deal("A", 1);
    let b = s.deal("B", 2);
    let first = s.stage(0);
    let second = s.stage(1);
    assert_eq!(
        s.refuse(Command::RemoveStage {
            stage_id: first,
            move_deals_to: None,
            reason: None,
            note: String::new(),
        }),
        DomainError::StageHasDeals(2)
    );
    assert_eq!(
        s.refuse(Command::RemoveStage {
            stage_id: first,
            move_deals_to: Some(first),
            reason: None,
            note: String::new(),
        }),
        DomainError::InvalidMoveTarget
    );
    s.advance(hours(1));
    s.apply(Command::RemoveStage {
        stage_id: first,
        move_deals_to: Some(second),
        reason: None,
        note: String::new(),
    });
    assert_eq!(s.pipeline().stages.len(), 5);
    for d in [a, b] {
        assert_eq!(s.get(d).stage_id, second);
        assert_eq!(s.get(d).stage_history.last().unwrap().entered_at, s.now);
    }
    // An empty stage goes without asking.
    let empty = s.stage(4);
    s.apply(Command::RemoveStage {
        stage_id: empty,
        move_deals_to: None,
        reason: None,
        note: String::new(),
    });
    assert_eq!(s.pipeline().stages.len(), 4);
}

#[test]
fn a_pipeline_keeps_at_least_one_open_stage() {
    let mut s = Scenario::new(StagePreset::Spanco);
    for _ in 0..4 {
        let id = s.stage(0);
        s.apply(Command::RemoveStage {
            stage_id: id,
            move_deals_to: None,
            reason: None,
            note: String::new(),
        });
    }
    // Conclusion (open) and Order (won) are left.
    let last_open = s.stage(0);
    assert_eq!(
        s.refuse(Command::RemoveStage {
            stage_id: last_open,
            move_deals_to: None,
            reason: None,
            note: String::new(),
        }),
        DomainError::OpenStageRequired
    );
    let as_won = StageInput {
        kind: StageKind::Won,
        ..StageInput::from_stage(&s.pipeline().stages[0])
    };
    assert_eq!(
        s.refuse(Command::EditStage {
            stage_id: last_open,
            input: as_won
        }),
        DomainError::OpenStageRequired
    );
}

#[test]
fn pipelines_are_added_renamed_and_switched() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let classic = s.pipeline().id;
    let mut ids = Ids::new();
    for _ in 0..500 {
        ids.next();
    }
    let spanco = StagePreset::Spanco.pipeline(&mut || ids.next(), s.now);
    let spanco_id = spanco.id;
    s.apply(Command::AddPipeline {
        pipeline: spanco.clone(),
    });
    assert_eq!(s.pipeline().id, spanco_id);
    assert_eq!(
        s.refuse(Command::AddPipeline { pipeline: spanco }),
        DomainError::DuplicateId(spanco_id)
    );
    s.apply(Command::RenamePipeline {
        id: spanco_id,
        name: "Enterprise".into(),
    });
    assert_eq!(s.pipeline().name, "Enterprise");
    s.apply(Command::SwitchPipeline { id: classic });
    assert_eq!(s.pipeline().id, classic);
    // New deals go to the shown pipeline.
    let deal = s.deal("Acme", 1);
    assert_eq!(s.get(deal).pipeline_id, classic);
    let missing = s.ids.next();
    assert_eq!(
        s.refuse(Command::SwitchPipeline { id: missing }),
        DomainError::PipelineNotFound
    );
    assert_eq!(
        s.refuse(Command::RenamePipeline {
            id: classic,
            name: "  ".into()
        }),
        DomainError::EmptyName
    );
}

#[test]
fn salespeople_are_added_renamed_and_removed_with_their_deals_reassigned() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let anna = s.owner();
    assert_eq!(
        s.refuse(Command::RemoveSalesperson {
            id: anna,
            reassign_to: None
        }),
        DomainError::LastSalesperson
    );
    let bob = s.salesperson("Bob");
    s.apply(Command::RenameSalesperson {
        id: bob,
        name: "Robert".into(),
    });
    assert_eq!(s.ws.salesperson(bob).unwrap().name, "Robert");
    let deal = s.deal_for("Bob's deal", 10, bob);
    assert_eq!(
        s.refuse(Command::RemoveSalesperson {
            id: bob,
            reassign_to: None
        }),
        DomainError::SalespersonOwnsDeals(1)
    );
    s.apply(Command::RemoveSalesperson {
        id: bob,
        reassign_to: Some(anna),
    });
    assert_eq!(s.get(deal).owner_id, anna);
    assert!(s.ws.salesperson(bob).is_none());
}

#[test]
fn currency_and_quota_are_settings() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    s.apply(Command::SetCurrency { code: "pln".into() });
    assert_eq!(s.ws.settings.currency, "PLN");
    assert!(matches!(
        s.refuse(Command::SetCurrency { code: "zł".into() }),
        DomainError::InvalidCurrency(_)
    ));
    let march = chrono::NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
    s.apply(Command::SetQuota {
        month: march,
        salesperson_id: None,
        amount_minor: 5_000_000,
    });
    assert_eq!(s.ws.settings.quotas.len(), 1);
    assert_eq!(
        s.ws.settings.quotas[0].month,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    );
    s.apply(Command::SetQuota {
        month: march,
        salesperson_id: None,
        amount_minor: 6_000_000,
    });
    assert_eq!(s.ws.settings.quotas[0].amount_minor, 6_000_000);
    assert_eq!(
        s.refuse(Command::SetQuota {
            month: march,
            salesperson_id: None,
            amount_minor: -1
        }),
        DomainError::NegativeAmount
    );
    s.apply(Command::SetQuota {
        month: march,
        salesperson_id: None,
        amount_minor: 0,
    });
    assert!(s.ws.settings.quotas.is_empty());
}

#[test]
fn a_batch_applies_all_or_nothing() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let deal = s.deal("Acme", 1);
    let before = s.ws.clone();
    let batch = vec![
        Command::MoveDeal {
            id: deal,
            stage_id: s.stage(1),
        },
        Command::CloseLost {
            id: deal,
            reason: None,
            note: String::new(),
        },
    ];
    assert_eq!(
        s.ws.apply_all(batch, s.now),
        Err(DomainError::LostReasonRequired)
    );
    assert_eq!(s.ws, before);
}

#[test]
fn every_error_reads_as_a_sentence() {
    let errors = [
        DomainError::EmptyTitle,
        DomainError::LostReasonRequired,
        DomainError::StageHasDeals(3),
        DomainError::InvalidCurrency("x".into()),
    ];
    for e in errors {
        let text = e.to_string();
        assert!(text.ends_with('.'), "{text}");
        assert!(text.chars().next().unwrap().is_uppercase(), "{text}");
    }
}

#[test]
fn amounts_are_parsed_as_people_type_them() {
    assert_eq!(parse_amount("1200"), Ok(120_000));
    assert_eq!(parse_amount("1 200,5"), Ok(120_050));
    assert_eq!(parse_amount("0.07"), Ok(7));
    assert_eq!(parse_amount(""), Ok(0));
    assert_eq!(parse_amount("-3"), Err(AmountError::Negative));
    assert_eq!(parse_amount("12.345"), Err(AmountError::NotANumber));
    assert_eq!(parse_amount("abc"), Err(AmountError::NotANumber));
    assert_eq!(parse_amount("1e5"), Err(AmountError::NotANumber));
    assert_eq!(
        parse_amount("99999999999999999999"),
        Err(AmountError::TooLarge)
    );
}

#[test]
fn a_form_left_open_keeps_the_changes_made_elsewhere_to_fields_it_did_not_touch() {
    let eur = |minor| Money {
        minor,
        currency: "EUR".into(),
    };
    let owner = uuid::Uuid::from_u128(1);
    let base = DealInput::new("Website", owner, eur(100_000));
    // Another tab renamed the deal and raised its value meanwhile.
    let mut current = base.clone();
    current.title = "Website and shop".into();
    current.value = eur(150_000);
    // This form changed the needs, and the value too.
    let mut mine = base.clone();
    mine.needs = "A shop for 200 products".into();
    mine.value = eur(120_000);
    let saved = mine.rebased(&base, &current);
    assert_eq!(saved.title, "Website and shop", "untouched here: theirs");
    assert_eq!(saved.needs, "A shop for 200 products", "changed here: ours");
    assert_eq!(saved.value, eur(120_000), "changed on both: ours");
    // With no change elsewhere, the form saves exactly what it holds.
    let mut edited = base.clone();
    edited.qualified = Some(true);
    assert_eq!(edited.clone().rebased(&base, &base), edited);

    let base = ClientInput {
        name: "Ada".into(),
        ..ClientInput::default()
    };
    let mut current = base.clone();
    current.phone = "+39 055 123".into();
    let mut mine = base.clone();
    mine.notes = "Prefers mornings".into();
    let saved = mine.rebased(&base, &current);
    assert_eq!(
        (
            saved.name.as_str(),
            saved.phone.as_str(),
            saved.notes.as_str()
        ),
        ("Ada", "+39 055 123", "Prefers mornings")
    );
}
