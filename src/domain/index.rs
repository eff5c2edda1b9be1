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

/// Positions in the workspace's lists, by id and by what the screens group on.
/// Each group holds positions in ascending order (the order records were
/// added in) and no group is empty, so that an index kept up to date equals
/// one built anew.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    deals: Vec<DealKeys>,
    tasks: Vec<TaskKeys>,
    clients: Vec<u128>,
    salespeople: Vec<u128>,
    deal_at: FxHashMap<u128, usize>,
    task_at: FxHashMap<u128, usize>,
    client_at: FxHashMap<u128, usize>,
    salesperson_at: FxHashMap<u128, usize>,
    deals_by_stage: FxHashMap<u128, Vec<usize>>,
    deals_by_client: FxHashMap<u128, Vec<usize>>,
    deals_by_owner: FxHashMap<u128, Vec<usize>>,
    tasks_by_deal: FxHashMap<u128, Vec<usize>>,
    open_tasks_by_due: BTreeSet<(DateTime<Utc>, usize)>,
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

/// Positions by id, the first record winning when two share an id (as a
/// search from the start would find it).
fn positions(ids: &[u128]) -> FxHashMap<u128, usize> {
    let mut map = FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, &id) in ids.iter().enumerate() {
        map.entry(id).or_insert(i);
    }
    map
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
        self.refresh_deals(&ws.deals);
        self.refresh_tasks(&ws.tasks);
        let clients = ws.clients.iter().map(|c| key(c.id));
        if !clients.clone().eq(self.clients.iter().copied()) {
            self.clients = clients.collect();
            self.client_at = positions(&self.clients);
        }
        let salespeople = ws.salespeople.iter().map(|s| key(s.id));
        if !salespeople.clone().eq(self.salespeople.iter().copied()) {
            self.salespeople = salespeople.collect();
            self.salesperson_at = positions(&self.salespeople);
        }
    }

    fn refresh_deals(&mut self, deals: &[Deal]) {
        let kept = self.deals.len();
        if deals.len() < kept {
            return self.rebuild_deals(deals);
        }
        for (i, d) in deals.iter().enumerate().take(kept) {
            let now = DealKeys::of(d);
            let was = self.deals[i];
            if now == was {
                continue;
            }
            if now.id != was.id {
                return self.rebuild_deals(deals);
            }
            self.unlink_deal(i, was);
            self.link_deal(i, now);
            self.deals[i] = now;
        }
        for (i, d) in deals.iter().enumerate().skip(kept) {
            let now = DealKeys::of(d);
            self.deals.push(now);
            self.deal_at.entry(now.id).or_insert(i);
            self.link_deal(i, now);
        }
    }

    fn rebuild_deals(&mut self, deals: &[Deal]) {
        self.deals.clear();
        self.deal_at.clear();
        self.deals_by_stage.clear();
        self.deals_by_client.clear();
        self.deals_by_owner.clear();
        self.refresh_deals(deals);
    }

    fn link_deal(&mut self, at: usize, k: DealKeys) {
        link(&mut self.deals_by_stage, k.stage, at);
        if let Some(client) = k.client {
            link(&mut self.deals_by_client, client, at);
        }
        link(&mut self.deals_by_owner, k.owner, at);
    }

    fn unlink_deal(&mut self, at: usize, k: DealKeys) {
        unlink(&mut self.deals_by_stage, k.stage, at);
        if let Some(client) = k.client {
            unlink(&mut self.deals_by_client, client, at);
        }
        unlink(&mut self.deals_by_owner, k.owner, at);
    }

    fn refresh_tasks(&mut self, tasks: &[Task]) {
        let kept = self.tasks.len();
        if tasks.len() < kept {
            return self.rebuild_tasks(tasks);
        }
        for (i, t) in tasks.iter().enumerate().take(kept) {
            let now = TaskKeys::of(t);
            let was = self.tasks[i];
            if now == was {
                continue;
            }
            if now.id != was.id {
                return self.rebuild_tasks(tasks);
            }
            self.unlink_task(i, was);
            self.link_task(i, now);
            self.tasks[i] = now;
        }
        for (i, t) in tasks.iter().enumerate().skip(kept) {
            let now = TaskKeys::of(t);
            self.tasks.push(now);
            self.task_at.entry(now.id).or_insert(i);
            self.link_task(i, now);
        }
    }

    fn rebuild_tasks(&mut self, tasks: &[Task]) {
        self.tasks.clear();
        self.task_at.clear();
        self.tasks_by_deal.clear();
        self.open_tasks_by_due.clear();
        self.refresh_tasks(tasks);
    }

    fn link_task(&mut self, at: usize, k: TaskKeys) {
        link(&mut self.tasks_by_deal, k.deal, at);
        if let Some(due) = k.open_due {
            self.open_tasks_by_due.insert((due, at));
        }
    }

    fn unlink_task(&mut self, at: usize, k: TaskKeys) {
        unlink(&mut self.tasks_by_deal, k.deal, at);
        if let Some(due) = k.open_due {
            self.open_tasks_by_due.remove(&(due, at));
        }
    }
}

/// The index as a workspace holds it: built on first use, shared between
/// copies of the workspace until one of them changes, and never part of
/// what is compared, stored or exported.
#[derive(Clone, Default)]
pub struct Indexes(OnceLock<Arc<Index>>);

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
        self.indexes.0.get_or_init(|| Arc::new(Index::of(self)))
    }

    /// The index if it was built (for the checks that compare it).
    pub fn built_index(&self) -> Option<&Index> {
        self.indexes.0.get().map(|index| &**index)
    }

    /// Brings the index up to date after a change (the one door does it; so
    /// must any code that changes the lists directly).
    pub fn reindex(&mut self) {
        // An index not built yet is built on first use.
        if let Some(mut index) = self.indexes.0.take() {
            Arc::make_mut(&mut index).refresh(self);
            let _ = self.indexes.0.set(index);
        }
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
        let index = self.index();
        let at = index.deal_at.get(&key(id)).copied();
        Self::position(&self.deals, at, index.deals.len(), id, |d| d.id)
    }

    pub(crate) fn client_position(&self, id: Id) -> Option<usize> {
        let index = self.index();
        let at = index.client_at.get(&key(id)).copied();
        Self::position(&self.clients, at, index.clients.len(), id, |c| c.id)
    }

    pub(crate) fn task_position(&self, id: Id) -> Option<usize> {
        let index = self.index();
        let at = index.task_at.get(&key(id)).copied();
        Self::position(&self.tasks, at, index.tasks.len(), id, |t| t.id)
    }

    pub(crate) fn salesperson_position(&self, id: Id) -> Option<usize> {
        let index = self.index();
        let at = index.salesperson_at.get(&key(id)).copied();
        let indexed = index.salespeople.len();
        Self::position(&self.salespeople, at, indexed, id, |s| s.id)
    }

    fn group(groups: &FxHashMap<u128, Vec<usize>>, id: Id) -> &[usize] {
        groups.get(&key(id)).map_or(NO_POSITIONS, Vec::as_slice)
    }

    /// Deals in the given stage, in the order they were added.
    pub fn deals_in_stage(&self, stage_id: Id) -> impl Iterator<Item = &Deal> {
        let at = Self::group(&self.index().deals_by_stage, stage_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Tasks of a deal, in the order they were added.
    pub fn tasks_of_deal(&self, deal_id: Id) -> impl Iterator<Item = &Task> {
        let at = Self::group(&self.index().tasks_by_deal, deal_id);
        at.iter().filter_map(|&i| self.tasks.get(i))
    }

    /// Deals of a client, in the order they were added.
    pub fn deals_of_client(&self, client_id: Id) -> impl Iterator<Item = &Deal> {
        let at = Self::group(&self.index().deals_by_client, client_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Deals a salesperson owns, in the order they were added.
    pub fn deals_of_owner(&self, owner_id: Id) -> impl Iterator<Item = &Deal> {
        let at = Self::group(&self.index().deals_by_owner, owner_id);
        at.iter().filter_map(|&i| self.deals.get(i))
    }

    /// Open tasks, the earliest due first (in the order they were added
    /// when due at the same time).
    pub fn open_tasks_by_due(&self) -> impl DoubleEndedIterator<Item = &Task> {
        self.index()
            .open_tasks_by_due
            .iter()
            .filter_map(|&(_, i)| self.tasks.get(i))
    }

    /// Open tasks due in `[from, until)`, the earliest first.
    pub fn open_tasks_due_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &Task> {
        let range = (from, 0)..(until, 0);
        let empty = from >= until;
        self.index()
            .open_tasks_by_due
            .range(if empty { (from, 0)..(from, 0) } else { range })
            .filter_map(|&(_, i)| self.tasks.get(i))
    }

    /// Number of open tasks due before `until`.
    pub fn open_tasks_due_before(&self, until: DateTime<Utc>) -> usize {
        self.index().open_tasks_by_due.range(..(until, 0)).count()
    }
}
