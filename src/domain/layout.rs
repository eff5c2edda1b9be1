//! How a workspace is laid out in localStorage: a small "meta" value
//! (settings, pipelines, salespeople, and how many shards each family has)
//! and the deals, tasks, clients and deletion markers spread over shards by
//! id. A save rewrites only the shards whose records changed, so saving after
//! moving one deal costs a shard, not the whole workspace.
//!
//! Every value is packed (see [`super::packing`]). The meta value is JSON;
//! shards hold their records in postcard's binary encoding, several times
//! quicker to read than JSON (reading the shards is most of opening the app)
//! and about half its size. That encoding has no field names: it depends on
//! the order of each record's fields and of each enum's variants. A change to
//! the record types must write shards under a new prefix and keep a reader
//! for this one, as `format.rs` keeps one for version 1. Shards in JSON, from
//! earlier builds, are still read (the app rewrites them at its next save).
//!
//! This module is pure: the caller reads and writes the keys.

use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::format::FormatError;
use super::model::*;
use super::packing::{pack, pack_binary, unpack, unpack_any, Unpacked, BINARY_PREFIX};
use super::sorting;

/// The key of the meta value (the same key older builds kept the whole workspace under).
pub const META_KEY: &str = "pipeline-crm.workspace";
/// The layout version written in the meta value (2: shards in the binary encoding).
pub const LAYOUT_VERSION: u32 = 2;
/// About this many records go in one shard.
pub const RECORDS_PER_SHARD: usize = 256;

/// A kind of record stored in shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Deals.
    Deals,
    /// Tasks.
    Tasks,
    /// Clients.
    Clients,
    /// Deletion markers.
    Tombstones,
}

impl Family {
    /// All families.
    pub const ALL: [Family; 4] = [
        Family::Deals,
        Family::Tasks,
        Family::Clients,
        Family::Tombstones,
    ];

    fn name(self) -> &'static str {
        match self {
            Family::Deals => "deals",
            Family::Tasks => "tasks",
            Family::Clients => "clients",
            Family::Tombstones => "tombstones",
        }
    }
}

/// How many shards each family has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardCounts {
    /// Deal shards.
    pub deals: u32,
    /// Task shards.
    pub tasks: u32,
    /// Client shards.
    pub clients: u32,
    /// Deletion-marker shards.
    pub tombstones: u32,
}

impl ShardCounts {
    /// The count of one family.
    pub fn of(&self, family: Family) -> u32 {
        match family {
            Family::Deals => self.deals,
            Family::Tasks => self.tasks,
            Family::Clients => self.clients,
            Family::Tombstones => self.tombstones,
        }
    }
}

/// The number of shards for `records` records: a power of two giving about
/// [`RECORDS_PER_SHARD`] each, at most 1024. It only changes when a family
/// doubles or halves, so records rarely move between shards.
pub fn shard_count(records: usize) -> u32 {
    (records
        .div_ceil(RECORDS_PER_SHARD)
        .max(1)
        .next_power_of_two() as u32)
        .min(1024)
}

/// The shard a record goes to (ids are random, so shards fill evenly).
pub fn shard_of(id: Id, count: u32) -> u32 {
    (id.as_u128() as u32) % count.max(1)
}

/// The key of shard `index` of `count` in `family`.
pub fn shard_key(family: Family, count: u32, index: u32) -> String {
    format!("pipeline-crm.{}.{count}.{index}", family.name())
}

/// Which family and shard a storage key holds, if it is a shard key.
pub fn parse_shard_key(key: &str) -> Option<(Family, u32, u32)> {
    let rest = key.strip_prefix("pipeline-crm.")?;
    let mut parts = rest.split('.');
    let family = match parts.next()? {
        "deals" => Family::Deals,
        "tasks" => Family::Tasks,
        "clients" => Family::Clients,
        "tombstones" => Family::Tombstones,
        _ => return None,
    };
    let count = parts.next()?.parse().ok()?;
    let index = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((family, count, index))
}

/// The meta value: everything but the sharded families.
#[derive(Serialize, Deserialize)]
struct Meta<S, P, Sp> {
    format_version: u32,
    layout: u32,
    settings: S,
    pipelines: P,
    salespeople: Sp,
    shards: ShardCounts,
}

/// Whether the (unpacked) JSON of the meta key is a sharded layout rather
/// than a whole workspace from an older build.
pub fn is_layout(json: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        layout: Option<u32>,
    }
    // The field is near the start; the probe skips the rest unallocated.
    serde_json::from_str::<Probe>(json)
        .ok()
        .and_then(|p| p.layout)
        .is_some()
}

/// What identifies a set of records, whatever their order: the sum of each
/// one's hash (of its id and last change), and their number.
fn fingerprint_of<T: Hash>(items: impl Iterator<Item = T>) -> u64 {
    let mut sum = 0u64;
    let mut n = 0u64;
    for item in items {
        let mut h = DefaultHasher::new();
        item.hash(&mut h);
        sum = sum.wrapping_add(h.finish());
        n += 1;
    }
    sum ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The fingerprint of a stored value as another tab wrote it (its shard's
/// records, or `None` for the meta value), to know whether ours matches.
pub fn fingerprint_of_partial(key: &str, ws: &Workspace) -> Option<u64> {
    let family = parse_shard_key(key)?.0;
    Some(fingerprint_of(
        (0..records(ws, family)).map(|i| stamp(ws, family, i)),
    ))
}

/// How many records of `family` the workspace holds.
fn records(ws: &Workspace, family: Family) -> usize {
    match family {
        Family::Deals => ws.deals.len(),
        Family::Tasks => ws.tasks.len(),
        Family::Clients => ws.clients.len(),
        Family::Tombstones => ws.tombstones.len(),
    }
}

/// The fingerprint of the meta value: what identifies the settings,
/// pipelines and salespeople, and the shard counts.
fn meta_fingerprint(ws: &Workspace, counts: ShardCounts) -> u64 {
    let mut h = DefaultHasher::new();
    ws.settings.updated_at.hash(&mut h);
    for p in &ws.pipelines {
        (p.id, p.updated_at).hash(&mut h);
    }
    for s in &ws.salespeople {
        (s.id, s.updated_at).hash(&mut h);
    }
    (
        counts.deals,
        counts.tasks,
        counts.clients,
        counts.tombstones,
    )
        .hash(&mut h);
    h.finish()
}

/// The fingerprint of a stored value whose contents are not known, so that
/// the next save rewrites it. Not 0: that is an empty shard's fingerprint,
/// and an empty shard must still replace whatever is stored under its key.
pub const UNKNOWN: u64 = u64::MAX;

/// Record `i` of `family`: its id and last change, which identify its content.
fn stamp(ws: &Workspace, family: Family, i: usize) -> (Id, DateTime<Utc>) {
    match family {
        Family::Deals => (ws.deals[i].id, ws.deals[i].updated_at),
        Family::Tasks => (ws.tasks[i].id, ws.tasks[i].updated_at),
        Family::Clients => (ws.clients[i].id, ws.clients[i].updated_at),
        Family::Tombstones => (ws.tombstones[i].id, ws.tombstones[i].deleted_at),
    }
}

/// One value to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The storage key.
    pub key: String,
    /// The packed value.
    pub value: String,
    /// What identifies its contents (see [`Plan::fingerprints`]).
    pub fingerprint: u64,
}

/// What a save must do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Values that changed since the last save, shards first and the meta value last.
    pub writes: Vec<Write>,
    /// Keys of the previous save no longer used (a family changed its shard count).
    pub obsolete: Vec<String>,
    /// The fingerprint of every key of this layout; pass them to the next plan.
    pub fingerprints: HashMap<String, u64>,
}

// Fx, not SipHash: one lookup per record on every save, and the keys are ours.
type Groups = FxHashMap<(Family, u32), Vec<usize>>;

fn group(ws: &Workspace, family: Family, count: u32, groups: &mut Groups) {
    for i in 0..count {
        groups.entry((family, i)).or_default();
    }
    for i in 0..records(ws, family) {
        groups
            .entry((family, shard_of(stamp(ws, family, i).0, count)))
            .or_default()
            .push(i);
    }
}

struct Layout {
    counts: ShardCounts,
    groups: Groups,
    /// (key, family and shard, fingerprint), shards in a fixed order.
    shards: Vec<(String, (Family, u32), u64)>,
    meta_fingerprint: u64,
}

fn layout(ws: &Workspace) -> Layout {
    let counts = ShardCounts {
        deals: shard_count(ws.deals.len()),
        tasks: shard_count(ws.tasks.len()),
        clients: shard_count(ws.clients.len()),
        tombstones: shard_count(ws.tombstones.len()),
    };
    let mut groups: Groups = FxHashMap::default();
    for family in Family::ALL {
        group(ws, family, counts.of(family), &mut groups);
    }

    let mut keys: Vec<(Family, u32)> = groups.keys().copied().collect();
    sorting::sort_by_key(&mut keys, |(f, i)| (f.name(), *i));
    let shards = keys
        .into_iter()
        .map(|(family, index)| {
            let members = &groups[&(family, index)];
            let fingerprint = fingerprint_of(members.iter().map(|&i| stamp(ws, family, i)));
            (
                shard_key(family, counts.of(family), index),
                (family, index),
                fingerprint,
            )
        })
        .collect();
    let meta_fingerprint = meta_fingerprint(ws, counts);
    Layout {
        counts,
        groups,
        shards,
        meta_fingerprint,
    }
}

/// The fingerprint of every value that holds `ws` (no serialisation: cheap).
pub fn fingerprints(ws: &Workspace) -> HashMap<String, u64> {
    let l = layout(ws);
    l.shards
        .into_iter()
        .map(|(key, _, fp)| (key, fp))
        .chain([(META_KEY.to_string(), l.meta_fingerprint)])
        .collect()
}

/// The values to write so that storage holds `ws`, given the fingerprints of
/// what the previous save (or load) left there. Only changed values are
/// serialised: a record's id and last change identify its content.
pub fn plan(ws: &Workspace, previous: &HashMap<String, u64>) -> Plan {
    let Layout {
        counts,
        groups,
        shards,
        meta_fingerprint,
    } = layout(ws);
    let mut out = Plan::default();
    for (key, (family, index), fingerprint) in shards {
        out.fingerprints.insert(key.clone(), fingerprint);
        if previous.get(&key) == Some(&fingerprint) {
            continue;
        }
        let members = &groups[&(family, index)];
        let value = match family {
            Family::Deals => encode(members.iter().map(|i| &ws.deals[*i])),
            Family::Tasks => encode(members.iter().map(|i| &ws.tasks[*i])),
            Family::Clients => encode(members.iter().map(|i| &ws.clients[*i])),
            Family::Tombstones => encode(members.iter().map(|i| &ws.tombstones[*i])),
        };
        out.writes.push(Write {
            key,
            value,
            fingerprint,
        });
    }
    out.fingerprints
        .insert(META_KEY.to_string(), meta_fingerprint);
    if previous.get(META_KEY) != Some(&meta_fingerprint) {
        let meta = Meta {
            format_version: ws.format_version,
            layout: LAYOUT_VERSION,
            settings: &ws.settings,
            pipelines: &ws.pipelines,
            salespeople: &ws.salespeople,
            shards: counts,
        };
        out.writes.push(Write {
            key: META_KEY.to_string(),
            value: pack(&serde_json::to_string(&meta).unwrap_or_default()),
            fingerprint: meta_fingerprint,
        });
    }
    out.obsolete = previous
        .keys()
        .filter(|k| !out.fingerprints.contains_key(*k))
        .cloned()
        .collect();
    sorting::sort(&mut out.obsolete);
    out
}

/// Every key a layout described by `meta_json` uses.
pub fn layout_keys(meta_json: &str) -> Result<Vec<String>, FormatError> {
    let meta: Meta<serde::de::IgnoredAny, serde::de::IgnoredAny, serde::de::IgnoredAny> =
        serde_json::from_str(meta_json).map_err(|e| FormatError::WrongShape(e.to_string()))?;
    let mut keys = vec![META_KEY.to_string()];
    for family in Family::ALL {
        let count = meta.shards.of(family);
        keys.extend((0..count).map(|i| shard_key(family, count, i)));
    }
    Ok(keys)
}

/// The packed value of a shard holding `records`.
fn encode<'a, T: Serialize + 'a>(records: impl Iterator<Item = &'a T>) -> String {
    let records: Vec<&T> = records.collect();
    // Writing to memory fails only for types serde cannot describe; ours can.
    pack_binary(&postcard::to_allocvec(&records).unwrap_or_default())
}

/// The records of a shard's packed value, binary or (from earlier builds) JSON.
fn decode<T: DeserializeOwned>(raw: &str, key: &str) -> Result<Vec<T>, FormatError> {
    let shape = |e: &dyn std::fmt::Display| FormatError::WrongShape(format!("{key}: {e}"));
    match unpack_any(raw).map_err(|e| FormatError::NotJson(format!("{key}: {e}")))? {
        Unpacked::Json(json) => serde_json::from_str(&json).map_err(|e| shape(&e)),
        Unpacked::Binary(bytes) => {
            let (records, rest) = postcard::take_from_bytes(&bytes).map_err(|e| shape(&e))?;
            // Bytes left over mean the value is not what was written.
            if rest.is_empty() {
                Ok(records)
            } else {
                Err(shape(&"data after the records"))
            }
        }
    }
}

fn read_shard<T: DeserializeOwned>(raw: Option<String>, key: &str) -> Result<Vec<T>, FormatError> {
    let Some(raw) = raw else {
        return Err(FormatError::WrongShape(format!("{key} is missing")));
    };
    decode(&raw, key)
}

/// Puts a workspace back together from the meta value's JSON and a reader of
/// the shard keys. Records come out in a canonical order (see [`Workspace::canonical`]).
pub fn assemble(
    meta_json: &str,
    read: impl FnMut(&str) -> Option<String>,
) -> Result<Workspace, FormatError> {
    assemble_stored(meta_json, read).map(|(ws, _)| ws)
}

/// [`assemble`], and the fingerprint of each value read (see
/// [`Plan::fingerprints`]), taken from the records found under its key: the
/// first save after opening then writes only what changed, without going
/// over every record again. A shard in JSON (from an earlier build) gets
/// [`UNKNOWN`], so that save rewrites it in the binary encoding.
pub fn assemble_stored(
    meta_json: &str,
    mut read: impl FnMut(&str) -> Option<String>,
) -> Result<(Workspace, HashMap<String, u64>), FormatError> {
    let meta: Meta<Settings, Vec<Pipeline>, Vec<Salesperson>> =
        serde_json::from_str(meta_json).map_err(|e| FormatError::WrongShape(e.to_string()))?;
    let mut ws = Workspace {
        format_version: meta.format_version,
        settings: meta.settings,
        pipelines: meta.pipelines,
        deals: Vec::new(),
        clients: Vec::new(),
        tasks: Vec::new(),
        salespeople: meta.salespeople,
        tombstones: Vec::new(),
        indexes: Default::default(),
    };
    let mut stored = HashMap::new();
    for family in Family::ALL {
        let count = meta.shards.of(family);
        for index in 0..count {
            let key = shard_key(family, count, index);
            let raw = read(&key);
            let binary = raw.as_deref().is_some_and(|r| r.starts_with(BINARY_PREFIX));
            let fingerprint = match family {
                Family::Deals => {
                    read_into(&mut ws.deals, raw, &key, |d: &Deal| (d.id, d.updated_at))?
                }
                Family::Tasks => {
                    read_into(&mut ws.tasks, raw, &key, |t: &Task| (t.id, t.updated_at))?
                }
                Family::Clients => read_into(&mut ws.clients, raw, &key, |c: &Client| {
                    (c.id, c.updated_at)
                })?,
                Family::Tombstones => read_into(&mut ws.tombstones, raw, &key, |t: &Tombstone| {
                    (t.id, t.deleted_at)
                })?,
            };
            stored.insert(key, if binary { fingerprint } else { UNKNOWN });
        }
    }
    stored.insert(META_KEY.to_string(), meta_fingerprint(&ws, meta.shards));
    ws.canonical();
    Ok((ws, stored))
}

/// Reads the shard `raw` of `key` onto the end of `records`, and gives the
/// fingerprint of what it held (`stamp` as in [`stamp`]).
fn read_into<T: DeserializeOwned>(
    records: &mut Vec<T>,
    raw: Option<String>,
    key: &str,
    stamp: impl Fn(&T) -> (Id, DateTime<Utc>),
) -> Result<u64, FormatError> {
    let read = read_shard::<T>(raw, key)?;
    let fingerprint = fingerprint_of(read.iter().map(stamp));
    records.extend(read);
    Ok(fingerprint)
}

/// A workspace holding only the records of one stored value (a shard, or the
/// meta value), to merge another tab's save into ours. Lists it does not
/// hold are empty; its settings are `ours`, unless it is the meta value.
pub fn partial(key: &str, raw: &str, ours: &Workspace) -> Result<Workspace, FormatError> {
    let mut ws = Workspace {
        format_version: FORMAT_VERSION,
        settings: ours.settings.clone(),
        pipelines: Vec::new(),
        deals: Vec::new(),
        clients: Vec::new(),
        tasks: Vec::new(),
        salespeople: Vec::new(),
        tombstones: Vec::new(),
        indexes: Default::default(),
    };
    if key == META_KEY {
        let json = unpack(raw).map_err(|e| FormatError::NotJson(e.to_string()))?;
        let meta: Meta<Settings, Vec<Pipeline>, Vec<Salesperson>> =
            serde_json::from_str(&json).map_err(|e| FormatError::WrongShape(e.to_string()))?;
        ws.settings = meta.settings;
        ws.pipelines = meta.pipelines;
        ws.salespeople = meta.salespeople;
        return Ok(ws);
    }
    match parse_shard_key(key).map(|k| k.0) {
        Some(Family::Deals) => ws.deals = decode(raw, key)?,
        Some(Family::Tasks) => ws.tasks = decode(raw, key)?,
        Some(Family::Clients) => ws.clients = decode(raw, key)?,
        Some(Family::Tombstones) => ws.tombstones = decode(raw, key)?,
        None => {
            return Err(FormatError::WrongShape(format!(
                "{key} is not part of the layout"
            )))
        }
    }
    Ok(ws)
}
