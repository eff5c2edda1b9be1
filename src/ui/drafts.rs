//! Edits not saved yet. A form that holds what the user typed registers
//! here for as long as it is on screen. Before the screen changes (a link,
//! the back button, a change made by the app itself) and before the tab
//! closes, every registered form saves what it can; the user is asked before
//! leaving edits that could not be saved (a field that does not read, or a
//! new record not added yet), and nothing is lost silently.

use std::sync::Arc;

use leptos::prelude::*;

use super::{labels, AppState};
use crate::domain::{Command, Workspace};

/// What a form does when the page is about to be left: saves what it holds,
/// or says in the user's words what it could not save.
type Settle = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

/// The forms on screen that hold edits.
#[derive(Clone, Copy)]
pub struct Drafts {
    list: StoredValue<Vec<(u64, Settle)>>,
    next: StoredValue<u64>,
}

impl Drafts {
    /// No forms yet.
    pub fn new() -> Self {
        Drafts {
            list: StoredValue::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// Registers a form for as long as the calling component lives.
    /// `settle` saves what the form holds (doing nothing when it holds no
    /// change) and returns what it could not save.
    pub fn register(&self, settle: impl Fn() -> Result<(), String> + Send + Sync + 'static) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list
            .update_value(|l| l.push((id, Arc::new(settle) as Settle)));
        let list = self.list;
        on_cleanup(move || {
            list.try_update_value(|l| l.retain(|(i, _)| *i != id));
        });
    }

    /// Registers a form for a record not added yet: `typed` says what the
    /// user typed into it, if anything, which leaving would lose.
    pub fn register_new(&self, typed: impl Fn() -> Option<String> + Send + Sync + 'static) {
        self.register(move || typed().map_or(Ok(()), Err));
    }

    /// Lets every form save what it holds; what could not be saved, one
    /// line each.
    pub fn settle_all(&self) -> Vec<String> {
        // Copied out first: saving changes the workspace, and a form that
        // reacts by registering again must find the list free.
        let all: Vec<Settle> = self
            .list
            .with_value(|l| l.iter().map(|(_, s)| Arc::clone(s)).collect());
        all.iter().filter_map(|settle| settle().err()).collect()
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Self::new()
    }
}

/// What a record's form shows about its saving: the message when an edit
/// cannot be saved, "saved", a note that another tab changed the record, and
/// the stored fields its edits are made against.
pub struct FormMarks<I: Send + Sync + 'static> {
    pub error: RwSignal<Option<String>>,
    pub saved: RwSignal<bool>,
    pub changed_elsewhere: RwSignal<bool>,
    pub base: StoredValue<I>,
}

impl<I: Send + Sync + 'static> Clone for FormMarks<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: Send + Sync + 'static> Copy for FormMarks<I> {}

/// Saves a record's form: `input` (the fields as edited) unless it is the
/// record as stored `now`, through the command `edit` makes of it. When it
/// is applied the form shows the record as stored (`stored` reads it back,
/// in its canonical form) and takes it as its base; when it is refused the
/// form says why, and the message is returned for the question asked
/// before leaving.
pub fn save_form<I: PartialEq + Send + Sync + 'static>(
    state: AppState,
    marks: FormMarks<I>,
    (input, now): (I, I),
    edit: impl FnOnce(I) -> Command,
    stored: impl FnOnce(&Workspace) -> Option<I>,
    fill: impl FnOnce(&I),
) -> Result<(), String> {
    if input == now {
        marks.error.set(None);
        return Ok(());
    }
    match state.apply(edit(input)) {
        Ok(()) => {
            marks.error.set(None);
            marks.saved.set(true);
            marks.changed_elsewhere.set(false);
            if let Some(stored) = state.workspace.with_untracked(stored) {
                fill(&stored);
                marks.base.set_value(stored);
            }
            Ok(())
        }
        Err(e) => {
            let message = labels::apply_error(state.i18n, &e);
            marks.saved.set(false);
            marks.error.set(Some(message.clone()));
            Err(message)
        }
    }
}
