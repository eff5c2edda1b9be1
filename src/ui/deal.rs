//! One deal: its fields, stage, final answer, suggestions, tasks and
//! timeline.

use chrono::{DateTime, Utc};
use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::client_picker::ClientPicker;
use super::deal_tasks::Tasks;
use super::drafts::{save_form, FormMarks};
use super::i18n::*;
use super::lost_dialog::LostDialog;
use super::suggestions::Suggestions;
use super::widgets::salesperson_options;
use super::widgets::{follow_record, FormStatus};
use super::{display, labels, use_app, AppState, Route};
use crate::domain::sorting;
use crate::domain::{
    parse_amount, Command, Deal, DealInput, Id, Money, Outcome, StageKind, Task, TaskKind,
};

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
    if state.try_apply(Command::DeleteDeal { id }) {
        state.navigate(Route::Board);
        state.toasts.show_with(
            tf!(i18n, deal.deleted, title = title).to_string(),
            t_string!(i18n, common.undo).to_string(),
            move || {
                let restore = Command::RestoreDeal {
                    deal: Box::new(deal.clone()),
                    tasks: tasks.clone(),
                };
                state.try_apply(restore);
            },
        );
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
        if state.try_apply(Command::MoveDeal { id, stage_id })
            && kind == Some(StageKind::Won)
            && !was_won
        {
            offer_post_sale(state, i18n, id);
        }
    };
    let close_won = move |_| {
        if state.try_apply(Command::CloseWon { id }) {
            offer_post_sale(state, i18n, id);
        }
    };
    let maybe = move |_| {
        state.try_apply(Command::MarkMaybe { id });
    };
    let reopen = move |_| {
        state.try_apply(Command::Reopen { id });
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
        put(value, display::amount_input(locale, input.value.minor));
        put(currency, input.value.currency.clone());
        put(
            client,
            input.client_id.map(|c| c.to_string()).unwrap_or_default(),
        );
        put(owner, input.owner_id.to_string());
        put(source, input.source.clone());
        put(
            expected_close,
            input.expected_close.map(display::date).unwrap_or_default(),
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
                .map(|b| display::amount_input(locale, b.minor))
                .unwrap_or_default(),
        );
        put(
            decision_date,
            input.decision_date.map(display::date).unwrap_or_default(),
        );
        put(competitors, input.competitors.clone());
        put(needs, input.needs.clone());
        put(next_step, input.next_step.clone());
        put(qualified, yes_no_value(input.qualified).to_string());
    };
    // What the fields were filled from: a field still holding its value
    // there is one the user did not change (see `DealInput::rebased`).
    let base = StoredValue::new(DealInput::from_deal(&initial));
    let marks = FormMarks {
        error,
        saved,
        changed_elsewhere,
        base,
    };
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
        let expected =
            display::parse_date_input(&expected_close.get_untracked()).map_err(|_| {
                field_error(
                    t_string!(i18n, deal.expected_close).to_string(),
                    t_string!(i18n, error.date).to_string(),
                )
            })?;
        let decision = display::parse_date_input(&decision_date.get_untracked()).map_err(|_| {
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
        save_form(
            state,
            marks,
            (mine.rebased(&base.get_value(), &now), now),
            |input| Command::EditDeal { id, input },
            |ws| ws.deal(id).map(DealInput::from_deal),
            fill,
        )
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
                        <time>{display::date_time(at)}</time>
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
