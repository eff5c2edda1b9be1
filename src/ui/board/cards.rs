//! The cards: what each shows, made anew only when that changed, and the
//! card with its menu.

use chrono::{DateTime, Utc};
use leptos::ev;
use leptos::prelude::*;

use crate::domain::rules::idle_from;
use crate::domain::scoring::{client_score, Rank};
use crate::domain::{Id, Money, Outcome, Workspace};
use crate::ui::i18n::*;
use crate::ui::{display, use_app, Route};

use super::*;

/// What a card shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Card {
    pub(super) id: Id,
    pub(super) title: String,
    pub(super) client: Option<String>,
    pub(super) value: Money,
    pub(super) owner: String,
    pub(super) next_due: Option<DateTime<Utc>>,
    pub(super) overdue: bool,
    pub(super) rank: Option<Rank>,
    /// When the deal turns idle if nothing happens to it (see [`idle_from`]).
    pub(super) idle_from: Option<DateTime<Utc>>,
    pub(super) idle: bool,
    pub(super) maybe: bool,
    /// The language the card's texts are in.
    pub(super) locale: Locale,
}

/// What a card is made from: its deal, with its client and owner as they
/// last changed, and its tasks. While these, the column's idle limit and
/// the language stay the same, so does the card, but for its overdue and
/// idle marks, which follow the clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct CardSource {
    /// Position in `Workspace::deals`.
    pub(super) at: usize,
    pub(super) id: Id,
    /// When the deal, its client and its owner last changed.
    pub(super) changed: Changed,
    /// The earliest open task's due time.
    pub(super) next_due: Option<DateTime<Utc>>,
    /// The last time a task was created or done.
    pub(super) last_task: Option<DateTime<Utc>>,
}

/// When a card's deal, client and owner last changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Changed {
    pub(super) deal: DateTime<Utc>,
    pub(super) client: Option<DateTime<Utc>>,
    pub(super) owner: Option<DateTime<Utc>>,
}

impl CardSource {
    pub(super) fn of(ws: &Workspace, deal: usize) -> Option<Self> {
        let d = ws.deals.get(deal)?;
        let client = d.client_id.and_then(|c| ws.client(c));
        let owner = ws.salesperson(d.owner_id);
        let mut source = CardSource {
            at: deal,
            id: d.id,
            changed: Changed {
                deal: d.updated_at,
                client: client.map(|c| c.updated_at),
                owner: owner.map(|o| o.updated_at),
            },
            next_due: None,
            last_task: None,
        };
        for t in ws.tasks_of_deal(d.id) {
            if t.done_at.is_none() {
                source.next_due = Some(source.next_due.map_or(t.due, |d| d.min(t.due)));
            }
            let latest = t.done_at.map_or(t.created_at, |d| d.max(t.created_at));
            source.last_task = Some(source.last_task.map_or(latest, |l| l.max(latest)));
        }
        Some(source)
    }
}

/// A list's cards in view, with what they were made from.
#[derive(Clone, Debug, Default)]
pub(super) struct ShownCards {
    pub(super) sources: Vec<CardSource>,
    pub(super) idle_days: Option<u32>,
    pub(super) locale: Option<Locale>,
    /// What cut the cards (the board's first frame, or the column's reach),
    /// if anything did.
    pub(super) first: Option<Reach>,
    pub(super) cards: Vec<Card>,
}

/// The cards of the deals at `deals` at `now`, cut to what `first` can show
/// when given, and whether they differ from `previous`. They are made anew
/// only when what they show changed: a move in another column, or the clock
/// moving on without turning a card overdue or idle, leaves the cards as
/// they were (each change sets the clock, and every column made its ~50
/// cards again, texts and all, to find them the same).
pub(super) fn shown_cards(
    previous: Option<ShownCards>,
    ws: &Workspace,
    deals: &[usize],
    idle_days: Option<u32>,
    now: DateTime<Utc>,
    locale: Locale,
    first: Option<Reach>,
) -> (ShownCards, bool) {
    let sources: Vec<CardSource> = deals
        .iter()
        .filter_map(|&at| CardSource::of(ws, at))
        .collect();
    let mut previous = previous;
    if let Some(p) = previous.take_if(|p| {
        p.idle_days == idle_days
            && p.locale == Some(locale)
            && p.first == first
            && p.sources == sources
    }) {
        if p.cards.iter().all(|c| marks(c, now) == (c.overdue, c.idle)) {
            return (p, false);
        }
        // A mark changed, and with it perhaps how many fit the first
        // frame: made anew below.
        previous = Some(p);
    }
    let mut made = cards(ws, &sources, idle_days, now, locale);
    if let Some(first) = first {
        made.truncate(first.count(&made));
    }
    let changed = previous.is_none_or(|p| p.cards != made);
    let shown = ShownCards {
        sources,
        idle_days,
        locale: Some(locale),
        first,
        cards: made,
    };
    (shown, changed)
}

/// A card's overdue and idle marks at `now`.
pub(super) fn marks(card: &Card, now: DateTime<Utc>) -> (bool, bool) {
    (
        card.next_due.is_some_and(|due| due < now),
        card.idle_from.is_some_and(|from| now > from),
    )
}

/// The cards of `sources` (only those shown), at `now`; `idle_days` is
/// their column's limit for a deal without activity.
pub(super) fn cards(
    ws: &Workspace,
    sources: &[CardSource],
    idle_days: Option<u32>,
    now: DateTime<Utc>,
    locale: Locale,
) -> Vec<Card> {
    sources
        .iter()
        .filter_map(|s| {
            let d = ws.deals.get(s.at)?;
            let client = d.client_id.and_then(|c| ws.client(c));
            let mut card = Card {
                id: d.id,
                title: d.title.clone(),
                client: client.map(|c| c.name.clone()),
                value: d.value.clone(),
                owner: ws
                    .salesperson(d.owner_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                next_due: s.next_due,
                overdue: false,
                rank: client.and_then(|c| client_score(c.rating)).map(|s| s.rank),
                idle_from: idle_from(d, idle_days, s.last_task),
                idle: false,
                maybe: d.outcome == Outcome::Maybe,
                locale,
            };
            (card.overdue, card.idle) = marks(&card, now);
            Some(card)
        })
        .collect()
}

/// One card. Its texts are computed once, in the language of the moment
/// (the card is keyed by the locale too, so a switch redraws it): a board
/// shows hundreds of cards, and each live binding costs time to create.
#[component]
pub(super) fn CardView(card: Card, stage_id: Id) -> impl IntoView {
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
    let due = card.next_due.map(|due| {
        let when = display::date_time(due);
        let text = if card.overdue {
            tf!(i18n, board.overdue, when = when)
        } else {
            tf!(i18n, board.next_task, when = when)
        };
        view! { <span class="card-due" class:overdue=card.overdue>{text}</span> }
    });
    let rank = card.rank.map(|r| {
        let text = tf!(i18n, board.rank, rank = r);
        view! { <span class=format!("badge rank rank-{r}")>{text}</span> }
    });
    let idle = card
        .idle
        .then(|| view! { <span class="badge idle">{t_string!(i18n, board.idle)}</span> });
    let maybe = card
        .maybe
        .then(|| view! { <span class="badge maybe">{t_string!(i18n, outcome.maybe)}</span> });
    let set_dragging = |ev: &ev::DragEvent, on: bool| {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = if on {
                el.class_list().add_1("dragging")
            } else {
                el.class_list().remove_1("dragging")
            };
        }
    };
    view! {
        <li class="card-item">
            <article
                class="card"
                draggable="true"
                aria-label=card.title.clone()
                on:dragstart=move |ev: ev::DragEvent| {
                    if let Some(dt) = ev.data_transfer() {
                        let _ = dt.set_data("text/plain", &id.to_string());
                        dt.set_effect_allowed("move");
                    }
                    set_dragging(&ev, true);
                }
                on:dragend=move |ev: ev::DragEvent| set_dragging(&ev, false)
                on:keydown=on_keydown
            >
                // A long title is clamped on the card; the pointer shows it whole.
                <a
                    class="card-title"
                    id=format!("card-link-{id}")
                    href=Route::Deal(id).hash()
                    title=(card.title.chars().count() > 60).then(|| card.title.clone())
                >
                    {card.title.clone()}
                </a>
                {card.client.clone().map(|c| view! { <span class="card-client">{c}</span> })}
                <span class="card-value">{display::money_of(card.locale, &card.value)}</span>
                <span class="card-owner muted small">{card.owner.clone()}</span>
                {due}
                <span class="card-flags">{rank} {idle} {maybe}</span>
                <button
                    class="card-menu-button icon-button"
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open().to_string()
                    aria-label=tf!(i18n, board.actions_for, title = card.title)
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
pub(super) fn CardMenu(id: Id, stage_id: Id) -> impl IntoView {
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
            focus_card_once_drawn(id);
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
