//! The screens. Components read the one workspace signal from context and
//! change it only through [`crate::domain::Workspace::apply`].

mod board;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::domain::{Command, DomainError, StagePreset, Workspace};
use crate::storage;

/// The one shared workspace, provided once at the root.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The whole dataset.
    pub workspace: RwSignal<Workspace>,
}

impl AppState {
    /// Applies `command` now; on success the workspace is saved.
    pub fn apply(&self, command: Command) -> Result<(), DomainError> {
        let mut result = Ok(());
        self.workspace.maybe_update(|ws| {
            result = ws.apply(command, now());
            result.is_ok()
        });
        result
    }
}

/// The current time from the browser clock (Playwright's clock can move it).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Mounts the application on the page body.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let fresh = || {
        Workspace::new(
            StagePreset::ClassicFunnel,
            "EUR",
            "Me",
            now(),
            uuid::Uuid::new_v4,
        )
    };
    let initial = match storage::load(now(), "Me", uuid::Uuid::new_v4) {
        storage::Loaded::Workspace(ws) => ws,
        storage::Loaded::Empty | storage::Loaded::Unreadable(_) => fresh(),
    };
    let workspace = RwSignal::new(initial);
    provide_context(AppState { workspace });

    // Saving after the first run only: the initial value came from storage.
    Effect::watch(
        move || workspace.track(),
        move |_, _, _| {
            let _ = workspace.with_untracked(storage::save);
        },
        false,
    );

    view! {
        <header class="app-header">
            <h1>"Pipeline"</h1>
        </header>
        <main>
            <board::Board />
        </main>
    }
}
