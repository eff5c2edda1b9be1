//! Fixtures shared by the native tests.
#![allow(dead_code)]

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use pipeline_crm::domain::layout::{assemble, assemble_stored, is_layout, Plan, META_KEY};
use pipeline_crm::domain::packing::unpack;
use pipeline_crm::domain::*;
use uuid::Uuid;

/// Carries out a storage plan on a map standing for localStorage.
pub fn store(plan: &Plan, storage: &mut HashMap<String, String>) {
    for w in &plan.writes {
        storage.insert(w.key.clone(), w.value.clone());
    }
    for k in &plan.obsolete {
        storage.remove(k);
    }
}

/// The workspace a map standing for localStorage holds.
pub fn load(storage: &HashMap<String, String>) -> Workspace {
    let meta = unpack(&storage[META_KEY]).unwrap().into_owned();
    assert!(is_layout(&meta));
    assemble(&meta, |k| storage.get(k).cloned()).unwrap()
}

/// [`load`], and the fingerprint of each value read.
pub fn load_stored(storage: &HashMap<String, String>) -> (Workspace, HashMap<String, u64>) {
    let meta = unpack(&storage[META_KEY]).unwrap().into_owned();
    assemble_stored(&meta, |k| storage.get(k).cloned()).unwrap()
}

/// A deterministic id source: 1, 2, 3, …
pub struct Ids(pub u128);

impl Ids {
    pub fn new() -> Self {
        Ids(0)
    }
    pub fn next(&mut self) -> Uuid {
        self.0 += 1;
        Uuid::from_u128(self.0)
    }
}

/// A UTC instant.
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

pub fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

/// A workspace, its id source and a clock for building scenarios.
pub struct Scenario {
    pub ws: Workspace,
    pub ids: Ids,
    pub now: DateTime<Utc>,
}

impl Scenario {
    pub fn new(preset: StagePreset) -> Self {
        Scenario::starting(preset, at(2026, 3, 2, 9, 0))
    }

    pub fn starting(preset: StagePreset, now: DateTime<Utc>) -> Self {
        let mut ids = Ids::new();
        let ws = Workspace::new(preset, "EUR", "Anna", now, || ids.next());
        Scenario { ws, ids, now }
    }

    pub fn pipeline(&self) -> &Pipeline {
        self.ws.current_pipeline().unwrap()
    }

    /// The id of the stage at `index` in the current pipeline.
    pub fn stage(&self, index: usize) -> Uuid {
        self.pipeline().stages[index].id
    }

    /// The id of the stage named `name` in the current pipeline.
    pub fn stage_named(&self, name: &str) -> Uuid {
        self.pipeline()
            .stages
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no stage {name}"))
            .id
    }

    pub fn owner(&self) -> Uuid {
        self.ws.salespeople[0].id
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    pub fn apply(&mut self, command: Command) {
        let now = self.now;
        self.ws
            .apply(command, now)
            .unwrap_or_else(|e| panic!("refused: {e}"));
    }

    /// Applies a command that must be refused, and checks that the workspace
    /// is byte-for-byte what it was.
    pub fn refuse(&mut self, command: Command) -> DomainError {
        let before = serde_json::to_string(&self.ws).unwrap();
        let err = self
            .ws
            .apply(command, self.now)
            .expect_err("the command should have been refused");
        assert_eq!(
            serde_json::to_string(&self.ws).unwrap(),
            before,
            "a refused command changed the workspace"
        );
        err
    }

    pub fn eur(&self, major: i64) -> Money {
        Money {
            minor: major * 100,
            currency: "EUR".into(),
        }
    }

    /// Adds a deal worth `major` EUR for `owner` in the first stage.
    pub fn deal_for(&mut self, title: &str, major: i64, owner: Uuid) -> Uuid {
        let id = self.ids.next();
        let input = DealInput::new(title, owner, self.eur(major));
        self.apply(Command::CreateDeal {
            id,
            stage_id: None,
            input,
        });
        id
    }

    pub fn deal(&mut self, title: &str, major: i64) -> Uuid {
        let owner = self.owner();
        self.deal_for(title, major, owner)
    }

    pub fn salesperson(&mut self, name: &str) -> Uuid {
        let id = self.ids.next();
        self.apply(Command::AddSalesperson {
            id,
            name: name.into(),
        });
        id
    }

    pub fn client(&mut self, name: &str) -> Uuid {
        let id = self.ids.next();
        self.apply(Command::CreateClient {
            id,
            input: ClientInput {
                name: name.into(),
                ..ClientInput::default()
            },
        });
        id
    }

    pub fn task(&mut self, deal_id: Uuid, kind: TaskKind, due: DateTime<Utc>) -> Uuid {
        let id = self.ids.next();
        self.apply(Command::CreateTask {
            id,
            deal_id,
            input: TaskInput {
                kind,
                due,
                note: String::new(),
            },
        });
        id
    }

    pub fn complete(&mut self, task: Uuid, offer_promised: bool) {
        self.apply(Command::CompleteTask {
            id: task,
            outcome: "done".into(),
            offer_promised,
        });
    }

    pub fn move_to(&mut self, deal: Uuid, stage: Uuid) {
        self.apply(Command::MoveDeal {
            id: deal,
            stage_id: stage,
        });
    }

    pub fn get(&self, deal: Uuid) -> &Deal {
        self.ws.deal(deal).unwrap()
    }
}
