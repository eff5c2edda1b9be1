//! The only module that touches localStorage: loading (with migration,
//! corruption and newer-version handling), autosaving, and keeping several
//! tabs of the app in step.
//!
//! This talks to `web_sys::Storage` directly rather than through
//! gloo-storage: gloo panics when localStorage is unavailable (private modes,
//! disabled storage) and folds the browser's `DOMException` into a string,
//! while the app must keep running in memory in the first case and tell a
//! full quota (`QuotaExceededError`, `NS_ERROR_DOM_QUOTA_REACHED`, legacy
//! code 22) from other failures in the second. Its typed `get`/`set` would
//! fit small values only, and the one there is, the chosen language, is a
//! plain string every earlier build stored as is, where gloo reads and
//! writes JSON: it would not read them back.
//!
//! The workspace is stored in shards, each packed (see
//! [`crate::domain::layout`] and [`crate::domain::packing`]): a save writes
//! only the shards whose records changed. A whole workspace under the meta
//! key, as earlier builds wrote it, still reads.
//!
//! Two tabs: every save ends with a fresh revision token. Tabs take in each
//! other's saved shards as the `storage` events arrive, merging record by
//! record (the newer `updated_at` wins; deletions are remembered). Before
//! writing, a tab compares the stored token with the one its data includes;
//! when it missed a save, it merges the whole stored workspace into its own
//! and writes everything, so a stale tab never overwrites newer records or
//! brings back deleted ones. When two tabs change the *same* record, the
//! later change wins as a whole.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::format::{declared_version_of_text, read_workspace_text, FormatError};
use crate::domain::layout::{
    assemble, assemble_stored, fingerprint_of_partial, fingerprints, is_layout, layout_keys,
    parse_shard_key, partial, plan, Plan, META_KEY, UNKNOWN,
};
use crate::domain::packing::unpack;
use crate::domain::{Id, Workspace, FORMAT_VERSION};
use crate::ui::TakeIn;

/// The localStorage key of the meta value (and of the whole workspace in earlier builds).
pub const WORKSPACE_KEY: &str = META_KEY;
/// The key holding the token of the last save (see the module notes).
pub const REVISION_KEY: &str = "pipeline-crm.revision";
/// The key holding the chosen language.
pub const LOCALE_KEY: &str = "pipeline-crm.locale";
/// The key under which unreadable data is kept.
pub const UNREADABLE_KEY: &str = "pipeline-crm.workspace.unreadable";

/// A save waits for the next frame to be painted, so a change shows at once;
/// if frames are not painted (a hidden tab), it happens after this long.
const SAVE_BACKSTOP: Duration = Duration::from_millis(200);

/// Between [`WORKSPACE_KEY`] and the version in [`pre_migration_key`].
const PRE_MIGRATION_MARK: &str = ".before-migration-from-v";

/// The key under which the data found before a migration is kept.
pub fn pre_migration_key(version: u32) -> String {
    format!("{WORKSPACE_KEY}{PRE_MIGRATION_MARK}{version}")
}

/// What was found in storage.
pub enum Loaded {
    /// Nothing saved yet.
    Empty,
    /// A workspace, migrated if it was older, and what each stored value
    /// holds (for [`Autosave::new`]; empty when it was migrated).
    Workspace(Workspace, Stored),
    /// Data written by a newer version: shown read-only when it can be read.
    Newer {
        /// The version found.
        found: u32,
        /// The data, when this version can still read it.
        workspace: Option<Workspace>,
    },
    /// Something that could not be read; the raw text is kept under [`UNREADABLE_KEY`].
    Unreadable(FormatError),
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Whether the browser lets the app store data at all.
pub fn available() -> bool {
    storage().is_some()
}

fn get(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// The fingerprint of each stored value, by key (see [`Plan::fingerprints`]).
pub type Stored = HashMap<String, u64>;

/// The stored value of `key`, left in JavaScript: callers that need only a
/// fact about it (its prefix, its length) do not copy kilobytes or
/// megabytes of text into wasm.
fn stored_js(storage: &web_sys::Storage, key: &str) -> Option<js_sys::JsString> {
    js_sys::Reflect::get(storage, &key.into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
}

/// Where the shards of data found unreadable go before the first save
/// replaces them: this prefix and the shard's key. (The meta value itself is
/// kept under [`UNREADABLE_KEY`].)
pub const SET_ASIDE_PREFIX: &str = "pipeline-crm.workspace.unreadable.";

thread_local! {
    /// Whether this tab found the stored data unreadable and has not yet set
    /// its shards aside (see [`set_aside_unreadable`]).
    static FOUND_UNREADABLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn keep_unreadable(raw: &str) {
    FOUND_UNREADABLE.set(true);
    if let Some(s) = storage() {
        let _ = s.set_item(UNREADABLE_KEY, raw);
    }
}

/// Every key in storage.
fn keys(storage: &web_sys::Storage) -> Vec<String> {
    let n = storage.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect()
}

/// Moves every shard of the data found unreadable out of the way of the
/// first save (which would write its own shards under the same keys), one
/// at a time, so that it takes no more room than one shard.
fn set_aside_unreadable(storage: &web_sys::Storage) -> Result<(), wasm_bindgen::JsValue> {
    for key in keys(storage) {
        if parse_shard_key(&key).is_none() {
            continue;
        }
        if let Some(value) = storage.get_item(&key)? {
            storage.set_item(&format!("{SET_ASIDE_PREFIX}{key}"), &value)?;
            storage.remove_item(&key)?;
        }
    }
    FOUND_UNREADABLE.set(false);
    Ok(())
}

/// The unreadable data kept aside, to offer as a download: the meta value
/// as it was stored, or, when shards go with it, a JSON object of every
/// stored key and value.
pub fn unreadable_data() -> Option<String> {
    let meta = get(UNREADABLE_KEY)?;
    let Some(storage) = storage() else {
        return Some(meta);
    };
    let mut values = std::collections::BTreeMap::new();
    for key in keys(&storage) {
        let shard = match key.strip_prefix(SET_ASIDE_PREFIX) {
            Some(shard) => shard.to_string(),
            // Not set aside yet: still under its own key.
            None if FOUND_UNREADABLE.get() && parse_shard_key(&key).is_some() => key.clone(),
            None => continue,
        };
        if let Ok(Some(value)) = storage.get_item(&key) {
            values.insert(shard, value);
        }
    }
    if values.is_empty() {
        return Some(meta);
    }
    values.insert(WORKSPACE_KEY.to_string(), meta);
    serde_json::to_string_pretty(&values).ok()
}

/// A copy of the user's data that the app keeps aside and never reads again,
/// so that nothing is lost silently; it takes room in the quota until the
/// user deletes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeptCopy {
    /// Data found unreadable: the meta value, with any shards set aside.
    Unreadable,
    /// The data as it was before the update from this format version.
    BeforeMigration(u32),
}

impl KeptCopy {
    fn of_key(key: &str) -> Option<KeptCopy> {
        if key == UNREADABLE_KEY || key.starts_with(SET_ASIDE_PREFIX) {
            return Some(KeptCopy::Unreadable);
        }
        key.strip_prefix(WORKSPACE_KEY)?
            .strip_prefix(PRE_MIGRATION_MARK)?
            .parse()
            .ok()
            .map(KeptCopy::BeforeMigration)
    }
}

/// The kept copies in storage, each with the characters it takes. Data just
/// found unreadable is left out until the first save sets its shards aside:
/// until then the recovery screen offers it.
pub fn kept_copies() -> Vec<(KeptCopy, usize)> {
    let Some(storage) = storage() else {
        return Vec::new();
    };
    let mut copies: Vec<(KeptCopy, usize)> = Vec::new();
    for key in keys(&storage) {
        let Some(copy) = KeptCopy::of_key(&key) else {
            continue;
        };
        if copy == KeptCopy::Unreadable && FOUND_UNREADABLE.get() {
            continue;
        }
        let chars = key.len() + stored_js(&storage, &key).map_or(0, |v| v.length() as usize);
        // In order (unreadable data first, then by version), without a sort.
        let at = copies.partition_point(|(c, _)| *c < copy);
        match copies.get_mut(at) {
            Some((c, n)) if *c == copy => *n += chars,
            _ => copies.insert(at, (copy, chars)),
        }
    }
    copies
}

/// Kibibytes that `chars` characters of stored text take (UTF-16: two
/// bytes a character), rounded up.
pub fn stored_kib(chars: usize) -> usize {
    (chars * 2).div_ceil(1024)
}

/// The text of a kept copy, to download: unreadable data as
/// [`unreadable_data`] gives it; data from before an update as JSON when it
/// was packed.
pub fn kept_copy_text(copy: &KeptCopy) -> Option<String> {
    match copy {
        KeptCopy::Unreadable => unreadable_data(),
        KeptCopy::BeforeMigration(v) => {
            let raw = get(&pre_migration_key(*v))?;
            let json = unpack(&raw).ok().map(std::borrow::Cow::into_owned);
            Some(json.unwrap_or(raw))
        }
    }
}

/// Deletes a kept copy from storage; on failure, the browser's message.
pub fn delete_kept_copy(copy: &KeptCopy) -> Result<(), String> {
    let storage = storage().ok_or("localStorage is not available")?;
    if *copy == KeptCopy::Unreadable && FOUND_UNREADABLE.get() {
        // Its shards still sit under the keys the next save writes
        // (`kept_copies` does not offer it yet).
        return Err("the data has not been set aside yet".into());
    }
    for key in keys(&storage) {
        if KeptCopy::of_key(&key).as_ref() == Some(copy) {
            storage.remove_item(&key).map_err(|e| {
                e.dyn_ref::<js_sys::Error>()
                    .map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
            })?;
        }
    }
    Ok(())
}

/// The stored workspace in the current format, from the meta value's JSON
/// (reading its shards) or, for earlier builds, the whole workspace in it.
fn read_current(json: &str) -> Option<Workspace> {
    if is_layout(json) {
        assemble(json, get).ok()
    } else {
        serde_json::from_str::<Workspace>(json).ok()
    }
    .filter(|ws| ws.format_version == FORMAT_VERSION)
}

/// Reads the stored workspace. An older version is migrated and the data as
/// it was is kept under [`pre_migration_key`]; unreadable data is kept under
/// [`UNREADABLE_KEY`] (and its shards under [`SET_ASIDE_PREFIX`] before the
/// first save). Nothing stored is ever overwritten here.
pub fn load(now: DateTime<Utc>, owner: &str, ids: impl FnMut() -> Id) -> Loaded {
    let Some(raw) = get(WORKSPACE_KEY) else {
        return Loaded::Empty;
    };
    let unreadable = |e: FormatError| {
        keep_unreadable(&raw);
        Loaded::Unreadable(e)
    };
    let json = match unpack(&raw) {
        Ok(json) => json,
        Err(e) => return unreadable(FormatError::NotJson(e.to_string())),
    };
    let version = match declared_version_of_text(&json) {
        Ok(v) => v,
        Err(e) => return unreadable(e),
    };
    if version > FORMAT_VERSION {
        // Fields this version does not know are skipped; if the rest reads,
        // the user can still see (not change) their data.
        let workspace = if is_layout(&json) {
            assemble(&json, get).ok()
        } else {
            serde_json::from_str(&json).ok()
        };
        if workspace.is_none() {
            keep_unreadable(&raw);
        }
        return Loaded::Newer {
            found: version,
            workspace,
        };
    }
    if is_layout(&json) {
        return match assemble_stored(&json, get) {
            Ok((ws, stored)) => Loaded::Workspace(ws, stored),
            Err(e) => unreadable(e),
        };
    }
    match read_workspace_text(&json, now, owner, ids) {
        Ok((workspace, migrated)) => {
            if migrated {
                if let Some(s) = storage() {
                    let _ = s.set_item(&pre_migration_key(version), &raw);
                }
            }
            Loaded::Workspace(workspace, Stored::new())
        }
        Err(e) => unreadable(e),
    }
}

/// The language the user chose, if any.
pub fn load_locale() -> Option<String> {
    get(LOCALE_KEY)
}

/// Remembers the chosen language.
pub fn save_locale(locale: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(LOCALE_KEY, locale);
    }
}

/// Why the last save did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveProblem {
    /// The browser's storage quota is full.
    QuotaExceeded,
    /// localStorage is not available (disabled, private mode): data lives in memory only.
    Unavailable,
    /// Another error, with the browser's message.
    Other(String),
}

/// Whether a storage error is the quota being full, in any browser's words.
fn is_quota_error(error: &wasm_bindgen::JsValue) -> bool {
    error.dyn_ref::<web_sys::DomException>().is_some_and(|e| {
        e.code() == 22
            || e.name() == "QuotaExceededError"
            || e.name() == "NS_ERROR_DOM_QUOTA_REACHED"
    })
}

/// Whether the page is hidden (another tab, a minimised window, a phone
/// switching apps).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

fn new_revision() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Saves the workspace right after each change is painted, and at once when
/// the page is hidden or closed, so a pending change is never lost; takes in
/// other tabs' saves (see the module notes).
#[derive(Clone, Copy)]
pub struct Autosave {
    workspace: ReadSignal<Workspace>,
    take_in: TakeIn,
    enabled: ReadSignal<bool>,
    pending: StoredValue<Option<TimeoutHandle>>,
    /// The revision our data includes.
    revision: StoredValue<Option<String>>,
    /// What each stored key holds, as far as we know (see [`Plan::fingerprints`]).
    stored: StoredValue<HashMap<String, u64>>,
    /// A change was made since the last save that succeeded.
    unsaved: StoredValue<bool>,
    /// The problem with the last save, if it failed.
    pub problem: RwSignal<Option<SaveProblem>>,
    /// Set when the app must not write (data from a newer version is open), with why.
    pub read_only: RwSignal<Option<String>>,
}

impl Autosave {
    /// Autosave for `workspace` as just loaded, writing only while `enabled`
    /// (after the initial load); `stored` is what [`load`] found under each
    /// key. What other tabs save is merged in through `take_in`.
    pub fn new(
        workspace: ReadSignal<Workspace>,
        take_in: TakeIn,
        enabled: ReadSignal<bool>,
        stored: Stored,
    ) -> Self {
        let autosave = Autosave {
            workspace,
            take_in,
            enabled,
            pending: StoredValue::new(None),
            revision: StoredValue::new(get(REVISION_KEY)),
            stored: StoredValue::new(stored),
            unsaved: StoredValue::new(false),
            problem: RwSignal::new((!available()).then_some(SaveProblem::Unavailable)),
            read_only: RwSignal::new(None),
        };
        let _ = window_event_listener(leptos::ev::pagehide, move |_| autosave.flush_on_hide());
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if page_hidden() {
                autosave.flush_on_hide();
            }
        });
        let _ = window_event_listener(leptos::ev::storage, move |ev| {
            if let Some(key) = ev.key() {
                autosave.take_in_other_tab(&key, ev.new_value());
            }
        });
        autosave
    }

    /// Asks for a save right after the next paint; changes made before then
    /// are saved together.
    pub fn schedule(&self) {
        if !self.enabled.get_untracked() || self.read_only.get_untracked().is_some() {
            return;
        }
        self.unsaved.set_value(true);
        if self.is_pending() {
            return;
        }
        let this = *self;
        let handle = set_timeout_with_handle(move || this.flush(), SAVE_BACKSTOP).ok();
        self.pending.set_value(handle);
        request_animation_frame(move || set_timeout(move || this.flush(), Duration::ZERO));
    }

    /// Whether a change the user made is not in storage: waiting to be
    /// saved, or refused by it (full, unavailable, failing).
    pub fn has_unsaved(&self) -> bool {
        self.unsaved.get_value()
    }

    /// Whether a change waits to be saved.
    pub fn is_pending(&self) -> bool {
        self.pending.with_value(Option::is_some)
    }

    /// Saves a pending change now.
    pub fn flush(&self) {
        let Some(handle) = self.pending.get_value() else {
            return;
        };
        handle.clear();
        self.pending.set_value(None);
        self.save_now();
    }

    /// Saves a pending change now, or tries again a save that failed (room
    /// may have been freed since): the page is being hidden or closed, and
    /// a change that waits for the next one would be lost with it.
    pub fn flush_on_hide(&self) {
        if self.is_pending() {
            self.flush();
        } else if matches!(
            self.problem.get_untracked(),
            Some(SaveProblem::QuotaExceeded | SaveProblem::Other(_))
        ) {
            self.save_now();
        }
    }

    /// Saves now, whether or not a change is pending.
    pub fn save_now(&self) {
        if !self.enabled.get_untracked() || self.read_only.get_untracked().is_some() {
            return;
        }
        let Some(storage) = storage() else {
            self.unsaved.set_value(true);
            self.set_problem(Some(SaveProblem::Unavailable));
            return;
        };
        // The first save after the data was found unreadable (the user
        // started fresh or imported): its shards go aside first, so that
        // nothing of it is overwritten, and everything is written (what
        // `new` took as stored was that data, not what the tab shows).
        if FOUND_UNREADABLE.get() {
            if let Err(e) = set_aside_unreadable(&storage) {
                self.fail(&e);
                return;
            }
            self.stored.set_value(HashMap::new());
        }
        // Another tab saved and we missed it: take its records in first, and
        // then write everything.
        let stored_revision = storage.get_item(REVISION_KEY).ok().flatten();
        if stored_revision.is_some() && stored_revision != self.revision.get_value() {
            let theirs = storage
                .get_item(WORKSPACE_KEY)
                .ok()
                .flatten()
                .and_then(|raw| unpack(&raw).ok().and_then(|json| read_current(&json)));
            if let Some(theirs) = theirs {
                self.take_in.merge(&theirs);
            }
            let keep_obsolete = get(WORKSPACE_KEY)
                .and_then(|raw| unpack(&raw).ok().map(|j| j.into_owned()))
                .and_then(|json| layout_keys(&json).ok())
                .unwrap_or_default();
            // Fingerprints unknown: every key is rewritten, the old ones removed.
            self.stored
                .set_value(keep_obsolete.into_iter().map(|k| (k, UNKNOWN)).collect());
        }
        let plan = self
            .workspace
            .with_untracked(|ws| self.stored.with_value(|s| plan(ws, s)));
        match self.write(&storage, &plan) {
            Ok(()) => {
                let revision = new_revision();
                match storage.set_item(REVISION_KEY, &revision) {
                    Ok(()) => {
                        self.revision.set_value(Some(revision));
                        self.unsaved.set_value(false);
                        self.set_problem(None);
                    }
                    Err(e) => self.fail(&e),
                }
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Writes a plan's values, remembering each one written; the meta value
    /// goes last, so a reader never sees it point to shards not yet written.
    fn write(&self, storage: &web_sys::Storage, plan: &Plan) -> Result<(), wasm_bindgen::JsValue> {
        let mut freed = false;
        for w in &plan.writes {
            let mut result = storage.set_item(&w.key, &w.value);
            if result.as_ref().is_err_and(is_quota_error) && !freed && !plan.obsolete.is_empty() {
                // Old shards of a family that changed its shard count take
                // room; once the new ones are being written they can go.
                self.remove_obsolete(storage, plan);
                freed = true;
                result = storage.set_item(&w.key, &w.value);
            }
            result?;
            self.stored.update_value(|s| {
                s.insert(w.key.clone(), w.fingerprint);
            });
        }
        if !freed {
            self.remove_obsolete(storage, plan);
        }
        Ok(())
    }

    fn remove_obsolete(&self, storage: &web_sys::Storage, plan: &Plan) {
        for key in &plan.obsolete {
            if key != WORKSPACE_KEY {
                let _ = storage.remove_item(key);
            }
            self.stored.update_value(|s| {
                s.remove(key);
            });
        }
    }

    fn fail(&self, e: &wasm_bindgen::JsValue) {
        self.unsaved.set_value(true);
        let problem = if is_quota_error(e) {
            SaveProblem::QuotaExceeded
        } else {
            SaveProblem::Other(e.as_string().unwrap_or_else(|| format!("{e:?}")))
        };
        self.set_problem(Some(problem));
    }

    fn set_problem(&self, problem: Option<SaveProblem>) {
        if self.problem.get_untracked() != problem {
            self.problem.set(problem);
        }
    }

    /// Another tab saved `key`: merge what it wrote into our data.
    fn take_in_other_tab(&self, key: &str, new_value: Option<String>) {
        if !self.enabled.get_untracked() {
            return;
        }
        if key == REVISION_KEY {
            // That save's values arrived (and were merged) before its token.
            self.revision.set_value(new_value);
            return;
        }
        if key != WORKSPACE_KEY && parse_shard_key(key).is_none() {
            return;
        }
        let Some(raw) = new_value else { return };
        if let Ok(theirs) = self
            .workspace
            .with_untracked(|ours| partial(key, &raw, ours))
        {
            self.take_in.merge(&theirs);
            // What that key holds now: if our records there match it, there
            // is nothing to write back.
            if let Some(fp) = fingerprint_of_partial(key, &theirs) {
                self.stored.update_value(|s| {
                    s.insert(key.to_string(), fp);
                });
            }
        }
        // Anything of ours that storage does not hold yet is saved as usual.
        let ours_differ = self
            .workspace
            .with_untracked(|ws| self.stored.with_value(|s| shards_differ(ws, s)));
        if ours_differ {
            self.schedule();
        }
    }
}

/// Whether any shard of `ws` differs from what `stored` says storage holds.
fn shards_differ(ws: &Workspace, stored: &HashMap<String, u64>) -> bool {
    fingerprints(ws)
        .iter()
        .any(|(k, fp)| k != WORKSPACE_KEY && stored.get(k) != Some(fp))
}
