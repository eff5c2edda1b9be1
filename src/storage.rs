//! The only module that touches localStorage: loading (with migration,
//! corruption and newer-version handling), autosaving, and keeping several
//! tabs of the app in step.
//!
//! This talks to `web_sys::Storage` directly rather than through
//! gloo-storage: gloo panics when localStorage is unavailable (private modes,
//! disabled storage) and folds the browser's `DOMException` into a string,
//! while the app must keep running in memory in the first case and tell a
//! full quota (`QuotaExceededError`, `NS_ERROR_DOM_QUOTA_REACHED`, legacy
//! code 22) from other failures in the second.
//!
//! Stored data is packed (see [`crate::domain::packing`]) so that a large
//! workspace fits the browser's quota; plain JSON from earlier builds still reads.
//!
//! Two tabs: every save carries a fresh revision token. Before writing, a tab
//! compares the stored token with the one its data came from; when another
//! tab wrote in between, it merges the stored copy into its own record by
//! record (the newer `updated_at` wins, deletions are remembered) and writes
//! the result, so a stale tab never overwrites newer records or brings back
//! deleted ones. Tabs also merge each other's saves as they happen (the
//! `storage` event). When two tabs change the *same* record, the later change
//! wins as a whole.

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::exchange::merge;
use crate::domain::format::{declared_version_of_text, read_workspace_text, FormatError};
use crate::domain::packing::{pack, unpack};
use crate::domain::{Id, Workspace, FORMAT_VERSION};

/// The localStorage key holding the workspace.
pub const WORKSPACE_KEY: &str = "pipeline-crm.workspace";
/// The key holding the token of the last save (see the module notes).
pub const REVISION_KEY: &str = "pipeline-crm.revision";
/// The key holding the chosen language.
pub const LOCALE_KEY: &str = "pipeline-crm.locale";
/// The key under which unreadable data is kept.
pub const UNREADABLE_KEY: &str = "pipeline-crm.workspace.unreadable";

/// A save waits for the next frame to be painted, so a change shows at once;
/// if frames are not painted (a hidden tab), it happens after this long.
const SAVE_BACKSTOP: Duration = Duration::from_millis(200);

/// The key under which the data found before a migration is kept.
pub fn pre_migration_key(version: u32) -> String {
    format!("{WORKSPACE_KEY}.before-migration-from-v{version}")
}

/// What was found in storage.
pub enum Loaded {
    /// Nothing saved yet.
    Empty,
    /// A workspace, migrated if it was older.
    Workspace(Workspace),
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

fn keep_unreadable(raw: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(UNREADABLE_KEY, raw);
    }
}

/// The unreadable data kept aside, to offer as a download.
pub fn unreadable_data() -> Option<String> {
    get(UNREADABLE_KEY)
}

/// Reads the stored workspace. An older version is migrated and the data as
/// it was is kept under [`pre_migration_key`]; unreadable data is kept under
/// [`UNREADABLE_KEY`]. Nothing stored is ever overwritten here.
pub fn load(now: DateTime<Utc>, owner: &str, ids: impl FnMut() -> Id) -> Loaded {
    let Some(raw) = get(WORKSPACE_KEY) else {
        return Loaded::Empty;
    };
    let json = match unpack(&raw) {
        Ok(json) => json,
        Err(e) => {
            keep_unreadable(&raw);
            return Loaded::Unreadable(FormatError::NotJson(e.to_string()));
        }
    };
    let version = match declared_version_of_text(&json) {
        Ok(v) => v,
        Err(e) => {
            keep_unreadable(&raw);
            return Loaded::Unreadable(e);
        }
    };
    if version > FORMAT_VERSION {
        // Fields this version does not know are skipped; if the rest reads,
        // the user can still see (not change) their data.
        let workspace = serde_json::from_str(&json).ok();
        if workspace.is_none() {
            keep_unreadable(&raw);
        }
        return Loaded::Newer {
            found: version,
            workspace,
        };
    }
    match read_workspace_text(&json, now, owner, ids) {
        Ok((workspace, migrated)) => {
            if migrated {
                if let Some(s) = storage() {
                    let _ = s.set_item(&pre_migration_key(version), &raw);
                }
            }
            Loaded::Workspace(workspace)
        }
        Err(e) => {
            keep_unreadable(&raw);
            Loaded::Unreadable(e)
        }
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

/// Another tab's stored workspace, when it is readable in the current format.
fn read_stored(raw: &str) -> Option<Workspace> {
    unpack(raw)
        .ok()
        .and_then(|json| serde_json::from_str::<Workspace>(&json).ok())
        .filter(|ws| ws.format_version == FORMAT_VERSION)
}

fn new_revision() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Saves the workspace shortly after each change, and at once when the page
/// is hidden or closed, so a pending change is never lost; merges other
/// tabs' saves (see the module notes).
#[derive(Clone, Copy)]
pub struct Autosave {
    workspace: RwSignal<Workspace>,
    enabled: RwSignal<bool>,
    pending: StoredValue<Option<TimeoutHandle>>,
    /// The revision our data includes.
    revision: StoredValue<Option<String>>,
    /// The problem with the last save, if it failed.
    pub problem: RwSignal<Option<SaveProblem>>,
    /// Set when the app must not write (data from a newer version is open), with why.
    pub read_only: RwSignal<Option<String>>,
}

impl Autosave {
    /// Autosave for `workspace`, writing only while `enabled` (after the initial load).
    pub fn new(workspace: RwSignal<Workspace>, enabled: RwSignal<bool>) -> Self {
        let autosave = Autosave {
            workspace,
            enabled,
            pending: StoredValue::new(None),
            revision: StoredValue::new(get(REVISION_KEY)),
            problem: RwSignal::new((!available()).then_some(SaveProblem::Unavailable)),
            read_only: RwSignal::new(None),
        };
        let _ = window_event_listener(leptos::ev::pagehide, move |_| autosave.flush());
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
            if hidden {
                autosave.flush();
            }
        });
        let _ = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() == Some(WORKSPACE_KEY) {
                autosave.take_in_other_tab(ev.new_value());
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
        if self.is_pending() {
            return;
        }
        let this = *self;
        let handle = set_timeout_with_handle(move || this.flush(), SAVE_BACKSTOP).ok();
        self.pending.set_value(handle);
        request_animation_frame(move || set_timeout(move || this.flush(), Duration::ZERO));
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

    /// Saves now, whether or not a change is pending.
    pub fn save_now(&self) {
        if !self.enabled.get_untracked() || self.read_only.get_untracked().is_some() {
            return;
        }
        let Some(storage) = storage() else {
            self.set_problem(Some(SaveProblem::Unavailable));
            return;
        };
        // Another tab saved since our data was read: take its records in first.
        let stored_revision = storage.get_item(REVISION_KEY).ok().flatten();
        if stored_revision.is_some() && stored_revision != self.revision.get_value() {
            if let Some(theirs) = storage
                .get_item(WORKSPACE_KEY)
                .ok()
                .flatten()
                .and_then(|raw| read_stored(&raw))
            {
                self.workspace.maybe_update(|ours| {
                    let (merged, _) = merge(ours, &theirs);
                    let changed = merged != *ours;
                    *ours = merged;
                    changed
                });
            }
        }
        let json = match self.workspace.with_untracked(serde_json::to_string) {
            Ok(json) => pack(&json),
            Err(e) => {
                self.set_problem(Some(SaveProblem::Other(e.to_string())));
                return;
            }
        };
        let revision = new_revision();
        let written = storage
            .set_item(WORKSPACE_KEY, &json)
            .and_then(|()| storage.set_item(REVISION_KEY, &revision));
        match written {
            Ok(()) => {
                self.revision.set_value(Some(revision));
                self.set_problem(None);
            }
            Err(e) if is_quota_error(&e) => self.set_problem(Some(SaveProblem::QuotaExceeded)),
            Err(e) => self.set_problem(Some(SaveProblem::Other(
                e.as_string().unwrap_or_else(|| format!("{e:?}")),
            ))),
        }
    }

    fn set_problem(&self, problem: Option<SaveProblem>) {
        if self.problem.get_untracked() != problem {
            self.problem.set(problem);
        }
    }

    /// Another tab saved: merge its data into ours.
    fn take_in_other_tab(&self, new_value: Option<String>) {
        if !self.enabled.get_untracked() {
            return;
        }
        let Some(theirs) = new_value.as_deref().and_then(read_stored) else {
            return;
        };
        let mut ours_differs = false;
        self.workspace.maybe_update(|ours| {
            let (merged, _) = merge(ours, &theirs);
            ours_differs = merged != theirs;
            let changed = merged != *ours;
            *ours = merged;
            changed
        });
        self.revision.set_value(get(REVISION_KEY));
        // Our own unsaved changes are still pending; anything else is saved.
        if ours_differs && !self.is_pending() {
            self.schedule();
        }
    }
}
