//! Small shared pieces: toasts with undo, the screen-reader announcer, the
//! storage status banner, modal dialogs and the salespeople to choose from.

use std::sync::Arc;
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;

use super::i18n::*;
use super::{use_app, AppState};
use crate::domain::Id;
use crate::storage::SaveProblem;

/// How long a toast (and its undo) stays.
pub const TOAST_FOR: Duration = Duration::from_secs(8);

/// What a toast's button does. Plain shared closures rather than reactive
/// callbacks: a toast outlives the screen that raised it (deleting a deal
/// leaves its page), and its action must still work.
pub type ToastAction = Arc<dyn Fn() + Send + Sync>;

/// A short message, optionally with one action button (such as "Undo").
#[derive(Clone)]
pub struct Toast {
    id: u64,
    message: String,
    action: Option<(String, ToastAction)>,
}

/// The toasts on screen.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// No toasts yet.
    pub fn new() -> Self {
        Toasts {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// Shows `message` for a few seconds.
    pub fn show(&self, message: String) {
        self.push(message, None);
    }

    /// Shows `message` with a button `label` that runs `action`.
    pub fn show_with(
        &self,
        message: String,
        label: String,
        action: impl Fn() + Send + Sync + 'static,
    ) {
        self.push(message, Some((label, Arc::new(action))));
    }

    fn push(&self, message: String, action: Option<(String, ToastAction)>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| {
            l.push(Toast {
                id,
                message,
                action,
            })
        });
        let list = self.list;
        set_timeout(move || list.update(|l| l.retain(|t| t.id != id)), TOAST_FOR);
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

/// Where toasts appear.
#[component]
pub fn ToastHost() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_app().toasts;
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let(toast)>
                <div class="toast">
                    <span>{toast.message.clone()}</span>
                    {toast.action.map(|(label, action)| {
                        let id = toast.id;
                        view! {
                            <button
                                class="link-button"
                                on:click=move |_| {
                                    toasts.dismiss(id);
                                    action();
                                }
                            >
                                {label}
                            </button>
                        }
                    })}
                    <button
                        class="icon-button"
                        aria-label=move || t_string!(i18n, common.dismiss)
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

/// Reads out what keyboard actions did.
#[component]
pub fn Announcer() -> impl IntoView {
    let state = use_app();
    view! {
        <div class="sr-only" role="status" aria-live="assertive">
            {move || state.announcement.get()}
        </div>
    }
}

/// A banner that stays while changes cannot be saved.
#[component]
pub fn StatusBanner() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let autosave = state.autosave;
    view! {
        {move || {
            autosave
                .read_only
                .get()
                .map(|why| {
                    view! {
                        <div class="banner banner-warning" role="alert">
                            <strong>{t!(i18n, status.read_only_title)}</strong>
                            " "
                            <span>{why}</span>
                        </div>
                    }
                })
        }}
        {move || {
            autosave
                .problem
                .get()
                .map(|problem| {
                    // Copies kept aside are the one thing the user can delete
                    // here without losing anything they work with.
                    let kept: usize = if problem == SaveProblem::QuotaExceeded {
                        crate::storage::kept_copies().iter().map(|(_, chars)| chars).sum()
                    } else {
                        0
                    };
                    let text = match problem {
                        SaveProblem::QuotaExceeded => t_string!(i18n, status.quota).to_string(),
                        SaveProblem::Unavailable => t_string!(i18n, status.unavailable).to_string(),
                        SaveProblem::Other(e) => {
                            tf!(i18n, status.save_failed, error = e).to_string()
                        }
                    };
                    let size = crate::storage::stored_kib(kept);
                    view! {
                        <div class="banner banner-danger" role="alert">
                            {text}
                            " "
                            <button
                                type="button"
                                class="banner-action"
                                on:click=move |_| super::data::export_everything(state)
                            >
                                {t!(i18n, status.export_now)}
                            </button>
                            {(kept > 0)
                                .then(|| {
                                    view! {
                                        " "
                                        <a href="#/data">
                                            {tf!(i18n, status.quota_kept, size = size).to_string()}
                                        </a>
                                    }
                                })}
                        </div>
                    }
                })
        }}
    }
}

/// A modal dialog (the browser's own `<dialog>`: focus stays inside, Escape closes).
#[component]
pub fn Modal(
    /// Whether the dialog is open.
    #[prop(into)]
    open: Signal<bool>,
    /// Called when the user closes it (Escape or the close button).
    on_close: Callback<()>,
    /// The heading.
    #[prop(into)]
    title: Signal<String>,
    /// The content, built each time the dialog opens.
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = NodeRef::<html::Dialog>::new();
    let title_id = format!("dialog-{}", uuid::Uuid::new_v4().simple());
    let labelled_by = title_id.clone();
    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        if open.get() {
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            aria-labelledby=labelled_by
            on:close=move |_| {
                if open.get_untracked() {
                    on_close.run(());
                }
            }
        >
            <div class="modal-head">
                <h2 id=title_id>{move || title.get()}</h2>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=move || t_string!(i18n, common.close)
                    on:click=move |_| on_close.run(())
                >
                    "×"
                </button>
            </div>
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}

/// What an edit form shows under its fields.
pub struct FormStatus {
    /// "Saved."
    pub saved: RwSignal<bool>,
    /// The record changed elsewhere and the form took it in.
    pub changed_elsewhere: RwSignal<bool>,
}

/// Keeps an open edit form in step with its record when the record changes
/// elsewhere (another tab saved it). `current` reads the record's fields
/// now; `base` holds those the form was filled from. When they differ,
/// `take_in(base, now)` shows `now` in the fields the user has not changed;
/// it returns `false` when the form cannot read its own fields yet (it tries
/// again at the next change, and saving puts the edits on top anyway).
/// Then `base` becomes `now`, and the status says so.
pub fn follow_record<T>(
    current: impl Fn() -> Option<T> + 'static,
    base: StoredValue<T>,
    status: FormStatus,
    take_in: impl Fn(&T, &T) -> bool + 'static,
) where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Effect::new(move |_| {
        let Some(now) = current() else {
            return;
        };
        if base.with_value(|b| *b == now) {
            return;
        }
        if take_in(&base.get_value(), &now) {
            base.set_value(now);
            status.saved.set(false);
            status.changed_elsewhere.set(true);
        }
    });
}

/// Keeps `field` showing `stored` as it changes elsewhere, while the user
/// has not changed it: a field still holding the value it was filled from
/// takes the new one, and one the user typed in keeps what was typed.
pub fn follow_stored<T>(stored: impl Fn() -> T + 'static, field: RwSignal<T>)
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Effect::new(move |was: Option<T>| {
        let now = stored();
        if let Some(was) = was {
            if was != now && field.with_untracked(|f| *f == was) {
                field.set(now.clone());
            }
        }
        now
    });
}

/// Salespeople as (id, name), in the order they were added, for a select.
pub fn salesperson_options(state: AppState) -> Vec<(Id, String)> {
    state.workspace.with(|ws| {
        ws.salespeople
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect()
    })
}
