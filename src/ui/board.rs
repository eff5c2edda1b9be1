use leptos::prelude::*;

use super::AppState;
use crate::domain::{parse_amount, Command, DealInput, Money, Stage};

/// The pipeline board: one column per stage, and a form to add a deal.
#[component]
pub fn Board() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stages = Memo::new(move |_| {
        state
            .workspace
            .with(|ws| ws.current_pipeline().map(|p| p.stages.clone()))
            .unwrap_or_default()
    });

    view! {
        <AddDealForm />
        <section class="board" aria-label="Pipeline board">
            <For each=move || stages.get() key=|stage| stage.id let:stage>
                <Column stage />
            </For>
        </section>
    }
}

#[component]
fn Column(stage: Stage) -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage_id = stage.id;
    let deals = move || {
        state
            .workspace
            .with(|ws| ws.deals_in_stage(stage_id).cloned().collect::<Vec<_>>())
    };
    let heading_id = format!("stage-{stage_id}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="column" aria-labelledby=labelled_by>
            <h2 id=heading_id>{stage.name.clone()}</h2>
            <ul class="cards" aria-label=stage.name.clone()>
                <For each=deals key=|deal| deal.id let:deal>
                    <li class="card">
                        <span class="card-title">{deal.title.clone()}</span>
                        <span class="card-value">{deal.value.to_string()}</span>
                    </li>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn AddDealForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value_minor = match parse_amount(&value.get_untracked()) {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        let (owner_id, currency) = state.workspace.with_untracked(|ws| {
            (
                ws.salespeople.first().map(|s| s.id).unwrap_or_default(),
                ws.settings.currency.clone(),
            )
        });
        let command = Command::CreateDeal {
            id: uuid::Uuid::new_v4(),
            stage_id: None,
            input: DealInput::new(
                &title.get_untracked(),
                owner_id,
                Money {
                    minor: value_minor,
                    currency,
                },
            ),
        };
        match state.apply(command) {
            Ok(()) => {
                title.set(String::new());
                value.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    view! {
        <form class="add-deal" on:submit=on_submit aria-label="Add a deal">
            <label>
                "Title" <input type="text" name="title" bind:value=title />
            </label>
            <label>
                "Value" <input type="text" inputmode="decimal" name="value" bind:value=value />
            </label>
            <button type="submit">"Add deal"</button>
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
