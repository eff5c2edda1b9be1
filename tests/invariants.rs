//! The promises every change keeps (docs/PRODUCT.md, "What always holds"):
//! no deal is hidden or orphaned, every closed deal carries its answer.
//! Checked after each kind of command, and after random sequences of them.

mod common;

use common::*;
use pipeline_crm::domain::exchange::merge;
use pipeline_crm::domain::invariants::violations;
use pipeline_crm::domain::layout::plan;
use pipeline_crm::domain::limits::TextField;
use pipeline_crm::domain::*;
use proptest::prelude::*;

fn assert_holds(ws: &Workspace) {
    let broken = violations(ws);
    assert!(broken.is_empty(), "broken promises: {broken:#?}");
}

fn remove_stage(stage_id: Id, to: Option<Id>, reason: Option<LostReasonKind>) -> Command {
    Command::RemoveStage {
        stage_id,
        move_deals_to: to,
        reason,
        note: String::new(),
    }
}

/// The trainer's process with five deals in "Contacted".
fn five_contacted() -> (Scenario, Vec<Id>) {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let contacted = s.stage_named("Contacted");
    let deals: Vec<Id> = (0..5)
        .map(|i| {
            let d = s.deal(&format!("Deal {i}"), 10);
            s.move_to(d, contacted);
            d
        })
        .collect();
    (s, deals)
}

#[test]
fn removing_a_stage_into_lost_closes_its_open_deals_for_the_reason_given_once() {
    let (mut s, deals) = five_contacted();
    let contacted = s.stage_named("Contacted");
    let lost = s.stage_named("Lost");
    assert_eq!(
        s.refuse(remove_stage(contacted, Some(lost), None)),
        DomainError::LostReasonRequired
    );
    s.advance(hours(1));
    s.apply(remove_stage(
        contacted,
        Some(lost),
        Some(LostReasonKind::Timing),
    ));
    for d in deals {
        let deal = s.get(d);
        assert_eq!(deal.outcome, Outcome::Lost);
        assert_eq!(deal.stage_id, lost);
        assert_eq!(
            deal.lost_reason.as_ref().unwrap().kind,
            LostReasonKind::Timing
        );
        assert_eq!(deal.closed_at, Some(s.now));
    }
    assert_holds(&s.ws);
}

#[test]
fn removing_a_stage_into_won_wins_its_open_deals() {
    let (mut s, deals) = five_contacted();
    let contacted = s.stage_named("Contacted");
    let won = s.stage_named("Won");
    s.apply(remove_stage(contacted, Some(won), None));
    for d in deals {
        assert_eq!(s.get(d).outcome, Outcome::Won);
        assert_eq!(s.get(d).closed_at, Some(s.now));
    }
    assert_holds(&s.ws);
}

#[test]
fn won_and_lost_deals_keep_their_answer_when_their_stage_goes() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let lost_deal = s.deal("Lost one", 1);
    s.apply(Command::CloseLost {
        id: lost_deal,
        reason: Some(LostReasonKind::Price),
        note: "too dear".into(),
    });
    let won_deal = s.deal("Won one", 1);
    s.apply(Command::CloseWon { id: won_deal });
    let lost = s.stage_named("Lost");
    let won = s.stage_named("Won");
    let first = s.stage(0);
    // A Lost stage holding lost deals cannot send them to a Won stage.
    let targets: Vec<Id> =
        s.ws.stage_removal_targets(lost)
            .iter()
            .map(|st| st.id)
            .collect();
    assert!(!targets.contains(&won) && targets.contains(&first));
    assert_eq!(
        s.refuse(remove_stage(lost, Some(won), None)),
        DomainError::ClosedDealsTarget
    );
    s.apply(remove_stage(lost, Some(first), None));
    let deal = s.get(lost_deal);
    assert_eq!(deal.outcome, Outcome::Lost);
    assert_eq!(deal.lost_reason.as_ref().unwrap().note, "too dear");
    s.apply(remove_stage(won, Some(first), None));
    assert_eq!(s.get(won_deal).outcome, Outcome::Won);
    assert_holds(&s.ws);
}

#[test]
fn deals_hidden_in_a_closing_stage_by_an_earlier_build_come_back_when_opened() {
    let (mut s, deals) = five_contacted();
    let contacted = s.stage_named("Contacted");
    let lost = s.stage_named("Lost");
    // What an earlier build stored after removing "Contacted" into "Lost".
    for d in &deals {
        let deal = s.ws.deals.iter_mut().find(|x| x.id == *d).unwrap();
        deal.stage_id = lost;
        deal.stage_history.push(StageEntry {
            stage_id: lost,
            entered_at: s.now,
        });
    }
    assert!(!violations(&s.ws).is_empty());
    s.advance(hours(1));
    assert_eq!(s.ws.heal(Some(s.now)), 5);
    for d in &deals {
        let deal = s.get(*d);
        assert_eq!(deal.stage_id, contacted);
        assert_eq!(deal.outcome, Outcome::Open);
        assert!(deal.updated_at < s.now, "a healed copy must not win merges");
        assert_eq!(deal.stage_history.last().unwrap().entered_at, s.now);
    }
    assert_holds(&s.ws);
    assert_eq!(s.ws.heal(Some(s.now)), 0);
}

#[test]
fn an_undone_deletion_lands_in_a_stage_that_shows_the_deal() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 1);
    let first = s.stage(0);
    let second = s.stage(1);
    s.move_to(deal, second);
    let kept = s.get(deal).clone();
    s.apply(Command::DeleteDeal { id: deal });
    // Meanwhile the (now empty) stage becomes a Lost stage.
    let stage = s.pipeline().stages[1].clone();
    s.apply(Command::EditStage {
        stage_id: second,
        input: StageInput {
            kind: StageKind::Lost,
            ..StageInput::from_stage(&stage)
        },
    });
    s.apply(Command::RestoreDeal {
        deal: Box::new(kept),
        tasks: Vec::new(),
    });
    assert_eq!(s.get(deal).stage_id, first);
    assert_holds(&s.ws);
}

#[test]
fn a_merge_keeps_the_answer_of_a_deal_whose_stage_is_gone() {
    let mut s = Scenario::new(StagePreset::TrainersProcess);
    let deal = s.deal("Acme", 1);
    s.apply(Command::CloseLost {
        id: deal,
        reason: Some(LostReasonKind::Competitor),
        note: String::new(),
    });
    let theirs = s.ws.clone();
    // Here the Lost stage was removed after the colleague's copy was taken;
    // their copy of the deal is newer.
    let lost = s.stage_named("Lost");
    let first = s.stage(0);
    s.apply(remove_stage(lost, Some(first), None));
    let mut theirs = theirs;
    theirs.deals[0].updated_at = s.now + hours(1);
    let (merged, _) = merge(&s.ws, &theirs);
    let d = merged.deal(deal).unwrap();
    assert_eq!(d.outcome, Outcome::Lost);
    assert!(d.lost_reason.is_some());
    assert_holds(&merged);
}

#[test]
fn texts_longer_than_their_field_are_refused() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let owner = s.owner();
    let id = s.ids.next();
    let long_title = "x".repeat(201);
    assert_eq!(
        s.refuse(Command::CreateDeal {
            id,
            stage_id: None,
            input: DealInput::new(&long_title, owner, s.eur(1)),
        }),
        DomainError::TooLong(TextField::Title)
    );
    // Exactly at the limit is fine, counted in characters, not bytes.
    let title: String = "ż".repeat(200);
    s.apply(Command::CreateDeal {
        id,
        stage_id: None,
        input: DealInput::new(&title, owner, s.eur(1)),
    });
    let client = s.ids.next();
    assert_eq!(
        s.refuse(Command::CreateClient {
            id: client,
            input: ClientInput {
                name: "Acme".into(),
                notes: "n".repeat(10_001),
                ..ClientInput::default()
            },
        }),
        DomainError::TooLong(TextField::Notes)
    );
}

#[test]
fn a_website_or_email_that_would_not_be_a_link_is_refused() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let client = |website: &str, email: &str| ClientInput {
        name: "Acme".into(),
        website: website.into(),
        email: email.into(),
        ..ClientInput::default()
    };
    for evil in [
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "ftp://x.example",
    ] {
        let id = s.ids.next();
        assert_eq!(
            s.refuse(Command::CreateClient {
                id,
                input: client(evil, ""),
            }),
            DomainError::InvalidWebsite,
            "{evil}"
        );
    }
    for bad in [
        "javascript:alert(1)",
        "bob",
        "a@b.example?cc=eve@x.example",
        "mailto:a@b.example?body=x",
    ] {
        let id = s.ids.next();
        assert_eq!(
            s.refuse(Command::CreateClient {
                id,
                input: client("", bad),
            }),
            DomainError::InvalidEmail,
            "{bad}"
        );
    }
    let id = s.ids.next();
    s.apply(Command::CreateClient {
        id,
        input: client("acme.example", "mailto:ceo@acme.example"),
    });
}

/// One step of a random session: an operation and three numbers that pick
/// what it works on.
type Step = (u8, u16, u16, u16);

/// Turns a step into a command on `ws` as it is now; ids come from `fresh`.
fn command_for(
    ws: &Workspace,
    (op, a, b, c): Step,
    fresh: &mut impl FnMut() -> Id,
    deleted: &Option<(Deal, Vec<Task>)>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Command> {
    let pick = |n: usize, k: u16| (n > 0).then(|| k as usize % n);
    let stages: Vec<&Stage> = ws.pipelines.iter().flat_map(|p| &p.stages).collect();
    let stage = |k: u16| pick(stages.len(), k).map(|i| stages[i].id);
    let deal = |k: u16| pick(ws.deals.len(), k).map(|i| ws.deals[i].id);
    let task = |k: u16| pick(ws.tasks.len(), k).map(|i| ws.tasks[i].id);
    let client = |k: u16| pick(ws.clients.len(), k).map(|i| ws.clients[i].id);
    let person = |k: u16| pick(ws.salespeople.len(), k).map(|i| ws.salespeople[i].id);
    // A stage of the same pipeline as `of`: most moves stay within it.
    let sibling = |of: Id, k: u16| {
        let (p, _) = ws.stage(of)?;
        pick(p.stages.len(), k).map(|i| p.stages[i].id)
    };
    let deal_stage = |k: u16| pick(ws.deals.len(), k).map(|i| ws.deals[i].stage_id);
    let reason = |k: u16| (!k.is_multiple_of(3)).then(|| LostReasonKind::ALL[k as usize % 8]);
    let kind = |k: u16| StageKind::ALL[k as usize % 5];
    let title = |k: u16| match k % 4 {
        0 => String::new(),
        1 => "x".repeat(250),
        _ => format!("Deal {k}"),
    };
    let money = |k: u16| Money {
        minor: k as i64 * 100,
        currency: "EUR".into(),
    };
    use Command::*;
    Some(match op % 35 {
        0 | 1 => CreateDeal {
            id: fresh(),
            stage_id: (b % 2 == 0).then(|| stage(c)).flatten(),
            input: DealInput {
                client_id: client(c).filter(|_| a % 2 == 0),
                ..DealInput::new(&title(a), person(b)?, money(c))
            },
        },
        2 => EditDeal {
            id: deal(a)?,
            input: DealInput::new(&title(b), person(c)?, money(b)),
        },
        3 => DeleteDeal { id: deal(a)? },
        4 => {
            let (d, t) = deleted.clone()?;
            RestoreDeal {
                deal: Box::new(d),
                tasks: t,
            }
        }
        5 | 6 => {
            let id = deal(a)?;
            let of = ws.deal(id)?.stage_id;
            MoveDeal {
                id,
                stage_id: if c % 4 == 0 {
                    stage(b)?
                } else {
                    sibling(of, b)?
                },
            }
        }
        7 => CloseWon { id: deal(a)? },
        8 => CloseLost {
            id: deal(a)?,
            reason: reason(b),
            note: if c % 2 == 0 {
                String::new()
            } else {
                "why".into()
            },
        },
        9 => MarkMaybe { id: deal(a)? },
        10 => Reopen { id: deal(a)? },
        11 => CreateClient {
            id: fresh(),
            input: ClientInput {
                name: title(a),
                website: ["", "acme.example", "javascript:x"][b as usize % 3].into(),
                ..ClientInput::default()
            },
        },
        12 => DeleteClient { id: client(a)? },
        13 => CreateTask {
            id: fresh(),
            deal_id: deal(a)?,
            input: TaskInput {
                kind: TaskKind::ALL[b as usize % 7],
                due: now + hours(c as i64 % 100 - 50),
                note: String::new(),
            },
        },
        14 => CompleteTask {
            id: task(a)?,
            outcome: "done".into(),
            offer_promised: b % 2 == 0,
        },
        15 => DeleteTask { id: task(a)? },
        16 => AddStage {
            pipeline_id: ws.pipelines[pick(ws.pipelines.len(), a)?].id,
            id: fresh(),
            input: StageInput {
                name: format!("Stage {b}"),
                kind: kind(b),
                probability: (c % 120) as u8,
                idle_days: None,
            },
            position: Some(c as usize % 10),
        },
        17 => {
            let id = stage(a)?;
            let (_, st) = ws.stage(id)?;
            EditStage {
                stage_id: id,
                input: StageInput {
                    kind: kind(b),
                    ..StageInput::from_stage(st)
                },
            }
        }
        18 => MoveStage {
            stage_id: stage(a)?,
            to: b as usize % 10,
        },
        19 | 20 => {
            // Mostly a stage that holds deals, into another of its pipeline.
            let id = if a % 3 == 0 {
                stage(a)?
            } else {
                deal_stage(a)?
            };
            RemoveStage {
                stage_id: id,
                move_deals_to: match c % 6 {
                    0 => None,
                    1 => stage(b),
                    _ => sibling(id, b),
                },
                reason: reason(c),
                note: String::new(),
            }
        }
        21 => AddPipeline {
            pipeline: StagePreset::ALL[a as usize % 3].pipeline(fresh, now),
        },
        22 => AddSalesperson {
            id: fresh(),
            name: format!("Person {a}"),
        },
        23 => RemoveSalesperson {
            id: person(a)?,
            reassign_to: (c % 3 != 0).then(|| person(b)).flatten(),
        },
        24 => EditClient {
            id: client(a)?,
            input: ClientInput {
                name: title(b),
                company: format!("Company {c}"),
                ..ClientInput::default()
            },
        },
        25 => RateClient {
            id: client(a)?,
            rating: ClientRating {
                potential: (b % 7) as u8,
                behaviour: (c % 6) as u8,
                interest: 3,
            },
        },
        26 => EditTask {
            id: task(a)?,
            input: TaskInput {
                kind: TaskKind::ALL[b as usize % 7],
                due: now + hours(c as i64 % 100 - 50),
                note: format!("Note {c}"),
            },
        },
        27 => ReopenTask { id: task(a)? },
        28 => {
            let id = deal(a)?;
            DismissSuggestion {
                deal_id: id,
                key: rules::suggestions_for(ws, ws.deal(id)?)
                    .first()
                    .map_or_else(|| format!("offer:{b}"), |s| s.key.clone()),
            }
        }
        29 => RenamePipeline {
            id: ws.pipelines[pick(ws.pipelines.len(), a)?].id,
            name: title(b),
        },
        30 => SwitchPipeline {
            id: ws.pipelines[pick(ws.pipelines.len(), a)?].id,
        },
        31 => RenameSalesperson {
            id: person(a)?,
            name: title(b),
        },
        32 => SetCurrency {
            code: ["PLN", "EUR", "eur", "XX"][b as usize % 4].into(),
        },
        _ => SetQuota {
            month: now.date_naive(),
            salesperson_id: (b % 2 == 0).then(|| person(c)).flatten(),
            amount_minor: (a % 5) as i64 * 1000,
        },
    })
}

/// Each of the index's groupings gives what a search of every record gives.
fn groups_match_a_search(ws: &Workspace) {
    let ids = |it: &mut dyn Iterator<Item = Id>| it.collect::<Vec<Id>>();
    for stage in ws.pipelines.iter().flat_map(|p| &p.stages) {
        assert_eq!(
            ids(&mut ws.deals_in_stage(stage.id).map(|d| d.id)),
            ids(&mut ws
                .deals
                .iter()
                .filter(|d| d.stage_id == stage.id)
                .map(|d| d.id)),
        );
    }
    for d in &ws.deals {
        assert_eq!(ws.deal(d.id).map(|x| x.id), Some(d.id));
        assert_eq!(
            ids(&mut ws.tasks_of_deal(d.id).map(|t| t.id)),
            ids(&mut ws.tasks.iter().filter(|t| t.deal_id == d.id).map(|t| t.id)),
        );
    }
    for c in &ws.clients {
        assert_eq!(ws.client(c.id).map(|x| x.id), Some(c.id));
        assert_eq!(
            ids(&mut ws.deals_of_client(c.id).map(|d| d.id)),
            ids(&mut ws
                .deals
                .iter()
                .filter(|d| d.client_id == Some(c.id))
                .map(|d| d.id)),
        );
    }
    for p in &ws.salespeople {
        assert_eq!(ws.salesperson(p.id).map(|x| x.id), Some(p.id));
        assert_eq!(
            ids(&mut ws.deals_of_owner(p.id).map(|d| d.id)),
            ids(&mut ws.deals.iter().filter(|d| d.owner_id == p.id).map(|d| d.id)),
        );
    }
    let mut open: Vec<&Task> = ws.tasks.iter().filter(|t| t.done_at.is_none()).collect();
    open.sort_by_key(|t| t.due);
    assert_eq!(
        ids(&mut ws.open_tasks_by_due().map(|t| t.id)),
        ids(&mut open.iter().map(|t| t.id)),
    );
    for t in &ws.tasks {
        assert_eq!(ws.task(t.id).map(|x| x.id), Some(t.id));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_sequence_of_commands_keeps_every_promise(
        preset in 0usize..3,
        steps in prop::collection::vec(any::<Step>(), 1..60),
    ) {
        let mut s = Scenario::new(StagePreset::ALL[preset]);
        // Built before the first command, so that every later check compares
        // the index the one door kept with one built anew.
        s.ws.index();
        let mut deleted: Option<(Deal, Vec<Task>)> = None;
        // Storage as the app keeps it: each save writes only the values
        // whose fingerprint (ids and `updated_at`) changed.
        let mut storage = std::collections::HashMap::new();
        let first = plan(&s.ws, &Default::default());
        store(&first, &mut storage);
        let mut stored = first.fingerprints;
        for step in steps {
            let mut next = s.ids.0;
            let mut fresh = || {
                next += 1;
                uuid::Uuid::from_u128(next)
            };
            let Some(command) = command_for(&s.ws, step, &mut fresh, &deleted, s.now) else {
                continue;
            };
            s.ids.0 = next;
            if let Command::DeleteDeal { id } = &command {
                let d = s.ws.deal(*id).cloned().unwrap();
                let t = s.ws.tasks_of_deal(*id).cloned().collect();
                deleted = Some((d, t));
            }
            let before = s.ws.clone();
            let description = format!("{command:?}");
            // Each change at a later time than the one before, as a user's are.
            s.advance(hours(1));
            match s.ws.apply(command, s.now) {
                Ok(()) => {
                    // Every change reaches storage: a command that changes a
                    // record without bumping its `updated_at` would be lost.
                    let save = plan(&s.ws, &stored);
                    store(&save, &mut storage);
                    stored = save.fingerprints;
                    let mut shown = s.ws.clone();
                    shown.canonical();
                    prop_assert_eq!(load(&storage), shown, "{} was not saved", description);
                }
                Err(_) => prop_assert_eq!(&s.ws, &before, "a refused {} changed the workspace", description),
            }
            let broken = violations(&s.ws);
            prop_assert!(broken.is_empty(), "after {}: {:#?}", description, broken);
            prop_assert!(s.ws.built_index().is_some());
            groups_match_a_search(&s.ws);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The agenda keeps every deal's suggestions and, after a change, works
    /// out again only those of the deals the change touched. Whatever the
    /// changes, and however many of them it did not see (it looks after the
    /// frame is painted), what it keeps is what working them all out gives.
    #[test]
    fn suggestions_kept_through_the_journal_are_the_ones_worked_out_anew(
        preset in 0usize..3,
        steps in prop::collection::vec((any::<Step>(), 0u8..12), 1..80),
    ) {
        let mut s = Scenario::new(StagePreset::ALL[preset]);
        let mut kept = rules::KeptSuggestions::of(&s.ws);
        let mut copy: Option<Workspace> = None;
        let mut deleted: Option<(Deal, Vec<Task>)> = None;
        for (step, what) in steps {
            let mut next = s.ids.0;
            let mut fresh = || {
                next += 1;
                uuid::Uuid::from_u128(next)
            };
            let command = match what {
                // A copy to come back to, as an undo that restores one would.
                0 => {
                    copy = Some(s.ws.clone());
                    None
                }
                1 => {
                    if let Some(ws) = copy.clone() {
                        s.ws = ws;
                    }
                    None
                }
                2 => {
                    let all = rules::suggestions(&s.ws);
                    (!all.is_empty()).then(|| {
                        let sg = &all[step.1 as usize % all.len()];
                        Command::DismissSuggestion { deal_id: sg.deal_id, key: sg.key.clone() }
                    })
                }
                3 => {
                    let done: Vec<Id> = s.ws.tasks.iter().filter(|t| t.done_at.is_some()).map(|t| t.id).collect();
                    (!done.is_empty()).then(|| Command::ReopenTask { id: done[step.1 as usize % done.len()] })
                }
                // Mostly tasks done, with an offer promised or not.
                4..=6 => {
                    let open: Vec<&Task> = s.ws.tasks.iter().filter(|t| t.done_at.is_none()).collect();
                    (!open.is_empty()).then(|| Command::CompleteTask {
                        id: open[step.1 as usize % open.len()].id,
                        outcome: "done".into(),
                        offer_promised: step.2 % 2 == 0,
                    })
                }
                _ => command_for(&s.ws, step, &mut fresh, &deleted, s.now),
            };
            s.ids.0 = next;
            if let Some(command) = command {
                if let Command::DeleteDeal { id } = &command {
                    let d = s.ws.deal(*id).cloned().unwrap();
                    let t = s.ws.tasks_of_deal(*id).cloned().collect();
                    deleted = Some((d, t));
                }
                let _ = s.ws.apply(command, s.now);
            }
            if step.3 % 3 != 0 {
                let before = kept.list().to_vec();
                let changed = kept.refresh(&s.ws);
                let anew = rules::suggestions(&s.ws);
                prop_assert_eq!(kept.list(), anew.as_slice());
                prop_assert_eq!(changed, before != anew);
            }
            s.advance(hours(1));
        }
        kept.refresh(&s.ws);
        let anew = rules::suggestions(&s.ws);
        prop_assert_eq!(kept.list(), anew.as_slice());
    }
}

#[test]
fn what_was_stored_before_a_rule_existed_stays_and_blocks_no_other_edit() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    let d = s.deal("Acme", 1);
    let c = s.client("Globex");
    let file = pipeline_crm::domain::exchange::export_json(&s.ws, s.now);
    // As an earlier build stored them: a long title, a website no link.
    s.ws.deals[0].title = "x".repeat(3000);
    s.ws.clients[0].website = "javascript:alert(1)".into();
    let mut input = DealInput::from_deal(s.get(d));
    input.value = s.eur(5);
    s.apply(Command::EditDeal { id: d, input });
    assert_eq!(s.get(d).title.len(), 3000);
    let mut client = ClientInput::from_client(s.ws.client(c).unwrap());
    client.notes = "Met at the fair".into();
    s.apply(Command::EditClient {
        id: c,
        input: client,
    });
    // A colleague's file still merges in.
    let mut n = 1u128 << 90;
    pipeline_crm::domain::exchange::import(
        &mut s.ws,
        &file,
        pipeline_crm::domain::exchange::ImportMode::Merge,
        s.now,
        "Me",
        || {
            n += 1;
            uuid::Uuid::from_u128(n)
        },
    )
    .expect("merging is not refused for what was already stored");
}
