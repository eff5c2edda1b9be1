//! Closing a deal as lost: the reason and note it records, in a dialog
//! (and the same fields where a stage is removed into a lost one).

use leptos::ev;
use leptos::prelude::*;

use super::i18n::*;
use super::widgets::Modal;
use super::{labels, use_app};
use crate::domain::{Command, Id, LostReasonKind};

/// The reason and note a lost deal records.
#[component]
pub fn LostReasonFields(
    /// The chosen reason's value (see [`labels::lost_reason_value`]).
    reason: RwSignal<String>,
    /// The note.
    note: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {t!(i18n, lost.reason)}
            <select prop:value=move || reason.get() on:change=move |ev| reason.set(event_target_value(&ev))>
                <option value="">{t!(i18n, lost.choose)}</option>
                {LostReasonKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=labels::lost_reason_value(k)>{move || labels::lost_reason(i18n, k)}</option> })
                    .collect_view()}
            </select>
        </label>
        <label>
            {t!(i18n, lost.note)}
            <textarea rows="3" bind:value=note></textarea>
        </label>
    }
}

/// Close a deal as lost: it will not finish without a reason.
#[component]
pub fn LostDialog(
    /// The deal being closed, or `None` while the dialog is shut.
    deal: RwSignal<Option<Id>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = Callback::new(move |_| {
        deal.set(None);
        reason.set(String::new());
        note.set(String::new());
        error.set(None);
    });
    let title = Signal::derive(move || {
        let name = deal
            .get()
            .and_then(|id| {
                state
                    .workspace
                    .with(|ws| ws.deal(id).map(|d| d.title.clone()))
            })
            .unwrap_or_default();
        tf!(i18n, lost.title, title = name).to_string()
    });
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = deal.get_untracked() else {
            return;
        };
        let command = Command::CloseLost {
            id,
            reason: labels::lost_reason_from(&reason.get_untracked()),
            note: note.get_untracked(),
        };
        match state.apply(command) {
            Ok(()) => close.run(()),
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <Modal open=Signal::derive(move || deal.get().is_some()) on_close=close title>
            <form class="lost-form" on:submit=on_submit novalidate>
                <LostReasonFields reason note />
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-buttons">
                    <button type="submit" class="danger">{t!(i18n, lost.confirm)}</button>
                    <button type="button" on:click=move |_| close.run(())>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        </Modal>
    }
}
