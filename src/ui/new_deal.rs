//! Adding a deal: title, value, client, owner and stage; the rest on the
//! deal page.

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::client_picker::ClientPicker;
use super::i18n::*;
use super::widgets::salesperson_options;
use super::widgets::Modal;
use super::{labels, use_app};
use crate::domain::{parse_amount, Command, DealInput, Id, Money, StageKind};

/// Add a deal: title, value, client, owner and stage; the rest on the deal page.
#[component]
pub fn NewDealDialog(
    /// Whether the dialog is open.
    open: RwSignal<bool>,
    /// The client the deal is for, chosen in advance.
    #[prop(optional)]
    client: Option<Id>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let preset_client = client.map(|c| c.to_string()).unwrap_or_default();
    let client = RwSignal::new(preset_client);
    let owner = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Escape and × put the dialog away with what was typed, for the next
    // "New deal"; Cancel and adding the deal empty it.
    let close = Callback::new(move |_| open.set(false));
    let discard = Callback::new(move |_| {
        open.set(false);
        title.set(String::new());
        value.set(String::new());
        error.set(None);
    });
    state.drafts.register_new(move || {
        let typed = title.get_untracked();
        let empty = typed.trim().is_empty() && value.with_untracked(|v| v.trim().is_empty());
        (!empty).then(|| tf!(i18n, nav.draft_new_deal, title = typed))
    });
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let value_minor = match parse_amount(&value.get_untracked()) {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(format!(
                    "{}: {}",
                    t_string!(i18n, deal.value),
                    labels::amount_error(i18n, &e)
                )));
                return;
            }
        };
        let (default_owner, currency) = state.workspace.with_untracked(|ws| {
            (
                ws.salespeople.first().map(|s| s.id).unwrap_or_default(),
                ws.settings.currency.clone(),
            )
        });
        let owner_id = Uuid::parse_str(&owner.get_untracked()).unwrap_or(default_owner);
        let mut input = DealInput::new(
            &title.get_untracked(),
            owner_id,
            Money {
                minor: value_minor,
                currency,
            },
        );
        input.client_id = Uuid::parse_str(&client.get_untracked()).ok();
        let command = Command::CreateDeal {
            id: Uuid::new_v4(),
            stage_id: Uuid::parse_str(&stage.get_untracked()).ok(),
            input,
        };
        match state.apply(command) {
            Ok(()) => {
                let name = title.get_untracked();
                discard.run(());
                state.announce(tf!(i18n, board.added, title = name).to_string());
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    let salespeople = move || salesperson_options(state);
    let stages = move || {
        state.workspace.with(|ws| {
            ws.current_pipeline()
                .map(|p| {
                    p.stages
                        .iter()
                        .filter(|s| s.kind == StageKind::Open)
                        .map(|s| (s.id, s.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Modal open=open on_close=close title=Signal::derive(move || t_string!(i18n, board.new_deal).to_string())>
            <form class="new-deal" on:submit=on_submit novalidate>
                <label>
                    {t!(i18n, deal.title)}
                    <input type="text" bind:value=title autofocus />
                </label>
                <label>
                    {move || format!("{} ({})", t_string!(i18n, deal.value), state.workspace.with(|ws| ws.settings.currency.clone()))}
                    <input type="text" inputmode="decimal" bind:value=value />
                </label>
                <ClientPicker selected=client />
                <label>
                    {t!(i18n, deal.owner)}
                    <select prop:value=move || owner.get() on:change=move |ev| owner.set(event_target_value(&ev))>
                        <For each=salespeople key=|s| s.clone() let((sid, name))>
                            <option value=sid.to_string()>{name}</option>
                        </For>
                    </select>
                </label>
                <label>
                    {t!(i18n, deal.stage)}
                    <select prop:value=move || stage.get() on:change=move |ev| stage.set(event_target_value(&ev))>
                        <For each=stages key=|s| s.clone() let((sid, name))>
                            <option value=sid.to_string()>{name}</option>
                        </For>
                    </select>
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-buttons">
                    <button type="submit" class="primary">{t!(i18n, board.add_deal)}</button>
                    <button type="button" on:click=move |_| discard.run(())>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        </Modal>
    }
}
