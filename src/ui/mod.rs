//! The screens. Components read the one workspace signal from the app
//! state ([`state`]) and change it only through its methods.

mod agenda;
mod board;
mod client_picker;
mod clients;
mod dashboard;
pub(crate) mod data;
mod deal;
mod deal_tasks;
pub mod display;
mod drafts;
pub mod i18n;
mod labels;
mod lost_dialog;
mod needle;
mod new_deal;
mod paged;
mod settings;
mod state;
mod suggestions;
mod welcome;
mod widgets;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::format::FormatError;
use crate::domain::{Id, StagePreset, Workspace};
use crate::storage::{self, Loaded};
use i18n::*;
use widgets::{Announcer, ToastHost};

pub use state::{AppState, ApplyError, ImportRefused, TakeIn};

/// A screen of the app, kept in the URL's `#` part so that reload and the
/// back button work on any static host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The pipeline board.
    Board,
    /// One deal.
    Deal(Id),
    /// The clients list.
    Clients,
    /// One client.
    Client(Id),
    /// Overdue, today's and upcoming tasks.
    Agenda,
    /// Stages, pipelines, salespeople, currency.
    Settings,
    /// Export and import.
    Data,
    /// Conversion dashboards, with their filters.
    Dashboard(dashboard::DashboardQuery),
}

impl Route {
    /// Reads a route from a location hash such as `#/deal/…`.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut parts = path.splitn(2, '/');
        match (parts.next(), parts.next()) {
            (Some("deal"), Some(id)) => Uuid::parse_str(id).map_or(Route::Board, Route::Deal),
            (Some("client"), Some(id)) => Uuid::parse_str(id).map_or(Route::Clients, Route::Client),
            (Some("clients"), _) => Route::Clients,
            (Some("agenda"), _) => Route::Agenda,
            (Some("settings"), _) => Route::Settings,
            (Some("data"), _) => Route::Data,
            (Some("dashboard"), _) => Route::Dashboard(dashboard::DashboardQuery::parse(query)),
            _ => Route::Board,
        }
    }

    /// The hash for this route.
    pub fn hash(&self) -> String {
        match self {
            Route::Board => "#/board".to_string(),
            Route::Deal(id) => format!("#/deal/{id}"),
            Route::Clients => "#/clients".to_string(),
            Route::Client(id) => format!("#/client/{id}"),
            Route::Agenda => "#/agenda".to_string(),
            Route::Settings => "#/settings".to_string(),
            Route::Data => "#/data".to_string(),
            Route::Dashboard(q) => format!("#/dashboard?{}", q.to_query()),
        }
    }
}

/// Brings the first form message that says why an edit was not saved into
/// view and gives it the focus, for the user who chose to stay and fix it:
/// on a long form it may be far from where the user is looking.
fn show_first_form_error() {
    use wasm_bindgen::JsCast;
    let error = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".form-error").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(error) = error {
        error.set_tab_index(-1);
        error.scroll_into_view();
        let _ = error.focus();
    }
}

/// The shared state, from any component.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The current time from the browser clock (Playwright's clock can move it).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Runs `f` in the first task after the next frame is painted: for work
/// whose result need not be in the frame that shows a change.
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// A value kept up to date after the frame that follows a change, instead
/// of before it: `track` reads what it depends on, `compute` works it out
/// (untracked). For what is shown beside the change rather than in it: the
/// header's overdue badge walks every task, and a move on a large board
/// should not wait for that. With an `initial` value the first frame shows
/// it; without, the value starts as its default and is worked out after it.
pub fn computed_after_paint<T: Default + PartialEq + Send + Sync + 'static>(
    initial: Option<T>,
    track: impl Fn() + 'static,
    compute: impl Fn() -> T + Clone + 'static,
) -> ReadSignal<T> {
    let given = initial.is_some();
    let refresh = move |value: &mut T| {
        let next = compute();
        let changed = *value != next;
        if changed {
            *value = next;
        }
        changed
    };
    updated_after_paint(initial.unwrap_or_default(), given, track, refresh)
}

/// Like [`computed_after_paint`], for a value brought up to date in place:
/// `refresh` updates it and says whether it changed. With `shown`, the
/// first frame shows `value` as given.
pub fn updated_after_paint<T: Send + Sync + 'static>(
    value: T,
    shown: bool,
    track: impl Fn() + 'static,
    refresh: impl Fn(&mut T) -> bool + Clone + 'static,
) -> ReadSignal<T> {
    let (value, set_value) = signal(value);
    let pending = StoredValue::new(false);
    Effect::new(move |ran: Option<()>| {
        track();
        if (ran.is_none() && shown) || pending.get_value() {
            return;
        }
        pending.set_value(true);
        let refresh = refresh.clone();
        after_next_paint(move || {
            // A screen left meanwhile has nothing to update.
            if pending.try_set_value(false).is_some() {
                return;
            }
            set_value.try_maybe_update(|v| (refresh(v), ()));
        });
    });
    value
}

/// Mounts the application on the page body.
pub fn mount() {
    // The benchmark splits the cold load at this mark: before it, fetching
    // and instantiating the app; after it, the app's own work.
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("app-start");
    }
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        view! {
            <I18nContextProvider>
                <App />
            </I18nContextProvider>
        }
    });
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[component]
fn App() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(locale) = storage::load_locale().and_then(|l| l.parse::<Locale>().ok()) {
        // After the provider's own first effect, which starts from the
        // browser's languages.
        Effect::new(move |_| i18n.set_locale(locale));
    }
    let owner_name = tu_string!(i18n, settings.default_owner).to_string();
    let loaded = storage::load(now(), &owner_name, Uuid::new_v4);
    let mut newer_version = None;
    let mut stored = storage::Stored::new();
    let mut healed = 0;
    let (initial, ready, problem) = match loaded {
        Loaded::Workspace(mut ws, found) => {
            stored = found;
            healed = ws.heal(Some(now()));
            (ws, true, None)
        }
        Loaded::Empty => (placeholder_workspace(), false, None),
        Loaded::Newer {
            found,
            workspace: Some(ws),
        } => {
            newer_version = Some(found);
            (ws, true, None)
        }
        Loaded::Newer {
            found,
            workspace: None,
        } => (
            placeholder_workspace(),
            false,
            Some(FormatError::TooNew { found }),
        ),
        Loaded::Unreadable(e) => (placeholder_workspace(), false, Some(e)),
    };
    let state = AppState::new(initial, ready, stored, i18n, Route::parse(&current_hash()));
    provide_context(state);
    if let Some(found) = newer_version {
        // Never overwrite data from a newer version: show it, change nothing.
        state
            .autosave
            .read_only
            .set(Some(tf!(i18n, status.read_only_newer, found = found)));
    }
    if healed > 0 {
        state.autosave.schedule();
        state
            .toasts
            .show(tf!(i18n, status.healed, count = healed).to_string());
    }
    let problem = StoredValue::new(problem);

    let _ = set_interval_with_handle(
        move || state.now.set(now()),
        std::time::Duration::from_secs(30),
    );
    let _ = window_event_listener(leptos::ev::hashchange, move |ev| {
        let route = Route::parse(&current_hash());
        if route == state.route.get_untracked() {
            return;
        }
        if !state.may_leave() {
            // Back to the address of the screen that stays, in place of the
            // one the link or the back button went to.
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&ev.old_url());
            }
            return;
        }
        state.route.set(route);
    });
    // A tab hidden or closed without a prompt (a phone switching apps, a
    // browser that skips `beforeunload`): forms save what they can, then
    // the autosave writes it.
    let settle_and_save = move || {
        let _ = state.drafts.settle_all();
        state.autosave.flush_on_hide();
    };
    let _ = window_event_listener(leptos::ev::pagehide, move |_| settle_and_save());
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if storage::page_hidden() {
            settle_and_save();
        }
    });
    // Closing or reloading the tab: the browser asks while anything typed
    // or changed is not saved (storage full, or a form that cannot save).
    let _ = window_event_listener(leptos::ev::beforeunload, move |ev| {
        let unsaved_forms = !state.drafts.settle_all().is_empty();
        state.autosave.flush_on_hide();
        if unsaved_forms || state.autosave.has_unsaved() {
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    agenda::announce_due_tasks(state, i18n);

    view! {
        <a class="skip-link" href="#main">{t!(i18n, nav.skip)}</a>
        <Header />
        <main id="main" tabindex="-1">
            {move || {
                if !state.ready.get() {
                    return match problem.get_value() {
                        Some(p) => view! { <data::Recovery problem=p /> }.into_any(),
                        None => view! { <welcome::Welcome /> }.into_any(),
                    };
                }
                match state.route.get() {
                    Route::Board => view! { <board::Board /> }.into_any(),
                    Route::Deal(id) => view! { <deal::DealPage id /> }.into_any(),
                    Route::Clients => view! { <clients::Clients /> }.into_any(),
                    Route::Client(id) => view! { <clients::ClientPage id /> }.into_any(),
                    Route::Agenda => view! { <agenda::AgendaPage /> }.into_any(),
                    Route::Settings => view! { <settings::Settings /> }.into_any(),
                    Route::Data => view! { <data::DataPage /> }.into_any(),
                    Route::Dashboard(query) => view! { <dashboard::DashboardPage query /> }.into_any(),
                }
            }}
        </main>
        <ToastHost />
        <Announcer />
    }
}

/// Stands in until the first-run choice; never saved.
fn placeholder_workspace() -> Workspace {
    Workspace::new(
        StagePreset::ClassicFunnel,
        "EUR",
        "",
        DateTime::default(),
        Uuid::nil,
    )
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let current = move |r: Route| {
        move || {
            let route = state.route.get();
            let active = match (&r, &route) {
                (Route::Board, Route::Deal(_))
                | (Route::Clients, Route::Client(_))
                | (Route::Dashboard(_), Route::Dashboard(_)) => true,
                _ => r == route,
            };
            active.then_some("page")
        }
    };
    let overdue = computed_after_paint(
        None,
        move || {
            state.workspace.track();
            state.now.track();
        },
        move || {
            let now = state.now.get_untracked();
            state
                .workspace
                .with_untracked(|ws| crate::domain::agenda::overdue_count(ws, now))
        },
    );
    let on_locale = move |ev| {
        let value = event_target_value(&ev);
        if let Ok(locale) = value.parse::<Locale>() {
            i18n.set_locale(locale);
            storage::save_locale(&value);
        }
    };
    view! {
        <header class="app-header">
            <h1 class="app-name">{t!(i18n, app_name)}</h1>
            <nav aria-label=move || t_string!(i18n, nav.label)>
                <ul class="nav">
                    <Show when=move || state.ready.get()>
                        <li>
                            <a href="#/board" aria-current=current(Route::Board)>
                                {t!(i18n, nav.board)}
                            </a>
                        </li>
                        <li>
                            <a href="#/clients" aria-current=current(Route::Clients)>
                                {t!(i18n, nav.clients)}
                            </a>
                        </li>
                        <li>
                            <a href="#/agenda" aria-current=current(Route::Agenda)>
                                {t!(i18n, nav.agenda)}
                                <Show when=move || { overdue.get() > 0 }>
                                    <span class="badge overdue-count">
                                        {move || tf!(i18n, nav.overdue, count = overdue.get())}
                                    </span>
                                </Show>
                            </a>
                        </li>
                        <li>
                            <a href="#/dashboard" aria-current=current(Route::Dashboard(Default::default()))>
                                {t!(i18n, nav.dashboard)}
                            </a>
                        </li>
                        <li>
                            <a href="#/settings" aria-current=current(Route::Settings)>
                                {t!(i18n, nav.settings)}
                            </a>
                        </li>
                        <li>
                            <a href="#/data" aria-current=current(Route::Data)>
                                {t!(i18n, nav.data)}
                            </a>
                        </li>
                    </Show>
                </ul>
            </nav>
            <label class="locale">
                <span>{t!(i18n, nav.language)}</span>
                <select on:change=on_locale prop:value=move || i18n.get_locale().to_string()>
                    <option value="en">"English"</option>
                    <option value="pl">"Polski"</option>
                </select>
            </label>
        </header>
        <widgets::StatusBanner />
    }
}
