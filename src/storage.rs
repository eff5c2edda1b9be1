//! The only module that touches localStorage: loading (with migration and
//! corruption handling) and autosaving the workspace.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::format::{declared_version, read_workspace, FormatError};
use crate::domain::{Id, Workspace};

/// The localStorage key holding the workspace.
pub const WORKSPACE_KEY: &str = "pipeline-crm.workspace";
/// The key holding the chosen language.
pub const LOCALE_KEY: &str = "pipeline-crm.locale";
/// The key under which unreadable data is kept.
pub const UNREADABLE_KEY: &str = "pipeline-crm.workspace.unreadable";

/// How long after a change the save happens; changes in between are saved together.
const SAVE_DELAY: Duration = Duration::from_millis(300);

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
    /// Something that could not be read; the raw text is kept under [`UNREADABLE_KEY`].
    Unreadable(FormatError),
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Reads the stored workspace; an older version is migrated and the data as
/// it was is kept under [`pre_migration_key`].
pub fn load(now: DateTime<Utc>, owner: &str, ids: impl FnMut() -> Id) -> Loaded {
    let Some(raw) = storage().and_then(|s| s.get_item(WORKSPACE_KEY).ok().flatten()) else {
        return Loaded::Empty;
    };
    let value: serde_json::Value = match serde_json::from_str(&raw) {
        Ok(v) => v,
        Err(e) => {
            let _ = LocalStorage::raw().set_item(UNREADABLE_KEY, &raw);
            return Loaded::Unreadable(FormatError::NotJson(e.to_string()));
        }
    };
    let version = declared_version(&value).unwrap_or(0);
    match read_workspace(value, now, owner, ids) {
        Ok((workspace, migrated)) => {
            if migrated {
                let _ = LocalStorage::raw().set_item(&pre_migration_key(version), &raw);
            }
            Loaded::Workspace(workspace)
        }
        Err(e) => {
            let _ = LocalStorage::raw().set_item(UNREADABLE_KEY, &raw);
            Loaded::Unreadable(e)
        }
    }
}

/// The language the user chose, if any.
pub fn load_locale() -> Option<String> {
    storage().and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
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

/// Writes the workspace now.
pub fn save(workspace: &Workspace) -> Result<(), SaveProblem> {
    let storage = storage().ok_or(SaveProblem::Unavailable)?;
    let json = serde_json::to_string(workspace).map_err(|e| SaveProblem::Other(e.to_string()))?;
    storage.set_item(WORKSPACE_KEY, &json).map_err(|e| {
        if is_quota_error(&e) {
            SaveProblem::QuotaExceeded
        } else {
            SaveProblem::Other(format!("{e:?}"))
        }
    })
}

/// Saves the workspace shortly after each change, and at once when the page
/// is hidden or closed, so a pending change is never lost.
#[derive(Clone, Copy)]
pub struct Autosave {
    workspace: RwSignal<Workspace>,
    enabled: RwSignal<bool>,
    pending: StoredValue<Option<TimeoutHandle>>,
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
            problem: RwSignal::new(if storage().is_some() {
                None
            } else {
                Some(SaveProblem::Unavailable)
            }),
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
        autosave
    }

    /// Asks for a save soon.
    pub fn schedule(&self) {
        if !self.enabled.get_untracked() || self.read_only.get_untracked().is_some() {
            return;
        }
        let this = *self;
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || this.flush(), SAVE_DELAY).ok();
        self.pending.set_value(handle);
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
        let result = self.workspace.with_untracked(save);
        let problem = result.err();
        if self.problem.get_untracked() != problem {
            self.problem.set(problem);
        }
    }
}
