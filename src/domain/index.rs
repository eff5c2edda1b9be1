//! The workspace's indexes: each record by id, and the groupings the screens
//! join on (deals by stage, client and owner; tasks by deal; open tasks by
//! due time). They are not stored or exported: [`Workspace`] builds them on
//! first use and the one door ([`Workspace::apply`]) brings them up to date
//! after each change, so a lookup costs the same with ten records or ten
//! thousand.
//!
//! An update compares each record's indexed fields with the ones it was
//! indexed under and moves only what changed. Records added at the end (a
//! new deal or task) are indexed as they come; a deletion shifts positions,
//! and that part of the index is rebuilt.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use super::model::*;

/// An id as one number: two `Uuid`s compare byte by byte (a `memcmp` in
/// wasm), two numbers in place, and the index compares every record's ids on
/// each change.
pub fn key(id: Id) -> u128 {
    u128::from_ne_bytes(*id.as_bytes())
}

/// What a record is indexed by: its id, and the groups it belongs to.
trait Keys: Copy + Eq {
    /// The groupings of records of this kind.
    type Groups: Clone + std::fmt::Debug + Default + PartialEq + Eq;
    fn id(&self) -> u128;
    fn link(&self, groups: &mut Self::Groups, at: usize);
    fn unlink(&self, groups: &mut Self::Groups, at: usize);
}

/// What a deal is indexed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DealKeys {
    id: u128,
    stage: u128,
    client: Option<u128>,
    owner: u128,
}

impl DealKeys {
    fn of(d: &Deal) -> Self {
        DealKeys {
            id: key(d.id),
            stage: key(d.stage_id),
            client: d.client_id.map(key),
            owner: key(d.owner_id),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct DealGroups {
    by_stage: FxHashMap<u128, Vec<usize>>,
    by_client: FxHashMap<u128, Vec<usize>>,
    by_owner: FxHashMap<u128, Vec<usize>>,
}

impl Keys for DealKeys {
    type Groups = DealGroups;
    fn id(&self) -> u128 {
        self.id
    }
    fn link(&self, g: &mut DealGroups, at: usize) {
        link(&mut g.by_stage, self.stage, at);
        if let Some(client) = self.client {
            link(&mut g.by_client, client, at);
        }
        link(&mut g.by_owner, self.owner, at);
    }
    fn unlink(&self, g: &mut DealGroups, at: usize) {
        unlink(&mut g.by_stage, self.stage, at);
        if let Some(client) = self.client {
            unlink(&mut g.by_client, client, at);
        }
        unlink(&mut g.by_owner, self.owner, at);
    }
}

/// What a task is indexed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TaskKeys {
    id: u128,
    deal: u128,
    /// Its due time while it is open.
    open_due: Option<DateTime<Utc>>,
}

impl TaskKeys {
    fn of(t: &Task) -> Self {
        TaskKeys {
            id: key(t.id),
            deal: key(t.deal_id),
            open_due: t.done_at.is_none().then_some(t.due),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct TaskGroups {
    by_deal: FxHashMap<u128, Vec<usize>>,
    open_by_due: BTreeSet<(DateTime<Utc>, usize)>,
}

impl Keys for TaskKeys {
    type Groups = TaskGroups;
    fn id(&self) -> u128 {
        self.id
    }
    fn link(&self, g: &mut TaskGroups, at: usize) {
        link(&mut g.by_deal, self.deal, at);
        if let Some(due) = self.open_due {
            g.open_by_due.insert((due, at));
        }
    }
    fn unlink(&self, g: &mut TaskGroups, at: usize) {
        unlink(&mut g.by_deal, self.deal, at);
        if let Some(due) = self.open_due {
            g.open_by_due.remove(&(due, at));
        }
    }
}

/// Clients and salespeople are indexed by id alone.
impl Keys for u128 {
    type Groups = ();
    fn id(&self) -> u128 {
        *self
    }
    fn link(&self, _: &mut (), _: usize) {}
    fn unlink(&self, _: &mut (), _: usize) {}
}

fn link(groups: &mut FxHashMap<u128, Vec<usize>>, group: u128, at: usize) {
    let list = groups.entry(group).or_default();
    // Appends come in order; a record moved between groups goes in its place.
    if list.last().is_none_or(|&last| last < at) {
        list.push(at);
    } else if let Err(i) = list.binary_search(&at) {
        list.insert(i, at);
    }
}

fn unlink(groups: &mut FxHashMap<u128, Vec<usize>>, group: u128, at: usize) {
    if let Some(list) = groups.get_mut(&group) {
        if let Ok(i) = list.binary_search(&at) {
            list.remove(i);
        }
        if list.is_empty() {
            groups.remove(&group);
        }
    }
}

/// The index of one list: each record's keys as indexed, its position by id
/// (the first record winning when two share an id, as a search from the
/// start would find it), and its groups.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part<K: Keys> {
    keys: Vec<K>,
    at: FxHashMap<u128, usize>,
    groups: K::Groups,
}

impl<K: Keys> Default for Part<K> {
    fn default() -> Self {
        Part {
            keys: Vec::new(),
            at: FxHashMap::default(),
            groups: K::Groups::default(),
        }
    }
}

impl<K: Keys> Part<K> {
    /// Brings the part up to date with the list whose keys are `now`.
    fn refresh(&mut self, now: impl ExactSizeIterator<Item = K> + Clone) {
        let kept = self.keys.len();
        if now.len() < kept {
            return self.rebuild(now);
        }
        for (i, k) in now.clone().enumerate().take(kept) {
            let was = self.keys[i];
            if k == was {
                continue;
            }
            if k.id() != was.id() {
                return self.rebuild(now);
            }
            was.unlink(&mut self.groups, i);
            k.link(&mut self.groups, i);
            self.keys[i] = k;
        }
        for (i, k) in now.enumerate().skip(kept) {
            self.keys.push(k);
            self.at.entry(k.id()).or_insert(i);
            k.link(&mut self.groups, i);
        }
    }

    fn rebuild(&mut self, now: impl ExactSizeIterator<Item = K> + Clone) {
        *self = Part::default();
        self.refresh(now);
    }

    /// The indexed position of `id`, and how many records the part knows.
    fn position(&self, id: Id) -> (Option<usize>, usize) {
        (self.at.get(&key(id)).copied(), self.keys.len())
    }
}

/// Positions in the workspace's lists, by id and by what the screens group on.
/// Each group holds positions in ascending order (the order records were
/// added in) and no group is empty, so that an index kept up to date equals
/// one built anew.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    deals: Part<DealKeys>,
    tasks: Part<TaskKeys>,
    clients: Part<u128>,
    salespeople: Part<u128>,
}

impl Index {
    /// The index of `ws`, built anew.
    pub fn of(ws: &Workspace) -> Self {
        let mut index = Index::default();
        index.refresh(ws);
        index
    }

    /// Brings the index up to date with `ws`.
    pub fn refresh(&mut self, ws: &Workspace) {
        self.deals.refresh(ws.deals.iter().map(DealKeys::of));
        self.tasks.refresh(ws.tasks.iter().map(TaskKeys::of));
        self.clients.refresh(ws.clients.iter().map(|c| key(c.id)));
        self.salespeople
            .refresh(ws.salespeople.iter().map(|s| key(s.id)));
    }
}

/// The index as a workspace holds it: built on first use, shared between
/// copies of the workspace until one of them changes, and never part of
/// what is compared, stored or exported. Beside it, the journal of which
/// deals the latest changes touched.
#[derive(Clone, Default)]
pub struct Indexes {
    index: OnceLock<Arc<Index>>,
    journal: Journal,
}

/// The latest changes, oldest first: each with a stamp no other change in
/// this run of the program has, and the one deal whose record or tasks it
/// changed (`None`: it may have changed any deal, or moved deals in their
/// list). A screen that keeps something worked out per deal remembers the
/// last stamp it saw and asks which deals changed since; a workspace loaded,
/// imported or built anew starts an empty journal, so the stamp is not found
/// and the answer is "any".
#[derive(Clone, Default)]
struct Journal(std::collections::VecDeque<(u64, Option<u128>)>);

/// How many changes the journal remembers; a screen further behind works
/// everything out again.
const JOURNAL_LENGTH: usize = 64;

impl Journal {
    fn record(&mut self, deal: Option<u128>) {
        static STAMPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let stamp = STAMPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.0.len() == JOURNAL_LENGTH {
            self.0.pop_front();
        }
        self.0.push_back((stamp, deal));
    }
}

/// The deals a change touched, as the one door records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Touched {
    /// No deal's record or tasks.
    Nothing,
    /// This deal's record or tasks, and no deal moved in the list.
    Deal(Id),
    /// Any deal, or the list's order.
    Any,
}

impl PartialEq for Indexes {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Indexes {}

impl std::fmt::Debug for Indexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Indexes")
    }
}

const NO_POSITIONS: &[usize] = &[];

impl Workspace {
    /// The index, built now if it was not yet.
    pub fn index(&self) -> &Index {
        self.indexes.index.get_or_init(|| Arc::new(Index::of(self)))
    }

    /// The index if it was built (for the checks that compare it).
    pub fn built_index(&self) -> Option<&Index> {
        self.indexes.index.get().map(|index| &**index)
    }

    /// Brings the index up to date after a change (the one door does it; so
    /// must any code that changes the lists directly), and records that any
    /// deal may have changed.
    pub fn reindex(&mut self) {
        self.reindex_after(Touched::Any);
    }

    /// Brings the index up to date after a change that touched `touched`.
    pub(crate) fn reindex_after(&mut self, touched: Touched) {
        // An index not built yet is built on first use.
        if let Some(mut index) = self.indexes.index.take() {
            Arc::make_mut(&mut index).refresh(self);
            let _ = self.indexes.index.set(index);
        }
        match touched {
            Touched::Nothing => {}
            Touched::Deal(id) => self.indexes.journal.record(Some(key(id))),
            Touched::Any => self.indexes.journal.record(None),
        }
    }

    /// The stamp of the latest change the journal holds (see [`Journal`]).
    pub fn last_change(&self) -> Option<u64> {
        self.indexes.journal.0.back().map(|&(stamp, _)| stamp)
    }

    /// The deals whose record or tasks changed since the change stamped
    /// `since`, each once, and none of them moved in the list; `None` when
    /// the journal cannot tell (any deal may have changed).
    pub fn deals_changed_since(&self, since: Option<u64>) -> Option<Vec<Id>> {
        let entries = &self.indexes.journal.0;
        let after = match since {
            Some(stamp) => entries.iter().position(|&(s, _)| s == stamp)? + 1,
            None => return None,
        };
        let mut deals: Vec<u128> = Vec::new();
        for &(_, deal) in entries.range(after..) {
            let deal = deal?;
            if !deals.contains(&deal) {
                deals.push(deal);
            }
        }
        Some(
            deals
                .into_iter()
                .map(|k| Id::from_bytes(k.to_ne_bytes()))
                .collect(),
        )
    }

    /// Forgets the index (after a change that replaces most records, a new
    /// one is built on first use).
    pub fn drop_index(&mut self) {
        self.indexes = Indexes::default();
    }

    /// Where the record with this id sits in its list. While a command runs,
    /// between its changes and the update that follows them, the index may
    /// be behind: an answer that does not hold, or no answer while records
    /// were added or removed (`indexed`, the length the index knows, differs),
    /// falls back to a search from the start.
    fn position<T>(
        list: &[T],
        at: Option<usize>,
        indexed: usize,
        id: Id,
        id_of: impl Fn(&T) -> Id,
    ) -> Option<usize> {
        match at {
            Some(i) if list.get(i).is_some_and(|r| id_of(r) == id) => Some(i),
            None if list.len() == indexed => None,
            _ => list.iter().position(|r| id_of(r) == id),
        }
    }

    pub(crate) fn deal_position(&self, id: Id) -> Option<usize> {
        let (at, indexed) = self.index().deals.position(id);
        Self::position(&self.deals, at, indexed, id, |d| d.id)
    }

    pub(crate) fn client_position(&self, id: Id) -> Option<usize> {
        let (at, indexed) = self.index().clients.position(id);
        Self::position(&self.clients, at, indexed, id, |c| c.id)
    }

    pub(crate) fn task_position(&self, id: Id) -> Option<usize> {
        let (at, indexed) = self.index().tasks.position(id);
        Self::position(&self.tasks, at, indexed, id, |t| t.id)
    }

    pub(crate) fn salesperson_position(&self, id: Id) -> Option<usize> {
        let (at, indexed) = self.index().salespeople.position(id);
        Self::position(&self.salespeople, at, indexed, id, |s| s.id)
    }

    fn group(groups: &FxHashMap<u128, Vec<usize>>, id: Id) -> &[usize] {
        groups.get(&key(id)).map_or(NO_POSITIONS, Vec::as_slice)
    }

    /// Where the deals in the given stage sit in `deals`, ascending (the
    /// order they were added in).
    pub fn deal_positions_in_stage(&self, stage_id: Id) -> &[usize] {
        Self::group(&self.index().deals.groups.by_stage, stage_id)
    }

    /// Deals in the given stage, in the order they were added.
    pub fn deals_in_stage(&self, stage_id: Id) -> impl Iterator<Item = &Deal> {
        let at = self.deal_positions_in_stage(stage_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Tasks of a deal, in the order they were added.
    pub fn tasks_of_deal(&self, deal_id: Id) -> impl Iterator<Item = &Task> {
        let at = Self::group(&self.index().tasks.groups.by_deal, deal_id);
        at.iter().filter_map(|&i| self.tasks.get(i))
    }

    /// Deals of a client, in the order they were added.
    pub fn deals_of_client(&self, client_id: Id) -> impl Iterator<Item = &Deal> {
        let at = Self::group(&self.index().deals.groups.by_client, client_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Deals a salesperson owns, in the order they were added.
    pub fn deals_of_owner(&self, owner_id: Id) -> impl Iterator<Item = &Deal> {
        let at = Self::group(&self.index().deals.groups.by_owner, owner_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Open tasks, the earliest due first (in the order they were added
    /// when due at the same time).
    pub fn open_tasks_by_due(&self) -> impl DoubleEndedIterator<Item = &Task> {
        self.index()
            .tasks
            .groups
            .open_by_due
            .iter()
            .filter_map(|&(_, i)| self.tasks.get(i))
    }
}
