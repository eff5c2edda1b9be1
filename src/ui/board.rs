//! The pipeline board: a column per stage, cards moved by drag and drop, by
//! keyboard (Shift+←/→) or from a card's menu.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use leptos::ev;
use leptos::prelude::*;

use super::deal::{LostDialog, NewDealDialog};
use super::i18n::*;
use super::{format, labels, use_app, ApplyError, Route};
use crate::domain::metrics::weighted;
use crate::domain::rules::is_idle;
use crate::domain::scoring::{client_score, Rank};
use crate::domain::{Command, Id, Money, Outcome, Stage, StageKind, Task, Workspace};

/// Cards shown per column before "Show more"; long columns stay fast.
const PAGE: usize = 50;

/// What a card shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Card {
    id: Id,
    title: String,
    client: Option<String>,
    value: Money,
    owner: String,
    next_due: Option<DateTime<Utc>>,
    overdue: bool,
    rank: Option<Rank>,
    idle: bool,
    maybe: bool,
}

/// A column: its stage, cards and totals.
#[derive(Clone, Debug, PartialEq)]
struct ColumnModel {
    stage: Stage,
    cards: Vec<Card>,
    total: i64,
    weighted: i64,
    other_currency: usize,
}

/// Closed deals (won or lost), kept off the columns.
#[derive(Clone, Debug, Default, PartialEq)]
struct ClosedModel {
    stage_id: Option<Id>,
    cards: Vec<Card>,
    total: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct BoardModel {
    columns: Vec<ColumnModel>,
    won: ClosedModel,
    lost: ClosedModel,
}

fn matches_search(card: &Card, needle: &str) -> bool {
    needle.is_empty()
        || card.title.to_lowercase().contains(needle)
        || card
            .client
            .as_ref()
            .is_some_and(|c| c.to_lowercase().contains(needle))
        || card.owner.to_lowercase().contains(needle)
}

fn board_model(ws: &Workspace, owner: Option<Id>, search: &str, now: DateTime<Utc>) -> BoardModel {
    let Some(pipeline) = ws.current_pipeline() else {
        return BoardModel::default();
    };
    let needle = search.trim().to_lowercase();
    let currency = &ws.settings.currency;
    let mut tasks: HashMap<Id, Vec<&Task>> = HashMap::new();
    for t in &ws.tasks {
        tasks.entry(t.deal_id).or_default().push(t);
    }
    let clients: HashMap<Id, (&str, Option<Rank>)> = ws
        .clients
        .iter()
        .map(|c| {
            (
                c.id,
                (c.name.as_str(), client_score(c.rating).map(|s| s.rank)),
            )
        })
        .collect();
    let owners: HashMap<Id, &str> = ws
        .salespeople
        .iter()
        .map(|s| (s.id, s.name.as_str()))
        .collect();
    let mut model = BoardModel {
        columns: pipeline
            .stages
            .iter()
            .filter(|s| s.kind.is_column())
            .map(|s| ColumnModel {
                stage: s.clone(),
                cards: Vec::new(),
                total: 0,
                weighted: 0,
                other_currency: 0,
            })
            .collect(),
        won: ClosedModel {
            stage_id: pipeline.first_of_kind(StageKind::Won).map(|s| s.id),
            ..ClosedModel::default()
        },
        lost: ClosedModel {
            stage_id: pipeline.first_of_kind(StageKind::Lost).map(|s| s.id),
            ..ClosedModel::default()
        },
    };
    let no_tasks = Vec::new();
    for d in ws.deals.iter().filter(|d| d.pipeline_id == pipeline.id) {
        if owner.is_some_and(|o| d.owner_id != o) {
            continue;
        }
        let deal_tasks = tasks.get(&d.id).unwrap_or(&no_tasks);
        let next_due = deal_tasks
            .iter()
            .filter(|t| t.done_at.is_none())
            .map(|t| t.due)
            .min();
        let client = d.client_id.and_then(|c| clients.get(&c));
        let card = Card {
            id: d.id,
            title: d.title.clone(),
            client: client.map(|c| c.0.to_string()),
            value: d.value.clone(),
            owner: owners.get(&d.owner_id).copied().unwrap_or("").to_string(),
            next_due,
            overdue: next_due.is_some_and(|due| due < now),
            rank: client.and_then(|c| c.1),
            idle: is_idle(d, Some(pipeline), deal_tasks, now),
            maybe: d.outcome == Outcome::Maybe,
        };
        if !matches_search(&card, &needle) {
            continue;
        }
        let same_currency = &d.value.currency == currency;
        let value = if same_currency { d.value.minor } else { 0 };
        let column = model.columns.iter_mut().find(|c| c.stage.id == d.stage_id);
        match (d.outcome, column) {
            (Outcome::Won, Some(col)) if col.stage.kind == StageKind::PostSale => {
                col.total += value;
                col.weighted += weighted(value, col.stage.probability);
                col.other_currency += usize::from(!same_currency);
                col.cards.push(card);
            }
            (Outcome::Won, _) => {
                model.won.total += value;
                model.won.cards.push(card);
            }
            (Outcome::Lost, _) => {
                model.lost.total += value;
                model.lost.cards.push(card);
            }
            (_, Some(col)) => {
                col.total += value;
                col.weighted += weighted(value, col.stage.probability);
                col.other_currency += usize::from(!same_currency);
                col.cards.push(card);
            }
            (_, None) => {}
        }
    }
    model
}

/// Where a dragged or moved deal goes.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Stage(Id),
    Won,
    Lost,
}

/// Board-wide state shared by columns and cards.
#[derive(Clone, Copy)]
struct BoardCtx {
    state: super::AppState,
    i18n: I18nContext<Locale>,
    model: Memo<BoardModel>,
    open_menu: RwSignal<Option<Id>>,
    lost_for: RwSignal<Option<Id>>,
    dragging: RwSignal<Option<Id>>,
}

fn move_deal(ctx: BoardCtx, deal: Id, target: Target, by_keyboard: bool) {
    let BoardCtx { state, i18n, .. } = ctx;
    let command = match target {
        Target::Stage(stage_id) => Command::MoveDeal { id: deal, stage_id },
        Target::Won => Command::CloseWon { id: deal },
        Target::Lost => {
            ctx.lost_for.set(Some(deal));
            return;
        }
    };
    match state.apply(command) {
        Ok(()) => {
            let title = state
                .workspace
                .with_untracked(|ws| ws.deal(deal).map(|d| d.title.clone()))
                .unwrap_or_default();
            let place = match target {
                Target::Stage(s) => state
                    .workspace
                    .with_untracked(|ws| ws.stage(s).map(|(_, s)| s.name.clone()))
                    .unwrap_or_default(),
                Target::Won => labels::outcome(i18n, Outcome::Won),
                Target::Lost => labels::outcome(i18n, Outcome::Lost),
            };
            state.announce(tf!(i18n, board.moved, title = title, stage = place).to_string());
            if by_keyboard {
                // The card is drawn anew in its new column; keep the focus on it.
                request_animation_frame(move || focus_card(deal));
            }
        }
        Err(ApplyError::Domain(crate::domain::DomainError::UseCloseLost)) => {
            ctx.lost_for.set(Some(deal));
        }
        Err(e) => state.toasts.show(labels::apply_error(i18n, &e)),
    }
}

fn focus_card(deal: Id) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(&format!("card-link-{deal}"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The board screen.
#[component]
pub fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let owner = state.board_owner;
    let search = state.board_search;
    let model = Memo::new(move |_| {
        let now = state.now.get();
        let owner = owner.get();
        search.with(|s| state.workspace.with(|ws| board_model(ws, owner, s, now)))
    });
    let ctx = BoardCtx {
        state,
        i18n,
        model,
        open_menu: RwSignal::new(None),
        lost_for: RwSignal::new(None),
        dragging: RwSignal::new(None),
    };
    provide_context(ctx);
    let new_deal = RwSignal::new(false);

    let pipelines = move || {
        state.workspace.with(|ws| {
            ws.pipelines
                .iter()
                .map(|p| (p.id, p.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let current_pipeline = move || {
        state
            .workspace
            .with(|ws| ws.current_pipeline().map(|p| p.id.to_string()))
            .unwrap_or_default()
    };
    let salespeople = move || super::deal::salesperson_options(state);
    let on_pipeline = move |ev: ev::Event| {
        if let Ok(id) = uuid::Uuid::parse_str(&event_target_value(&ev)) {
            if let Err(e) = state.apply(Command::SwitchPipeline { id }) {
                state.toasts.show(labels::apply_error(i18n, &e));
            }
        }
    };
    let on_owner = move |ev: ev::Event| {
        owner.set(uuid::Uuid::parse_str(&event_target_value(&ev)).ok());
    };
    let empty = move || {
        state.workspace.with(|ws| {
            let p = ws.current_pipeline().map(|p| p.id);
            !ws.deals.iter().any(|d| Some(d.pipeline_id) == p)
        })
    };

    view! {
        <div class="board-toolbar">
            <label>
                {t!(i18n, board.pipeline)}
                <select on:change=on_pipeline prop:value=current_pipeline>
                    <For each=pipelines key=|p| p.clone() let((id, name))>
                        <option value=id.to_string()>{name}</option>
                    </For>
                </select>
            </label>
            <label>
                {t!(i18n, board.salesperson)}
                <select
                    on:change=on_owner
                    prop:value=move || owner.get().map(|o| o.to_string()).unwrap_or_default()
                >
                    <option value="">{t!(i18n, board.everyone)}</option>
                    <For each=salespeople key=|s| s.clone() let((id, name))>
                        <option value=id.to_string()>{name}</option>
                    </For>
                </select>
            </label>
            <label class="search">
                {t!(i18n, board.search)}
                <input
                    type="search"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </label>
            <button class="primary" on:click=move |_| new_deal.set(true)>
                {t!(i18n, board.new_deal)}
            </button>
        </div>
        <Show when=empty>
            <p class="empty-state">{t!(i18n, board.empty)}</p>
        </Show>
        <p class="hint small muted">{t!(i18n, board.keyboard_hint)}</p>
        <section class="board" aria-label=move || t_string!(i18n, board.label)>
            <For
                each=move || {
                    model.with(|m| m.columns.iter().map(|c| c.stage.clone()).collect::<Vec<_>>())
                }
                key=|stage| stage.clone()
                let(stage)
            >
                <Column stage />
            </For>
        </section>
        <section class="closed-zones" aria-label=move || t_string!(i18n, board.closed)>
            <ClosedZone won=true />
            <ClosedZone won=false />
        </section>
        <NewDealDialog open=new_deal />
        <LostDialog deal=ctx.lost_for />
    }
}

fn allow_drop(ev: &ev::DragEvent) {
    ev.prevent_default();
    if let Some(dt) = ev.data_transfer() {
        dt.set_drop_effect("move");
    }
}

fn dropped_deal(ev: &ev::DragEvent) -> Option<Id> {
    ev.prevent_default();
    ev.data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|s| uuid::Uuid::parse_str(&s).ok())
}

#[component]
fn Column(stage: Stage) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<BoardCtx>();
    let stage_id = stage.id;
    let limit = RwSignal::new(PAGE);
    let over = RwSignal::new(false);
    let column = Memo::new(move |_| {
        ctx.model.with(|m| {
            m.columns
                .iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| (c.cards.len(), c.total, c.weighted, c.other_currency))
                .unwrap_or_default()
        })
    });
    let cards = move || {
        let n = limit.get();
        ctx.model.with(|m| {
            m.columns
                .iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| c.cards.iter().take(n).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let currency = move || state.workspace.with(|ws| ws.settings.currency.clone());
    let stats = move || {
        let (count, total, weighted, other) = column.get();
        let locale = i18n.get_locale();
        let cur = currency();
        let mut text = tf!(
            i18n,
            board.column_stats,
            count = count,
            total = format::money(locale, total, &cur),
            weighted = format::money(locale, weighted, &cur)
        )
        .to_string();
        if other > 0 {
            text.push(' ');
            text.push_str(&tf!(i18n, board.other_currency, count = other));
        }
        text
    };
    let heading_id = format!("stage-{stage_id}");
    let labelled_by = heading_id.clone();
    let name = stage.name.clone();
    let kind_note = (stage.kind != StageKind::Open).then_some(stage.kind);
    view! {
        <section
            class="column"
            class:drop-over=move || over.get()
            aria-labelledby=labelled_by
            on:dragover=move |ev| {
                allow_drop(&ev);
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                over.set(false);
                if let Some(deal) = dropped_deal(&ev) {
                    move_deal(ctx, deal, Target::Stage(stage_id), false);
                }
            }
        >
            <header class="column-head">
                <h2 id=heading_id>{stage.name.clone()}</h2>
                {kind_note.map(|k| view! { <span class="badge">{move || labels::stage_kind(i18n, k)}</span> })}
                <p class="column-stats">{stats}</p>
            </header>
            <ul class="cards" aria-label=name>
                <For each=cards key=|card| card.clone() let(card)>
                    <CardView card stage_id />
                </For>
            </ul>
            <Show when=move || { column.get().0 > limit.get() }>
                <button class="link-button" on:click=move |_| limit.update(|l| *l += PAGE)>
                    {move || {
                        tf!(i18n, board.show_more, count = column.get().0 - limit.get()).to_string()
                    }}
                </button>
            </Show>
        </section>
    }
}

/// Neighbouring column stages of `stage_id`: (previous, next).
fn neighbours(model: &BoardModel, stage_id: Id) -> (Option<Id>, Option<Id>) {
    let ids: Vec<Id> = model.columns.iter().map(|c| c.stage.id).collect();
    let Some(i) = ids.iter().position(|s| *s == stage_id) else {
        return (None, None);
    };
    (i.checked_sub(1).map(|j| ids[j]), ids.get(i + 1).copied())
}

#[component]
fn CardView(card: Card, stage_id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<BoardCtx>();
    let id = card.id;
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if !ev.shift_key() || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let (prev, next) = ctx.model.with_untracked(|m| neighbours(m, stage_id));
        let target = match ev.key().as_str() {
            "ArrowLeft" => prev,
            "ArrowRight" => next,
            _ => return,
        };
        ev.prevent_default();
        match target {
            Some(t) => move_deal(ctx, id, Target::Stage(t), true),
            None => state.announce(t_string!(i18n, board.no_further).to_string()),
        }
    };
    let menu_open = move || ctx.open_menu.get() == Some(id);
    let locale = move || i18n.get_locale();
    let value = card.value.clone();
    let title = card.title.clone();
    let title_for_menu = card.title.clone();
    let due = card.next_due.map(|due| {
        let overdue = card.overdue;
        view! {
            <span class="card-due" class:overdue=overdue>
                {move || {
                    let when = format::date_time(due);
                    if overdue {
                        tf!(i18n, board.overdue, when = when).to_string()
                    } else {
                        tf!(i18n, board.next_task, when = when).to_string()
                    }
                }}
            </span>
        }
    });
    view! {
        <li class="card-item">
            <article
                class="card"
                class:dragging=move || ctx.dragging.get() == Some(id)
                draggable="true"
                aria-label=title.clone()
                on:dragstart=move |ev: ev::DragEvent| {
                    if let Some(dt) = ev.data_transfer() {
                        let _ = dt.set_data("text/plain", &id.to_string());
                        dt.set_effect_allowed("move");
                    }
                    ctx.dragging.set(Some(id));
                }
                on:dragend=move |_| ctx.dragging.set(None)
                on:keydown=on_keydown
            >
                <a class="card-title" id=format!("card-link-{id}") href=Route::Deal(id).hash()>
                    {title.clone()}
                </a>
                {card.client.clone().map(|c| view! { <span class="card-client">{c}</span> })}
                <span class="card-value">{move || format::money_of(locale(), &value)}</span>
                <span class="card-owner muted small">{card.owner.clone()}</span>
                {due}
                <span class="card-flags">
                    {card.rank.map(|r| {
                        view! {
                            <span
                                class=format!("badge rank rank-{r}")
                                title=move || tf!(i18n, board.rank, rank = r.to_string()).to_string()
                            >
                                {move || tf!(i18n, board.rank, rank = r.to_string()).to_string()}
                            </span>
                        }
                    })}
                    {card.idle.then(|| view! { <span class="badge idle">{t!(i18n, board.idle)}</span> })}
                    {card.maybe.then(|| view! { <span class="badge maybe">{t!(i18n, outcome.maybe)}</span> })}
                </span>
                <button
                    class="card-menu-button icon-button"
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open().to_string()
                    aria-label=move || tf!(i18n, board.actions_for, title = title_for_menu.clone()).to_string()
                    on:click=move |_| {
                        ctx.open_menu.update(|m| *m = if *m == Some(id) { None } else { Some(id) })
                    }
                >
                    "⋯"
                </button>
                <Show when=menu_open>
                    <CardMenu id stage_id />
                </Show>
            </article>
        </li>
    }
}

#[component]
fn CardMenu(id: Id, stage_id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let stages = move || {
        ctx.model.with(|m| {
            m.columns
                .iter()
                .filter(|c| c.stage.id != stage_id)
                .map(|c| (c.stage.id, c.stage.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let close = move || ctx.open_menu.set(None);
    let menu = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        if let Some(first) = menu
            .get()
            .and_then(|m| m.query_selector("button").ok().flatten())
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    });
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            close();
            request_animation_frame(move || focus_card(id));
        }
    };
    view! {
        <ul class="menu" role="menu" node_ref=menu on:keydown=on_keydown>
            <For each=stages key=|s| s.clone() let((stage, name))>
                <li role="none">
                    <button
                        role="menuitem"
                        on:click=move |_| {
                            close();
                            move_deal(ctx, id, Target::Stage(stage), true);
                        }
                    >
                        {move || tf!(i18n, board.move_to, stage = name.clone()).to_string()}
                    </button>
                </li>
            </For>
            <li role="none">
                <button
                    role="menuitem"
                    on:click=move |_| {
                        close();
                        move_deal(ctx, id, Target::Won, false);
                    }
                >
                    {t!(i18n, deal.close_won)}
                </button>
            </li>
            <li role="none">
                <button
                    role="menuitem"
                    on:click=move |_| {
                        close();
                        move_deal(ctx, id, Target::Lost, false);
                    }
                >
                    {t!(i18n, deal.close_lost)}
                </button>
            </li>
        </ul>
    }
}

#[component]
fn ClosedZone(won: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<BoardCtx>();
    let over = RwSignal::new(false);
    let zone = Memo::new(move |_| {
        ctx.model.with(|m| {
            let z = if won { &m.won } else { &m.lost };
            (z.cards.len(), z.total)
        })
    });
    let cards = move || {
        ctx.model.with(|m| {
            let z = if won { &m.won } else { &m.lost };
            z.cards.iter().take(PAGE).cloned().collect::<Vec<_>>()
        })
    };
    let title = move || {
        let (count, total) = zone.get();
        let cur = state.workspace.with(|ws| ws.settings.currency.clone());
        let total = format::money(i18n.get_locale(), total, &cur);
        if won {
            tf!(i18n, board.won_zone, count = count, total = total).to_string()
        } else {
            tf!(i18n, board.lost_zone, count = count, total = total).to_string()
        }
    };
    view! {
        <details
            class="closed-zone"
            class:won=won
            class:lost=!won
            class:drop-over=move || over.get()
            on:dragover=move |ev| {
                allow_drop(&ev);
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                over.set(false);
                if let Some(deal) = dropped_deal(&ev) {
                    move_deal(ctx, deal, if won { Target::Won } else { Target::Lost }, false);
                }
            }
        >
            <summary>{title}</summary>
            <ul class="closed-list">
                <For each=cards key=|c| c.clone() let(card)>
                    <li>
                        <a href=Route::Deal(card.id).hash()>{card.title.clone()}</a>
                        " "
                        <span class="muted">{move || format::money_of(i18n.get_locale(), &card.value)}</span>
                    </li>
                </For>
            </ul>
        </details>
    }
}
