//! The sharded storage layout: a round trip, only changed shards rewritten,
//! shard counts growing with the data, another tab's shard merged in, and
//! shards in the binary encoding next to JSON ones from earlier builds, and
//! what opening finds under each key (so that the first save writes only
//! what changed).

mod common;

use std::collections::HashMap;

use common::*;
use pipeline_crm::domain::demo::{sample_workspace, SampleSize};
use pipeline_crm::domain::exchange::merge;
use pipeline_crm::domain::format::FormatError;
use pipeline_crm::domain::layout::*;
use pipeline_crm::domain::packing::{
    pack, pack_binary, unpack, unpack_any, Unpacked, BINARY_PREFIX, PACKED_PREFIX,
};
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
    // What the next plan starts from is what the records stored give.
    assert_eq!(load_stored(&storage).1, plan.fingerprints);
}

/// Moves deal `deal` of `ws` to stage `stage` of its pipeline; its id.
fn move_deal(ws: &mut Workspace, deal: usize, stage: usize) -> Id {
    let id = ws.deals[deal].id;
    let stage_id = ws.current_pipeline().unwrap().stages[stage].id;
    ws.apply(Command::MoveDeal { id, stage_id }, at(2026, 3, 21, 9, 0))
        .unwrap();
    id
}

#[test]
fn moving_one_deal_rewrites_one_shard() {
    let mut ws = sample(3000);
    let before = plan(&ws, &HashMap::new());
    let deal = move_deal(&mut ws, 17, 3);
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

/// The same storage with every shard written as JSON, as earlier builds did.
fn as_json_shards(storage: &HashMap<String, String>, ws: &Workspace) -> HashMap<String, String> {
    storage
        .iter()
        .map(|(key, value)| {
            if key == META_KEY {
                return (key.clone(), value.clone());
            }
            let part = partial(key, value, ws).unwrap();
            let json = match parse_shard_key(key).unwrap().0 {
                Family::Deals => serde_json::to_string(&part.deals),
                Family::Tasks => serde_json::to_string(&part.tasks),
                Family::Clients => serde_json::to_string(&part.clients),
                Family::Tombstones => serde_json::to_string(&part.tombstones),
            }
            .unwrap();
            (key.clone(), pack(&json))
        })
        .collect()
}

#[test]
fn shards_are_binary_and_json_shards_from_earlier_builds_still_read() {
    let mut ws = sample(600);
    let mut storage = HashMap::new();
    store(&plan(&ws, &HashMap::new()), &mut storage);
    assert!(storage[META_KEY].starts_with(PACKED_PREFIX));
    for (key, value) in &storage {
        if key != META_KEY {
            assert!(value.starts_with(BINARY_PREFIX), "{key}");
        }
    }
    let mut expected = ws.clone();
    expected.canonical();

    let mut old = as_json_shards(&storage, &ws);
    let binary_chars: usize = storage.values().map(|v| v.chars().count()).sum();
    let json_chars: usize = old.values().map(|v| v.chars().count()).sum();
    assert!(binary_chars < json_chars, "{binary_chars} vs {json_chars}");
    assert_eq!(load(&old), expected);

    // Nothing changed, nothing is written; a changed deal's shard is
    // rewritten in the binary encoding, and the rest stays readable JSON.
    let read = load(&old);
    assert!(plan(&read, &fingerprints(&read)).writes.is_empty());
    ws = read;
    let deal = ws.deals[3].id;
    let mut input = DealInput::from_deal(&ws.deals[3]);
    input.title = "Rewritten".into();
    ws.apply(Command::EditDeal { id: deal, input }, at(2026, 3, 21, 9, 0))
        .unwrap();
    let next = plan(&ws, &fingerprints(&load(&old)));
    assert_eq!(next.writes.len(), 1);
    assert!(next.writes[0].value.starts_with(BINARY_PREFIX));
    store(&next, &mut old);
    assert_eq!(load(&old).deal(deal).unwrap().title, "Rewritten");
}

#[test]
fn every_field_survives_the_binary_encoding() {
    let mut ws = sample(40);
    let deal = &mut ws.deals[0];
    deal.title = "Ünïcode \"quoted\" deal \u{1F680}\n second line".into();
    deal.client_id = None;
    deal.lost_reason = Some(LostReason {
        kind: LostReasonKind::Competitor,
        note: "went with 𝔄𝔠𝔪𝔢".into(),
    });
    deal.outcome = Outcome::Lost;
    deal.expected_close = chrono::NaiveDate::from_ymd_opt(2027, 2, 28);
    deal.decision_date = chrono::NaiveDate::from_ymd_opt(1999, 12, 31);
    deal.budget = Some(Money {
        minor: -123_456_789_012,
        currency: "PLN".into(),
    });
    deal.decision_maker_confirmed = Some(false);
    deal.qualified = Some(true);
    deal.closed_at = Some(at(2026, 3, 20, 12, 0) + chrono::Duration::nanoseconds(123_456_789));
    deal.dismissed_suggestions = vec!["call-3".into(), String::new()];
    ws.tasks[0].done_at = Some(at(2026, 3, 19, 8, 30));
    ws.tasks[0].due = at(1969, 7, 20, 20, 17) + chrono::Duration::nanoseconds(1);
    ws.tasks[0].note = String::new();
    let mut storage = HashMap::new();
    store(&plan(&ws, &HashMap::new()), &mut storage);
    let mut expected = ws.clone();
    expected.canonical();
    assert_eq!(load(&storage), expected);
}

#[test]
fn a_damaged_binary_shard_is_refused() {
    let ws = sample(300);
    let mut storage = HashMap::new();
    store(&plan(&ws, &HashMap::new()), &mut storage);
    let key = shard_key(Family::Deals, shard_count(300), 0);
    let Ok(Unpacked::Binary(bytes)) = unpack_any(&storage[&key]) else {
        panic!("{key} is not binary");
    };
    let meta = unpack(&storage[META_KEY]).unwrap().into_owned();
    for damaged in [
        [bytes.as_slice(), &[0]].concat(),
        bytes[..bytes.len() - 1].to_vec(),
        bytes[..bytes.len() / 2].to_vec(),
    ] {
        let mut broken = storage.clone();
        broken.insert(key.clone(), pack_binary(&damaged));
        let err = assemble(&meta, |k| broken.get(k).cloned()).unwrap_err();
        assert!(
            matches!(err, FormatError::WrongShape(ref e) if e.contains(&key)),
            "{err:?}"
        );
    }
}

#[test]
fn what_opening_finds_is_what_the_last_save_wrote() {
    let mut ws = sample(3000);
    let mut storage = HashMap::new();
    let saved = plan(&ws, &HashMap::new());
    store(&saved, &mut storage);
    let (read, stored) = load_stored(&storage);
    assert_eq!(stored, saved.fingerprints);
    assert!(plan(&read, &stored).writes.is_empty(), "nothing to write");

    // A move after opening rewrites the moved deal's shard only.
    ws = read;
    let deal = move_deal(&mut ws, 40, 2);
    let next = plan(&ws, &stored);
    let keys: Vec<&str> = next.writes.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(
        keys,
        [shard_key(Family::Deals, 16, shard_of(deal, 16)).as_str()]
    );
    assert!(next.obsolete.is_empty());
}

#[test]
fn shards_from_earlier_builds_are_rewritten_at_the_first_save() {
    let ws = sample(600);
    let mut storage = HashMap::new();
    store(&plan(&ws, &HashMap::new()), &mut storage);
    let mut old = as_json_shards(&storage, &ws);
    let (read, stored) = load_stored(&old);
    assert_eq!(
        stored[META_KEY],
        plan(&read, &HashMap::new()).fingerprints[META_KEY]
    );
    let next = plan(&read, &stored);
    assert_eq!(
        next.writes.len(),
        old.len() - 1,
        "every shard, not the meta value"
    );
    assert!(next
        .writes
        .iter()
        .all(|w| w.value.starts_with(BINARY_PREFIX)));
    store(&next, &mut old);
    assert_eq!(load_stored(&old).1, next.fingerprints);
}

#[test]
fn a_shard_found_holding_other_records_than_its_own_is_rewritten() {
    // A record stored in the wrong shard (by a damaged or foreign save) is
    // read, and the first save puts each shard right.
    let ws = sample(600);
    let mut storage = HashMap::new();
    store(&plan(&ws, &HashMap::new()), &mut storage);
    let (count, first, second) = (shard_count(ws.deals.len()), 0, 1);
    let (a, b) = (
        shard_key(Family::Deals, count, first),
        shard_key(Family::Deals, count, second),
    );
    let mut both = partial(&a, &storage[&a], &ws).unwrap();
    let moved = both.deals.pop().unwrap();
    let rest = partial(&b, &storage[&b], &ws).unwrap();
    let mut b_deals = rest.deals.clone();
    b_deals.push(moved.clone());
    let encode = |deals: &Vec<Deal>| {
        let refs: Vec<&Deal> = deals.iter().collect();
        pack_binary(&postcard::to_allocvec(&refs).unwrap())
    };
    storage.insert(a.clone(), encode(&both.deals));
    storage.insert(b.clone(), encode(&b_deals));
    let (read, stored) = load_stored(&storage);
    assert_eq!(read.deals.len(), ws.deals.len());
    let keys: Vec<String> = plan(&read, &stored)
        .writes
        .into_iter()
        .map(|w| w.key)
        .collect();
    assert_eq!(keys, [a, b]);
}
