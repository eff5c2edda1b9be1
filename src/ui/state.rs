//! The app state: the one workspace and what the screens share. The
//! workspace's signal is written here only (the screens get it to read):
//! each writer applies the read-only guard and has the change saved, so a
//! new screen cannot change data that is then not saved, or change it while
//! data from a newer version is open.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::drafts::Drafts;
use super::i18n::*;
use super::labels;
use super::widgets::Toasts;
use super::{now, show_first_form_error, Route};
use crate::domain::exchange::{
    import_file, merge, ImportError, ImportFile, ImportMode, MergeReport,
};
use crate::domain::{Command, DomainError, Id, Workspace};
use crate::storage::{Autosave, Stored};

/// Why a change was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// The domain refused it.
    Domain(DomainError),
    /// The app is read-only (data from a newer version is open).
    ReadOnly,
}

impl From<DomainError> for ApplyError {
    fn from(e: DomainError) -> Self {
        ApplyError::Domain(e)
    }
}

/// Everything the screens share, provided once at the root.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The whole dataset, to read: the methods below are its only writers.
    pub workspace: ReadSignal<Workspace>,
    write: WriteSignal<Workspace>,
    /// False until the user picked a preset on the first run (or imported).
    pub ready: ReadSignal<bool>,
    set_ready: WriteSignal<bool>,
    /// The current time, refreshed every half minute so overdue marks update.
    pub now: RwSignal<DateTime<Utc>>,
    /// The screen shown.
    pub route: RwSignal<Route>,
    /// Saving, quota and read-only state.
    pub autosave: Autosave,
    /// Short messages with an optional undo.
    pub toasts: Toasts,
    /// Forms on screen holding edits, saved or asked about before leaving.
    pub drafts: Drafts,
    /// The reader's language, for what the app asks outside any screen.
    pub i18n: I18n,
    /// Text read out by screen readers after keyboard actions.
    pub announcement: RwSignal<String>,
    /// The board's salesperson filter, kept while visiting other screens.
    pub board_owner: RwSignal<Option<Id>>,
    /// The board's search text, kept while visiting other screens.
    pub board_search: RwSignal<String>,
}

impl AppState {
    /// The state of an app that loaded `workspace`; `ready` when it holds
    /// the user's data (not the placeholder shown before the first run);
    /// `stored` is what storage holds of it.
    pub fn new(
        workspace: Workspace,
        ready: bool,
        stored: Stored,
        i18n: I18n,
        route: Route,
    ) -> Self {
        let (workspace, write) = signal(workspace);
        let (ready, set_ready) = signal(ready);
        AppState {
            workspace,
            write,
            ready,
            set_ready,
            now: RwSignal::new(now()),
            route: RwSignal::new(route),
            autosave: Autosave::new(workspace, TakeIn(write), ready, stored),
            toasts: Toasts::new(),
            drafts: Drafts::new(),
            i18n,
            announcement: RwSignal::new(String::new()),
            board_owner: RwSignal::new(None),
            board_search: RwSignal::new(String::new()),
        }
    }

    /// Applies `command` now; on success the workspace is saved soon.
    pub fn apply(&self, command: Command) -> Result<(), ApplyError> {
        self.apply_all(vec![command])
    }

    /// Applies several commands as one change, all or none.
    pub fn apply_all(&self, commands: Vec<Command>) -> Result<(), ApplyError> {
        if self.autosave.read_only.get_untracked().is_some() {
            return Err(ApplyError::ReadOnly);
        }
        let at = now();
        let mut result = Ok(());
        self.write.maybe_update(|ws| {
            result = if commands.len() == 1 {
                commands.into_iter().try_for_each(|c| ws.apply(c, at))
            } else {
                ws.apply_all(commands, at)
            };
            result.is_ok()
        });
        self.now.set(at);
        if result.is_ok() {
            self.autosave.schedule();
        }
        result.map_err(ApplyError::from)
    }

    /// Applies `command`; a refusal is shown as a message in the user's
    /// words. Says whether it was applied.
    pub fn try_apply(&self, command: Command) -> bool {
        self.try_apply_all(vec![command])
    }

    /// Applies several commands as one change, all or none; a refusal is
    /// shown as a message. Says whether they were applied.
    pub fn try_apply_all(&self, commands: Vec<Command>) -> bool {
        match self.apply_all(commands) {
            Ok(()) => true,
            Err(e) => {
                self.toasts.show(labels::apply_error(self.i18n, &e));
                false
            }
        }
    }

    /// Imports a file read and checked before, all or nothing; the result
    /// is saved at once.
    pub fn import_file(
        &self,
        file: &ImportFile,
        mode: ImportMode,
    ) -> Result<MergeReport, ImportRefused> {
        if self.autosave.read_only.get_untracked().is_some() {
            return Err(ImportRefused::ReadOnly);
        }
        let mut result = Err(ImportError::NotOurFile);
        let ready = self.ready.get_untracked();
        self.write.maybe_update(|ws| {
            // Before the first run there is nothing of the user's to merge into.
            let mode = if ready { mode } else { ImportMode::Replace };
            result = import_file(ws, file, mode);
            result.is_ok()
        });
        if result.is_ok() {
            self.set_ready.set(true);
            self.autosave.save_now();
        }
        result.map_err(ImportRefused::File)
    }

    /// Starts the first run with `workspace` (made from a preset, or the
    /// demo), saved at once, and shows the board.
    pub fn start_with(&self, workspace: Workspace) {
        self.write.set(workspace);
        self.set_ready.set(true);
        self.autosave.save_now();
        self.navigate(Route::Board);
    }

    /// Whether the screen may change: every form saves what it holds, and
    /// the user is asked before edits that could not be saved are left.
    pub fn may_leave(&self) -> bool {
        let unsaved = self.drafts.settle_all();
        if unsaved.is_empty() {
            return true;
        }
        let i18n = self.i18n;
        let question = tf!(
            i18n,
            nav.leave_unsaved,
            edits = unsaved
                .iter()
                .map(|line| format!("• {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let leave = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(true);
        if !leave {
            show_first_form_error();
        }
        leave
    }

    /// Shows another screen, once the screen shown may be left.
    pub fn navigate(&self, route: Route) {
        if route != self.route.get_untracked() && !self.may_leave() {
            return;
        }
        let hash = route.hash();
        self.route.set(route);
        if let Some(window) = web_sys::window() {
            if window.location().hash().ok().as_deref() != Some(hash.as_str()) {
                let _ = window.location().set_hash(&hash);
            }
        }
    }

    /// Says `text` to screen-reader users.
    pub fn announce(&self, text: String) {
        self.announcement.set(text);
    }
}

/// Why a checked file was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportRefused {
    /// The app is read-only (data from a newer version is open).
    ReadOnly,
    /// The file cannot be taken in.
    File(ImportError),
}

/// The one change storage makes to the workspace: taking in what another
/// tab saved. Only the app state makes one, so storage can merge records in
/// and do nothing else to them.
#[derive(Clone, Copy)]
pub struct TakeIn(WriteSignal<Workspace>);

impl TakeIn {
    /// Merges `theirs` into our workspace; says whether ours changed.
    pub fn merge(&self, theirs: &Workspace) -> bool {
        let mut changed = false;
        self.0.maybe_update(|ours| {
            let (merged, _) = merge(ours, theirs);
            changed = merged != *ours;
            if changed {
                *ours = merged;
            }
            changed
        });
        changed
    }
}
