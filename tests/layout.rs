//! The sharded storage layout: a round trip, only changed shards rewritten,
//! shard counts growing with the data, and another tab's shard merged in.

mod common;

use std::collections::HashMap;

use common::*;
use pipeline_crm::domain::demo::{sample_workspace, SampleSize};
use pipeline_crm::domain::exchange::merge;
use pipeline_crm::domain::layout::*;
use pipeline_crm::domain::packing::unpack;
use pipeline_crm::domain::*;

fn sample(deals: usize) -> Workspace {
    let names = StagePreset::ClassicFunnel.stage_names();
    sample_workspace(
        StagePreset::ClassicFunnel,
        "Classic",
        &names,
        &["A", "B", "C"],
        SampleSize::scaled(deals),
        9,
        at(2026, 3, 20, 12, 0),
    )
}

fn store(plan: &Plan, storage: &mut HashMap<String, String>) {
    for w in &plan.writes {
        storage.insert(w.key.clone(), w.value.clone());
    }
    for k in &plan.obsolete {
        storage.remove(k);
    }
}

fn load(storage: &HashMap<String, String>) -> Workspace {
    let meta = unpack(&storage[META_KEY]).unwrap().into_owned();
    assert!(is_layout(&meta));
    assemble(&meta, |k| storage.get(k).cloned()).unwrap()
}

#[test]
fn a_workspace_comes_back_from_its_shards_in_canonical_order() {
    let ws = sample(1200);
    let mut storage = HashMap::new();
    let plan = plan(&ws, &HashMap::new());
    assert_eq!(shard_count(1200), 8);
    assert_eq!(
        plan.writes.last().unwrap().key,
        META_KEY,
        "the meta value goes last"
    );
    store(&plan, &mut storage);
    let mut expected = ws.clone();
    expected.canonical();
    assert_eq!(load(&storage), expected);
    assert_eq!(fingerprints(&ws), plan.fingerprints);
}

#[test]
fn moving_one_deal_rewrites_one_shard() {
    let mut ws = sample(3000);
    let before = plan(&ws, &HashMap::new());
    let deal = ws.deals[17].id;
    let stage = ws.current_pipeline().unwrap().stages[3].id;
    ws.apply(
        Command::MoveDeal {
            id: deal,
            stage_id: stage,
        },
        at(2026, 3, 21, 9, 0),
    )
    .unwrap();
    let after = plan(&ws, &before.fingerprints);
    let keys: Vec<&str> = after.writes.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(
        keys,
        [shard_key(Family::Deals, 16, shard_of(deal, 16)).as_str()]
    );
    assert!(after.obsolete.is_empty());
    assert!(
        plan(&ws, &after.fingerprints).writes.is_empty(),
        "nothing left to write"
    );
}

#[test]
fn a_family_that_doubles_moves_to_new_shards_and_drops_the_old() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    for n in 0..200 {
        s.deal(&format!("D{n}"), 1);
    }
    let mut storage = HashMap::new();
    let first = plan(&s.ws, &HashMap::new());
    store(&first, &mut storage);
    for n in 200..300 {
        s.deal(&format!("D{n}"), 1);
    }
    let second = plan(&s.ws, &first.fingerprints);
    assert!(second.obsolete.contains(&shard_key(Family::Deals, 1, 0)));
    store(&second, &mut storage);
    assert!(storage.contains_key(&shard_key(Family::Deals, 2, 1)));
    assert_eq!(load(&storage).deals.len(), 300);
}

#[test]
fn another_tabs_shard_merges_into_ours() {
    let ws = sample(600);
    let first = plan(&ws, &HashMap::new());
    // The other tab renames a deal and saves.
    let mut theirs = ws.clone();
    let deal = theirs.deals[5].id;
    let mut input = DealInput::from_deal(&theirs.deals[5]);
    input.title = "Renamed elsewhere".into();
    theirs
        .apply(Command::EditDeal { id: deal, input }, at(2026, 3, 21, 9, 0))
        .unwrap();
    let their_plan = plan(&theirs, &first.fingerprints);
    assert_eq!(their_plan.writes.len(), 1);
    let w = &their_plan.writes[0];
    let part = partial(&w.key, &w.value, &ws).unwrap();
    assert_eq!(fingerprint_of_partial(&w.key, &part), Some(w.fingerprint));
    let (merged, report) = merge(&ws, &part);
    assert_eq!(merged.deal(deal).unwrap().title, "Renamed elsewhere");
    assert_eq!(merged.deals.len(), ws.deals.len());
    assert_eq!(report.updated, 1);
}

#[test]
fn shard_keys_read_back() {
    let key = shard_key(Family::Tasks, 64, 9);
    assert_eq!(key, "pipeline-crm.tasks.64.9");
    assert_eq!(parse_shard_key(&key), Some((Family::Tasks, 64, 9)));
    assert_eq!(parse_shard_key("pipeline-crm.workspace"), None);
    assert_eq!(parse_shard_key("pipeline-crm.deals.x.1"), None);
}
