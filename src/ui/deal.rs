//! One deal: its fields, stage, final answer, cadence suggestions, tasks and
//! timeline; plus the new-deal and close-as-lost dialogs.

use chrono::{DateTime, Duration, Utc};
use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::client_picker::ClientPicker;
use super::i18n::*;
use super::widgets::{follow_record, FormStatus, Modal};
use super::{format, labels, use_app, AppState, Route};
use crate::domain::rules::{suggestions_for, Suggestion, SuggestionKind};
use crate::domain::sorting;
use crate::domain::{
    parse_amount, Command, Deal, DealInput, Id, LostReasonKind, Money, Outcome, StageKind, Task,
    TaskInput, TaskKind,
};

type I18n = I18nContext<Locale>;

fn show_error(state: AppState, i18n: I18n, e: &super::ApplyError) {
    state.toasts.show(labels::apply_error(i18n, e));
}

/// After a win: point to the post-sale plan when the pipeline has a care stage.
pub fn offer_post_sale(state: AppState, i18n: I18n, deal: Id) {
    let has_post_sale = state.workspace.with_untracked(|ws| {
        ws.deal(deal)
            .and_then(|d| ws.pipeline(d.pipeline_id))
            .is_some_and(|p| p.first_of_kind(StageKind::PostSale).is_some())
    });
    let title = state
        .workspace
        .with_untracked(|ws| ws.deal(deal).map(|d| d.title.clone()))
        .unwrap_or_default();
    if has_post_sale {
        state.toasts.show_with(
            tf!(i18n, deal.won_toast, title = title).to_string(),
            t_string!(i18n, deal.plan_post_sale).to_string(),
            move || state.navigate(Route::Deal(deal)),
        );
    } else {
        state
            .toasts
            .show(tf!(i18n, deal.won_toast_plain, title = title).to_string());
    }
}

/// Deletes a deal and offers to undo it for a few seconds.
fn delete_with_undo(state: AppState, i18n: I18n, id: Id) {
    let Some((deal, tasks)) = state.workspace.with_untracked(|ws| {
        ws.deal(id).map(|d| {
            (
                d.clone(),
                ws.tasks_of_deal(id).cloned().collect::<Vec<Task>>(),
            )
        })
    }) else {
        return;
    };
    let title = deal.title.clone();
    match state.apply(Command::DeleteDeal { id }) {
        Ok(()) => {
            state.navigate(Route::Board);
            state.toasts.show_with(
                tf!(i18n, deal.deleted, title = title).to_string(),
                t_string!(i18n, common.undo).to_string(),
                move || {
                    let restore = Command::RestoreDeal {
                        deal: Box::new(deal.clone()),
                        tasks: tasks.clone(),
                    };
                    if let Err(e) = state.apply(restore) {
                        show_error(state, i18n, &e);
                    }
                },
            );
        }
        Err(e) => show_error(state, i18n, &e),
    }
}

/// The deal screen.
#[component]
pub fn DealPage(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let exists = move || state.workspace.with(|ws| ws.deal(id).is_some());
    view! {
        <Show
            when=exists
            fallback=move || {
                view! {
                    <p class="empty-state">
                        {t!(i18n, deal.missing)} " " <a href="#/board">{t!(i18n, deal.back)}</a>
                    </p>
                }
            }
        >
            <DealView id />
        </Show>
    }
}

#[component]
fn DealView(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let deal = Memo::new(move |_| state.workspace.with(|ws| ws.deal(id).cloned()));
    let lost_for = RwSignal::new(None::<Id>);
    let title = move || deal.with(|d| d.as_ref().map(|d| d.title.clone()).unwrap_or_default());
    let outcome = move || deal.with(|d| d.as_ref().map(|d| d.outcome).unwrap_or_default());
    let stages = move || {
        state.workspace.with(|ws| {
            ws.deal(id)
                .and_then(|d| ws.pipeline(d.pipeline_id))
                .map(|p| {
                    p.stages
                        .iter()
                        .map(|s| (s.id, s.name.clone(), s.kind))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let stage_value = move || {
        deal.with(|d| {
            d.as_ref()
                .map(|d| d.stage_id.to_string())
                .unwrap_or_default()
        })
    };
    let on_stage = move |ev: ev::Event| {
        let Ok(stage_id) = Uuid::parse_str(&event_target_value(&ev)) else {
            return;
        };
        let kind = state
            .workspace
            .with_untracked(|ws| ws.stage(stage_id).map(|(_, s)| s.kind));
        if kind == Some(StageKind::Lost) {
            // Put the selector back until the dialog records a reason.
            deal.with_untracked(|d| {
                if let Some(d) = d {
                    if let Some(select) = ev.target().and_then(|t| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()
                    }) {
                        select.set_value(&d.stage_id.to_string());
                    }
                }
            });
            lost_for.set(Some(id));
            return;
        }
        let was_won = outcome() == Outcome::Won;
        match state.apply(Command::MoveDeal { id, stage_id }) {
            Ok(()) => {
                if kind == Some(StageKind::Won) && !was_won {
                    offer_post_sale(state, i18n, id);
                }
            }
            Err(e) => show_error(state, i18n, &e),
        }
    };
    let close_won = move |_| match state.apply(Command::CloseWon { id }) {
        Ok(()) => offer_post_sale(state, i18n, id),
        Err(e) => show_error(state, i18n, &e),
    };
    let maybe = move |_| {
        if let Err(e) = state.apply(Command::MarkMaybe { id }) {
            show_error(state, i18n, &e);
        }
    };
    let reopen = move |_| {
        if let Err(e) = state.apply(Command::Reopen { id }) {
            show_error(state, i18n, &e);
        }
    };
    let lost_reason = move || {
        deal.with(|d| {
            d.as_ref().and_then(|d| d.lost_reason.clone()).map(|r| {
                let reason = labels::lost_reason(i18n, r.kind);
                if r.note.is_empty() {
                    reason
                } else {
                    format!("{reason}: {}", r.note)
                }
            })
        })
    };

    view! {
        <article class="deal-page" aria-labelledby="deal-title">
            <p>
                <a href="#/board">{t!(i18n, deal.back)}</a>
            </p>
            <header class="deal-head">
                <h2 id="deal-title">{title}</h2>
                <span class=move || format!("badge outcome-{:?}", outcome()).to_lowercase()>
                    {move || labels::outcome(i18n, outcome())}
                </span>
                {move || lost_reason().map(|r| view! { <span class="muted">{r}</span> })}
            </header>
            <div class="deal-actions">
                <label>
                    {t!(i18n, deal.stage)}
                    <select on:change=on_stage prop:value=stage_value>
                        <For each=stages key=|s| s.clone() let((sid, name, _kind))>
                            <option value=sid.to_string()>{name}</option>
                        </For>
                    </select>
                </label>
                <Show
                    when=move || outcome().is_closed()
                    fallback=move || {
                        view! {
                            <button class="won-button" on:click=close_won>{t!(i18n, deal.close_won)}</button>
                            <button class="lost-button" on:click=move |_| lost_for.set(Some(id))>
                                {t!(i18n, deal.close_lost)}
                            </button>
                            <Show when=move || outcome() == Outcome::Open>
                                <button on:click=maybe>{t!(i18n, deal.mark_maybe)}</button>
                            </Show>
                        }
                    }
                >
                    <button on:click=reopen>{t!(i18n, deal.reopen)}</button>
                </Show>
                <button class="danger" on:click=move |_| delete_with_undo(state, i18n, id)>
                    {t!(i18n, deal.delete)}
                </button>
            </div>
            <Suggestions id />
            <div class="deal-columns">
                <DealForm id />
                <div>
                    <Tasks id />
                    <Timeline id />
                </div>
            </div>
            <LostDialog deal=lost_for />
        </article>
    }
}

/// The words for a cadence suggestion.
pub fn suggestion_text(i18n: I18n, s: &Suggestion, stage: &str, owner: &str) -> String {
    let due = format::date_time(s.due);
    match s.kind {
        SuggestionKind::PrepareOffer => tf!(i18n, cadence.offer, due = due).to_string(),
        SuggestionKind::FollowUpOffer => tf!(i18n, cadence.follow_up, due = due).to_string(),
        SuggestionKind::MeetingReminder => {
            tf!(i18n, cadence.meeting_reminder, due = due).to_string()
        }
        SuggestionKind::LetThemBuy => tf!(
            i18n,
            cadence.let_them_buy,
            count = s.follow_ups,
            stage = stage.to_string()
        )
        .to_string(),
        SuggestionKind::PostSaleContact => tf!(
            i18n,
            cadence.post_sale,
            owner = owner.to_string(),
            due = format::date(s.due.date_naive())
        )
        .to_string(),
    }
}

/// The note a task made from a suggestion carries.
pub fn suggestion_note(i18n: I18n, kind: SuggestionKind) -> String {
    match kind {
        SuggestionKind::PrepareOffer => t_string!(i18n, cadence.offer_note),
        SuggestionKind::FollowUpOffer => t_string!(i18n, cadence.follow_up_note),
        SuggestionKind::MeetingReminder => t_string!(i18n, cadence.meeting_reminder_note),
        SuggestionKind::PostSaleContact => t_string!(i18n, cadence.post_sale_note),
        SuggestionKind::LetThemBuy => "",
    }
    .to_string()
}

/// Carries out a suggestion.
pub fn accept_suggestion(state: AppState, i18n: I18n, s: &Suggestion) {
    let commands = s.accept(Uuid::new_v4(), &suggestion_note(i18n, s.kind));
    match state.apply_all(commands) {
        Ok(()) => state.announce(t_string!(i18n, cadence.accepted).to_string()),
        Err(e) => show_error(state, i18n, &e),
    }
}

/// Text, stage name and owner name for each suggestion of a deal.
pub fn described_suggestions(state: AppState, i18n: I18n, deal: Id) -> Vec<(Suggestion, String)> {
    state.workspace.with(|ws| {
        let Some(d) = ws.deal(deal) else {
            return Vec::new();
        };
        let owner = ws
            .salesperson(d.owner_id)
            .map(|s| s.name.as_str())
            .unwrap_or("");
        suggestions_for(ws, d)
            .into_iter()
            .map(|s| {
                let stage = s
                    .stage_id
                    .and_then(|st| ws.stage(st))
                    .map(|(_, st)| st.name.as_str())
                    .unwrap_or("");
                let text = suggestion_text(i18n, &s, stage, owner);
                (s, text)
            })
            .collect()
    })
}

/// The given cadence suggestions with their deal's title and their text (a
/// text is made only for a suggestion that is shown).
pub fn described_agenda_suggestions(
    state: AppState,
    i18n: I18n,
    list: &[Suggestion],
) -> Vec<(Suggestion, String, String)> {
    state.workspace.with(|ws| {
        list.iter()
            .cloned()
            .filter_map(|s| {
                let d = ws.deal(s.deal_id)?;
                let owner = ws
                    .salesperson(d.owner_id)
                    .map(|p| p.name.as_str())
                    .unwrap_or("");
                let stage = s
                    .stage_id
                    .and_then(|st| ws.stage(st))
                    .map(|(_, st)| st.name.as_str())
                    .unwrap_or("");
                let text = suggestion_text(i18n, &s, stage, owner);
                Some((s, d.title.clone(), text))
            })
            .collect()
    })
}

#[component]
fn Suggestions(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let list = Memo::new(move |_| described_suggestions(state, i18n, id));
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section class="suggestions" aria-labelledby="suggestions-title">
                <h3 id="suggestions-title">{t!(i18n, cadence.title)}</h3>
                <ul>
                    <For each=move || list.get() key=|(s, text)| (s.key.clone(), text.clone()) let((s, text))>
                        <li class="suggestion">
                            <span>{text.clone()}</span>
                            <button
                                class="primary"
                                aria-label=move || tf!(i18n, cadence.accept_label, what = text.clone()).to_string()
                                on:click={
                                    let s = s.clone();
                                    move |_| accept_suggestion(state, i18n, &s)
                                }
                            >
                                {t!(i18n, cadence.accept)}
                            </button>
                            <button on:click={
                                let key = s.key.clone();
                                move |_| {
                                    let _ = state.apply(Command::DismissSuggestion { deal_id: id, key: key.clone() });
                                }
                            }>{t!(i18n, cadence.dismiss)}</button>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
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

fn yes_no_value(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    }
}

fn yes_no_from(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// Every field of a deal, saved together or not at all.
#[component]
fn DealForm(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let Some(initial) = state.workspace.with_untracked(|ws| ws.deal(id).cloned()) else {
        return ().into_any();
    };
    let locale = i18n.get_locale_untracked();
    let title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let expected_close = RwSignal::new(String::new());
    let decision_maker = RwSignal::new(String::new());
    let budget = RwSignal::new(String::new());
    let decision_date = RwSignal::new(String::new());
    let competitors = RwSignal::new(String::new());
    let needs = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let qualified = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let changed_elsewhere = RwSignal::new(false);
    // Shows `input` in the fields (those that differ: a field being typed in
    // keeps its caret).
    let fill = move |input: &DealInput| {
        let put = |field: RwSignal<String>, text: String| {
            if field.with_untracked(|f| *f != text) {
                field.set(text);
            }
        };
        put(title, input.title.clone());
        put(value, format::amount_input(locale, input.value.minor));
        put(currency, input.value.currency.clone());
        put(
            client,
            input.client_id.map(|c| c.to_string()).unwrap_or_default(),
        );
        put(owner, input.owner_id.to_string());
        put(source, input.source.clone());
        put(
            expected_close,
            input.expected_close.map(format::date).unwrap_or_default(),
        );
        put(
            decision_maker,
            yes_no_value(input.decision_maker_confirmed).to_string(),
        );
        put(
            budget,
            input
                .budget
                .as_ref()
                .map(|b| format::amount_input(locale, b.minor))
                .unwrap_or_default(),
        );
        put(
            decision_date,
            input.decision_date.map(format::date).unwrap_or_default(),
        );
        put(competitors, input.competitors.clone());
        put(needs, input.needs.clone());
        put(next_step, input.next_step.clone());
        put(qualified, yes_no_value(input.qualified).to_string());
    };
    // What the fields were filled from: a field still holding its value
    // there is one the user did not change (see `DealInput::rebased`).
    let base = StoredValue::new(DealInput::from_deal(&initial));
    fill(&base.get_value());

    // The fields as a deal's input, or the message for the first field that
    // does not read.
    let read = move || -> Result<DealInput, String> {
        let field_error = |field: String, message: String| format!("{field}: {message}");
        let value_minor = parse_amount(&value.get_untracked()).map_err(|e| {
            field_error(
                t_string!(i18n, deal.value).to_string(),
                labels::amount_error(i18n, &e),
            )
        })?;
        let code = currency.get_untracked().trim().to_ascii_uppercase();
        let budget_text = budget.get_untracked();
        let budget = if budget_text.trim().is_empty() {
            None
        } else {
            let minor = parse_amount(&budget_text).map_err(|e| {
                field_error(
                    t_string!(i18n, deal.budget).to_string(),
                    labels::amount_error(i18n, &e),
                )
            })?;
            Some(Money {
                minor,
                currency: code.clone(),
            })
        };
        let expected = format::parse_date_input(&expected_close.get_untracked()).map_err(|_| {
            field_error(
                t_string!(i18n, deal.expected_close).to_string(),
                t_string!(i18n, error.date).to_string(),
            )
        })?;
        let decision = format::parse_date_input(&decision_date.get_untracked()).map_err(|_| {
            field_error(
                t_string!(i18n, deal.decision_date).to_string(),
                t_string!(i18n, error.date).to_string(),
            )
        })?;
        // The select offers only salespeople; keep the stored owner otherwise.
        let owner_id = Uuid::parse_str(&owner.get_untracked())
            .unwrap_or_else(|_| base.with_value(|b| b.owner_id));
        Ok(DealInput {
            title: title.get_untracked(),
            client_id: Uuid::parse_str(&client.get_untracked()).ok(),
            owner_id,
            value: Money {
                minor: value_minor,
                currency: code,
            },
            source: source.get_untracked(),
            expected_close: expected,
            decision_maker_confirmed: yes_no_from(&decision_maker.get_untracked()),
            budget,
            decision_date: decision,
            competitors: competitors.get_untracked(),
            needs: needs.get_untracked(),
            next_step: next_step.get_untracked(),
            qualified: yes_no_from(&qualified.get_untracked()),
        })
    };
    let current = move || {
        state
            .workspace
            .with(|ws| ws.deal(id).map(DealInput::from_deal))
    };
    let status = FormStatus {
        saved,
        changed_elsewhere,
    };
    follow_record(current, base, status, move |was, now| match read() {
        Ok(mine) => {
            fill(&mine.rebased(was, now));
            true
        }
        Err(_) => false,
    });

    // Saves the fields that differ from the deal (nothing when none does);
    // the message when they cannot be saved, which the form shows too.
    let save = move || -> Result<(), String> {
        // A deal deleted meanwhile takes its page, and this form, with it.
        let Some(now) = untrack(current) else {
            return Ok(());
        };
        let mine = read().inspect_err(|message| error.set(Some(message.clone())))?;
        let input = mine.rebased(&base.get_value(), &now);
        if input == now {
            error.set(None);
            return Ok(());
        }
        match state.apply(Command::EditDeal { id, input }) {
            Ok(()) => {
                error.set(None);
                saved.set(true);
                changed_elsewhere.set(false);
                if let Some(stored) = state
                    .workspace
                    .with_untracked(|ws| ws.deal(id).map(DealInput::from_deal))
                {
                    fill(&stored);
                    base.set_value(stored);
                }
                Ok(())
            }
            Err(e) => {
                let message = labels::apply_error(i18n, &e);
                saved.set(false);
                error.set(Some(message.clone()));
                Err(message)
            }
        }
    };
    // A field is saved when it loses focus with a new value (its `change`
    // event), on Enter, and before the page is left.
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let _ = save();
    };
    let on_change = move |_| {
        let _ = save();
    };
    state.drafts.register(move || {
        save().map_err(|message| {
            let title = base.with_value(|b| b.title.clone());
            format!("“{title}”: {message}")
        })
    });
    let salespeople = move || salesperson_options(state);
    let sources = move || {
        state.workspace.with(|ws| {
            // Distinct first: a few sources among thousands of deals, and
            // sorting by the reader's collation is the costly part.
            let distinct: std::collections::HashSet<&str> = ws
                .deals
                .iter()
                .map(|d| d.source.as_str())
                .chain(ws.clients.iter().map(|c| c.source.as_str()))
                .filter(|s| !s.is_empty())
                .collect();
            let mut list: Vec<String> = distinct.into_iter().map(str::to_string).collect();
            sorting::sort(&mut list);
            list
        })
    };

    view! {
        <form class="deal-form" on:submit=on_submit on:change=on_change aria-labelledby="deal-details-title" novalidate>
            <h3 id="deal-details-title">{t!(i18n, deal.details)}</h3>
            <label>
                {t!(i18n, deal.title)}
                <input type="text" bind:value=title required />
            </label>
            <div class="form-row">
                <label>
                    {t!(i18n, deal.value)}
                    <input type="text" inputmode="decimal" bind:value=value />
                </label>
                <label>
                    {t!(i18n, deal.currency)}
                    <input type="text" class="short" maxlength="3" bind:value=currency />
                </label>
            </div>
            <div class="form-row">
                <ClientPicker selected=client on_pick=Callback::new(move |_| { let _ = save(); }) />
                <label>
                    {t!(i18n, deal.owner)}
                    <select prop:value=move || owner.get() on:change=move |ev| owner.set(event_target_value(&ev))>
                        <For each=salespeople key=|s| s.clone() let((sid, name))>
                            <option value=sid.to_string()>{name}</option>
                        </For>
                    </select>
                </label>
            </div>
            <label>
                {t!(i18n, deal.source)}
                <input type="text" list="known-sources" bind:value=source />
                <datalist id="known-sources">
                    <For each=sources key=|s| s.clone() let(s)>
                        <option value=s></option>
                    </For>
                </datalist>
            </label>
            <div class="form-row">
                <label>
                    {t!(i18n, deal.expected_close)}
                    <input type="date" bind:value=expected_close />
                </label>
                <label>
                    {t!(i18n, deal.decision_date)}
                    <input type="date" bind:value=decision_date />
                </label>
            </div>
            <div class="form-row">
                <label>
                    {t!(i18n, deal.decision_maker)}
                    <select prop:value=move || decision_maker.get() on:change=move |ev| decision_maker.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, common.unknown)}</option>
                        <option value="yes">{t!(i18n, common.yes)}</option>
                        <option value="no">{t!(i18n, common.no)}</option>
                    </select>
                </label>
                <label>
                    {t!(i18n, deal.qualification)}
                    <select prop:value=move || qualified.get() on:change=move |ev| qualified.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, deal.undecided)}</option>
                        <option value="yes">{t!(i18n, deal.qualified)}</option>
                        <option value="no">{t!(i18n, deal.disqualified)}</option>
                    </select>
                </label>
                <label>
                    {t!(i18n, deal.budget)}
                    <input type="text" inputmode="decimal" bind:value=budget />
                </label>
            </div>
            <label>
                {t!(i18n, deal.competitors)}
                <input type="text" bind:value=competitors />
            </label>
            <label>
                {t!(i18n, deal.needs)}
                <textarea rows="3" bind:value=needs></textarea>
            </label>
            <label>
                {t!(i18n, deal.next_step)}
                <input type="text" bind:value=next_step />
            </label>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show when=move || saved.get()>
                <p class="form-ok" role="status">{t!(i18n, deal.saved)}</p>
            </Show>
            <Show when=move || changed_elsewhere.get()>
                <p class="form-note" role="status">{t!(i18n, deal.changed_elsewhere)}</p>
            </Show>
            <button type="submit" class="primary">{t!(i18n, deal.save)}</button>
        </form>
    }
    .into_any()
}

/// The deal's tasks: add one, mark done with what came of it.
#[component]
fn Tasks(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let tasks = Memo::new(move |_| {
        state.workspace.with(|ws| {
            let mut list: Vec<Task> = ws.tasks_of_deal(id).cloned().collect();
            sorting::sort_by_key(&mut list, |t| (t.done_at.is_some(), t.due));
            list
        })
    });
    let kind = RwSignal::new("call".to_string());
    let due = RwSignal::new(format::datetime_input(super::now() + Duration::days(1)));
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    state.drafts.register_new(move || {
        let typed = note.get_untracked();
        // A task for a deal deleted meanwhile has nowhere to go.
        let deal_exists = state.workspace.with_untracked(|ws| ws.deal(id).is_some());
        (deal_exists && !typed.trim().is_empty())
            .then(|| tf!(i18n, nav.draft_new_task, note = typed))
    });
    let on_add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(due_at) = format::parse_datetime_input(&due.get_untracked()) else {
            error.set(Some(t_string!(i18n, error.date_time).to_string()));
            return;
        };
        let kind = labels::task_kind_from(&kind.get_untracked()).unwrap_or(TaskKind::Call);
        let command = Command::CreateTask {
            id: Uuid::new_v4(),
            deal_id: id,
            input: TaskInput {
                kind,
                due: due_at,
                note: note.get_untracked(),
            },
        };
        match state.apply(command) {
            Ok(()) => {
                note.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <section class="tasks" aria-labelledby="tasks-title">
            <h3 id="tasks-title">{t!(i18n, tasks.title)}</h3>
            <form class="task-form" on:submit=on_add aria-label=move || t_string!(i18n, tasks.add_label) novalidate>
                <label>
                    {t!(i18n, tasks.kind)}
                    <select prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {TaskKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=labels::task_kind_value(k)>{move || labels::task_kind(i18n, k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {t!(i18n, tasks.due)}
                    <input type="datetime-local" bind:value=due />
                </label>
                <label>
                    {t!(i18n, tasks.note)}
                    <input type="text" bind:value=note />
                </label>
                <button type="submit">{t!(i18n, tasks.add)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
            <Show when=move || tasks.with(|t| t.is_empty())>
                <p class="muted">{t!(i18n, tasks.none)}</p>
            </Show>
            <ul class="task-list">
                <For each=move || tasks.get() key=|t| t.clone() let(task)>
                    <TaskRow task />
                </For>
            </ul>
        </section>
    }
}

/// One task with its "Done" form.
#[component]
pub fn TaskRow(task: Task) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = task.id;
    let completing = RwSignal::new(false);
    let outcome = RwSignal::new(String::new());
    let promised = RwSignal::new(false);
    let due_at = task.due;
    let is_open = task.done_at.is_none();
    let overdue = move || is_open && due_at < state.now.get();
    let kind = task.kind;
    let done = task.done_at;
    let describe = format!("{} {}", task.note, format::date_time(task.due));
    let complete = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::CompleteTask {
            id,
            outcome: outcome.get_untracked(),
            offer_promised: promised.get_untracked(),
        };
        match state.apply(command) {
            Ok(()) => completing.set(false),
            Err(e) => show_error(state, i18n, &e),
        }
    };
    let reopen = move |_| {
        if let Err(e) = state.apply(Command::ReopenTask { id }) {
            show_error(state, i18n, &e);
        }
    };
    let remove = move |_| {
        if let Err(e) = state.apply(Command::DeleteTask { id }) {
            show_error(state, i18n, &e);
        }
    };
    let label_kind = move || labels::task_kind(i18n, kind);
    view! {
        <li class="task" class:done=done.is_some() class:overdue=move || overdue()>
            <span class="task-kind">{label_kind}</span>
            <span class="task-note">{task.note.clone()}</span>
            <span class="task-due">
                {move || {
                    let when = format::date_time(task.due);
                    if overdue() { tf!(i18n, board.overdue, when = when).to_string() } else { when }
                }}
            </span>
            {done.map(|at| view! {
                <span class="muted">{move || tf!(i18n, tasks.done_at, when = format::date_time(at)).to_string()}</span>
            })}
            {(!task.outcome.is_empty()).then(|| view! { <span class="task-outcome">{task.outcome.clone()}</span> })}
            {match done {
                None => view! {
                    <button
                        aria-label={
                            let describe = describe.clone();
                            move || tf!(i18n, tasks.mark_done_label, task = format!("{} {}", label_kind(), describe)).to_string()
                        }
                        on:click=move |_| completing.set(true)
                    >{t!(i18n, tasks.mark_done)}</button>
                }.into_any(),
                Some(_) => view! { <button on:click=reopen>{t!(i18n, tasks.reopen)}</button> }.into_any(),
            }}
            <button
                class="icon-button"
                aria-label=move || tf!(i18n, tasks.delete_label, task = format!("{} {}", label_kind(), describe)).to_string()
                on:click=remove
            >
                {t!(i18n, common.remove)}
            </button>
            <Show when=move || completing.get()>
                <form class="complete-form" on:submit=complete novalidate>
                    <label>
                        {t!(i18n, tasks.outcome)}
                        <input type="text" bind:value=outcome />
                    </label>
                    <Show when=move || kind != TaskKind::Offer>
                        <label class="checkbox">
                            <input type="checkbox" bind:checked=promised />
                            {t!(i18n, tasks.offer_promised)}
                        </label>
                    </Show>
                    <button type="submit" class="primary">{t!(i18n, tasks.confirm_done)}</button>
                    <button type="button" on:click=move |_| completing.set(false)>{t!(i18n, common.cancel)}</button>
                </form>
            </Show>
        </li>
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Event {
    Created,
    Stage(String),
    Won,
    Lost(String),
    Task {
        kind: TaskKind,
        note: String,
        done: bool,
        outcome: String,
    },
}

fn timeline(state: AppState, i18n: I18n, deal: &Deal) -> Vec<(DateTime<Utc>, Event)> {
    state.workspace.with(|ws| {
        let mut events = vec![(deal.created_at, Event::Created)];
        for (i, e) in deal.stage_history.iter().enumerate() {
            if i == 0 {
                continue;
            }
            let name = ws
                .stage(e.stage_id)
                .map(|(_, s)| s.name.clone())
                .unwrap_or_else(|| t_string!(i18n, deal.removed_stage).to_string());
            events.push((e.entered_at, Event::Stage(name)));
        }
        if let Some(at) = deal.closed_at {
            match deal.outcome {
                Outcome::Won => events.push((at, Event::Won)),
                Outcome::Lost => events.push((
                    at,
                    Event::Lost(
                        deal.lost_reason
                            .as_ref()
                            .map(|r| labels::lost_reason(i18n, r.kind))
                            .unwrap_or_default(),
                    ),
                )),
                _ => {}
            }
        }
        for t in ws.tasks_of_deal(deal.id) {
            events.push((
                t.done_at.unwrap_or(t.created_at),
                Event::Task {
                    kind: t.kind,
                    note: t.note.clone(),
                    done: t.done_at.is_some(),
                    outcome: t.outcome.clone(),
                },
            ));
        }
        sorting::sort_by_key(&mut events, |e| std::cmp::Reverse(e.0));
        events
    })
}

#[component]
fn Timeline(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let events = Memo::new(move |_| {
        state
            .workspace
            .with(|ws| ws.deal(id).cloned())
            .map(|d| timeline(state, i18n, &d))
            .unwrap_or_default()
    });
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h3 id="timeline-title">{t!(i18n, deal.timeline)}</h3>
            <ol class="timeline-list">
                <For each=move || events.get() key=|e| e.clone() let((at, event))>
                    <li>
                        <time>{format::date_time(at)}</time>
                        " "
                        <span>
                            {move || match &event {
                                Event::Created => t_string!(i18n, timeline.created).to_string(),
                                Event::Stage(name) => tf!(i18n, timeline.entered, stage = name.clone()).to_string(),
                                Event::Won => t_string!(i18n, timeline.won).to_string(),
                                Event::Lost(reason) => tf!(i18n, timeline.lost, reason = reason.clone()).to_string(),
                                Event::Task { kind, note, done, outcome } => {
                                    let kind = labels::task_kind(i18n, *kind);
                                    let mut text = if *done {
                                        tf!(i18n, timeline.task_done, kind = kind).to_string()
                                    } else {
                                        tf!(i18n, timeline.task_planned, kind = kind).to_string()
                                    };
                                    if !note.is_empty() {
                                        text.push_str(": ");
                                        text.push_str(note);
                                    }
                                    if !outcome.is_empty() {
                                        text.push_str(" → ");
                                        text.push_str(outcome);
                                    }
                                    text
                                }
                            }}
                        </span>
                    </li>
                </For>
            </ol>
        </section>
    }
}

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
