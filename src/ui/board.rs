//! The pipeline board: a column per stage, cards moved by drag and drop, by
//! keyboard (Shift+←/→) or from a card's menu.

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::ev;
use leptos::prelude::*;

use super::deal::{LostDialog, NewDealDialog};
use super::i18n::*;
use super::needle::Needle;
use super::paged::{Paging, ShowMore, PAGE};
use super::{format, labels, use_app, ApplyError, Route};
use crate::domain::metrics::weighted;
use crate::domain::rules::idle_from;
use crate::domain::scoring::{client_score, Rank};
use crate::domain::{Command, Deal, Id, Money, Outcome, Stage, StageKind, Workspace};

/// How much of a column the board's first frame draws, and the first frame
/// after the search, the salesperson or the pipeline changes: the cards that
/// can be on screen. The rest of each column's page follows once that frame
/// is painted, a column a frame, so the board answers sooner: a keystroke in
/// the search draws the cards in view, not six pages of them, and the first
/// frame, the browser's costliest (its style, layout and paint start cold),
/// holds no card below the window. Past the first frame, a column draws the
/// cards of its page that can be within a window's height below the screen
/// (its [`BoardCtx::reach`]), and the rest as the board is scrolled toward
/// them.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FirstFrame {
    /// CSS pixels from the board's first card to the bottom of the window, at most.
    room: f64,
}

impl FirstFrame {
    /// The first card starts at least this far down (the header, the toolbar
    /// and the column's heading take 267 px in a wide window, more in a
    /// narrow one)...
    const BOARD_TOP: f64 = 240.0;
    /// ...and no card with the gap below it is shorter (a one-line title, a
    /// value and an owner: 89 px and 8)...
    const SHORTEST_CARD: f64 = 96.0;
    /// ...and each of a client, a next task and badges adds a line of at
    /// least this much (a card with all three is 154 px and up).
    const LINE: f64 = 18.0;

    /// For a window `height` CSS pixels tall.
    fn for_height(height: f64) -> Self {
        FirstFrame {
            room: (height - Self::BOARD_TOP).max(0.0),
        }
    }

    /// For this window.
    fn here() -> Self {
        Self::for_height(window_height())
    }

    /// The room that reaches a window's `height` below the screen, the page
    /// being scrolled `scroll_y` down: cards that far down are drawn before
    /// they are scrolled to, since a card drawn as it arrives on screen
    /// costs a frame of its own.
    fn reaching(scroll_y: f64, height: f64) -> Self {
        FirstFrame {
            room: (scroll_y + 2.0 * height - Self::BOARD_TOP).max(0.0),
        }
    }

    /// The least room that holds the card at `position` of any column,
    /// whatever the cards above it hold.
    fn holding(position: usize) -> Self {
        FirstFrame {
            room: position as f64 * (Self::SHORTEST_CARD + 3.0 * Self::LINE) + 1.0,
        }
    }

    /// Cards of a column that can be on screen, whatever they hold.
    fn most(self) -> usize {
        // `as` saturates: NaN and negatives give 0.
        ((self.room / Self::SHORTEST_CARD).ceil() as usize).max(3)
    }

    /// How many of `cards`, the first of a column, can be on screen: each
    /// counted at the least height its lines take (a long title that wraps
    /// only makes it taller: then fewer show than are drawn).
    fn count(self, cards: &[Card]) -> usize {
        Self::fitting(cards, self.room)
    }

    /// How many of `cards` start less than `room` below the first.
    fn fitting(cards: &[Card], room: f64) -> usize {
        let mut top = 0.0;
        let fitting = cards
            .iter()
            .take_while(|c| {
                let on_screen = top < room;
                let badges = c.rank.is_some() || c.idle || c.maybe;
                let lines = [c.client.is_some(), c.next_due.is_some(), badges]
                    .into_iter()
                    .filter(|&line| line)
                    .count();
                top += Self::SHORTEST_CARD + Self::LINE * lines as f64;
                on_screen
            })
            .count();
        fitting.max(cards.len().min(3))
    }
}

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
    /// When the deal turns idle if nothing happens to it (see [`idle_from`]).
    idle_from: Option<DateTime<Utc>>,
    idle: bool,
    maybe: bool,
    /// The language the card's texts are in.
    locale: Locale,
}

/// A column after the filters: its deals (as positions in
/// `Workspace::deals`, in the order they were added) and their totals.
#[derive(Clone, Debug, PartialEq)]
struct ColumnModel {
    stage: Stage,
    deals: Vec<usize>,
    total: i64,
    weighted: i64,
    other_currency: usize,
}

/// Closed deals (won or lost), kept off the columns.
#[derive(Clone, Debug, Default, PartialEq)]
struct ClosedModel {
    deals: Vec<usize>,
    total: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct BoardModel {
    columns: Vec<ColumnModel>,
    won: ClosedModel,
    lost: ClosedModel,
}

/// Whether a deal's title, client or owner holds the needle.
fn in_deal(needle: &Needle, ws: &Workspace, d: &Deal) -> bool {
    needle.in_text(&d.title)
        || d.client_id
            .and_then(|c| ws.client(c))
            .is_some_and(|c| needle.in_text(&c.name))
        || ws
            .salesperson(d.owner_id)
            .is_some_and(|s| needle.in_text(&s.name))
}

/// The shown pipeline's deals by column and closed zone, after the
/// salesperson and search filters. It is made from the workspace's index of
/// deals by stage on each change; comparing it with the one before is what
/// tells the columns whether to look again.
fn board_model(ws: &Workspace, owner: Option<Id>, search: &str) -> BoardModel {
    let Some(pipeline) = ws.current_pipeline() else {
        return BoardModel::default();
    };
    let needle = Needle::new(search);
    let currency = &ws.settings.currency;
    let kept = |d: &Deal| {
        owner.is_none_or(|o| d.owner_id == o) && (needle.is_empty() || in_deal(&needle, ws, d))
    };
    let value = |d: &Deal| {
        let same = d.value.currency == *currency;
        (if same { d.value.minor } else { 0 }, !same)
    };
    let mut model = BoardModel::default();
    for stage in &pipeline.stages {
        let mut column = stage.kind.is_column().then(|| ColumnModel {
            stage: stage.clone(),
            deals: Vec::new(),
            total: 0,
            weighted: 0,
            other_currency: 0,
        });
        for &at in ws.deal_positions_in_stage(stage.id) {
            let Some(d) = ws.deals.get(at).filter(|d| kept(d)) else {
                continue;
            };
            let (minor, other) = value(d);
            // A won deal in post-sale care stays on the board.
            let zone = match d.outcome {
                Outcome::Won if stage.kind != StageKind::PostSale => &mut model.won,
                Outcome::Lost => &mut model.lost,
                _ => match column.as_mut() {
                    Some(c) => {
                        c.deals.push(at);
                        c.total += minor;
                        c.weighted += weighted(minor, stage.probability);
                        c.other_currency += usize::from(other);
                        continue;
                    }
                    None => continue,
                },
            };
            zone.deals.push(at);
            zone.total += minor;
        }
        model.columns.extend(column);
    }
    // Closed deals in the order they were added, whichever stage they left.
    model.won.deals.sort_unstable();
    model.lost.deals.sort_unstable();
    model
}

/// What a card is made from: its deal, with its client and owner as they
/// last changed, and its tasks. While these, the column's idle limit and
/// the language stay the same, so does the card, but for its overdue and
/// idle marks, which follow the clock.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CardSource {
    /// Position in `Workspace::deals`.
    deal: usize,
    id: Id,
    stamp: (DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    /// The earliest open task's due time.
    next_due: Option<DateTime<Utc>>,
    /// The last time a task was created or done.
    last_task: Option<DateTime<Utc>>,
}

impl CardSource {
    fn of(ws: &Workspace, deal: usize) -> Option<Self> {
        let d = ws.deals.get(deal)?;
        let client = d.client_id.and_then(|c| ws.client(c));
        let owner = ws.salesperson(d.owner_id);
        let mut source = CardSource {
            deal,
            id: d.id,
            stamp: (
                d.updated_at,
                client.map(|c| c.updated_at),
                owner.map(|o| o.updated_at),
            ),
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
struct ShownCards {
    sources: Vec<CardSource>,
    idle_days: Option<u32>,
    locale: Option<Locale>,
    /// What cut the cards (the board's first frame, or the column's reach),
    /// if anything did.
    first: Option<FirstFrame>,
    cards: Vec<Card>,
}

/// The cards of the deals at `deals` at `now`, cut to what `first` can show
/// when given, and whether they differ from `previous`. They are made anew
/// only when what they show changed: a move in another column, or the clock
/// moving on without turning a card overdue or idle, leaves the cards as
/// they were (each change sets the clock, and every column made its ~50
/// cards again, texts and all, to find them the same).
fn shown_cards(
    previous: Option<ShownCards>,
    ws: &Workspace,
    deals: &[usize],
    idle_days: Option<u32>,
    now: DateTime<Utc>,
    locale: Locale,
    first: Option<FirstFrame>,
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
fn marks(card: &Card, now: DateTime<Utc>) -> (bool, bool) {
    (
        card.next_due.is_some_and(|due| due < now),
        card.idle_from.is_some_and(|from| now > from),
    )
}

/// The cards of `sources` (only those shown), at `now`; `idle_days` is
/// their column's limit for a deal without activity.
fn cards(
    ws: &Workspace,
    sources: &[CardSource],
    idle_days: Option<u32>,
    now: DateTime<Utc>,
    locale: Locale,
) -> Vec<Card> {
    sources
        .iter()
        .filter_map(|s| {
            let d = ws.deals.get(s.deal)?;
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
    /// How many columns show their whole page (the others their `first`
    /// cards); more than the columns once the closed zones are drawn too.
    revealed: RwSignal<usize>,
    /// What a column shows before it is revealed.
    first: FirstFrame,
    /// How far down a revealed column draws the cards of its page: a
    /// window's height below the screen, grown as the board is scrolled (and
    /// to a card moved by keyboard), so that a move or a keystroke lays out
    /// and paints the cards that can come into view, not whole pages.
    reach: RwSignal<FirstFrame>,
    /// Which run of `reveal_next` is current: a restart ends the one before.
    reveal_run: StoredValue<u32>,
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
                // The card is drawn anew in its new column; keep the focus on
                // it, drawing the column down to it if it went further. Let go
                // of the old card first: removing the focused element makes
                // the browser lay out the page on the spot.
                if let Some(position) = position_in_column(ctx, deal) {
                    let holding = FirstFrame::holding(position);
                    if holding.room > ctx.reach.get_untracked().room {
                        ctx.reach.set(holding);
                    }
                }
                blur_active();
                focus_card_once_drawn(deal);
            }
        }
        Err(ApplyError::Domain(crate::domain::DomainError::UseCloseLost)) => {
            ctx.lost_for.set(Some(deal));
        }
        Err(e) => state.toasts.show(labels::apply_error(i18n, &e)),
    }
}

/// Where a deal is in its column, counted from the top, if it is in one.
fn position_in_column(ctx: BoardCtx, deal: Id) -> Option<usize> {
    let at = ctx
        .state
        .workspace
        .with_untracked(|ws| ws.deal_position(deal))?;
    ctx.model.with_untracked(|m| {
        m.columns
            .iter()
            .find_map(|c| c.deals.iter().position(|&d| d == at))
    })
}

/// The window's height in CSS pixels (1 200 when it is unknown).
fn window_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .filter(|h| h.is_finite())
        .unwrap_or(1200.0)
}

/// The room down to the foot of the card that has the focus (0 when no
/// card has it), in the board's coordinates (see [`FirstFrame`]).
fn focused_card_room() -> f64 {
    let scroll_y = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0);
    document()
        .active_element()
        .and_then(|e| e.closest(".card-item").ok().flatten())
        .map_or(0.0, |card| {
            card.get_bounding_client_rect().bottom() + scroll_y - FirstFrame::BOARD_TOP
        })
}

/// The reach of the window as it is scrolled now (see [`BoardCtx::reach`]).
fn window_reach() -> FirstFrame {
    let scroll_y = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0);
    FirstFrame::reaching(scroll_y, window_height())
}

/// Shows the first cards of each column only (see [`FirstFrame`]), and the rest
/// from the next frames on. Call it in the handler that changes what the
/// columns hold, before the change, so that they are drawn once.
fn restart_reveal(ctx: BoardCtx) {
    let Some(run) = ctx.reveal_run.try_update_value(|run| {
        *run = run.wrapping_add(1);
        *run
    }) else {
        return;
    };
    ctx.revealed.set(0);
    ctx.reach.set(window_reach());
    reveal_next(ctx, run);
}

/// After the next frame is painted, draws one more column in full, and so
/// on until the closed zones are drawn too. Stops if the board is gone or
/// the reveal was restarted.
fn reveal_next(ctx: BoardCtx, run: u32) {
    let BoardCtx {
        revealed,
        model,
        reveal_run,
        ..
    } = ctx;
    // The first task after a frame runs once that frame is painted.
    request_animation_frame(move || {
        set_timeout(
            move || {
                if reveal_run.try_get_value() != Some(run) {
                    return;
                }
                let Some(columns) = model.try_with_untracked(|m| m.columns.len()) else {
                    return;
                };
                if let Some(n) = revealed.try_update(|n| {
                    *n += 1;
                    *n
                }) {
                    if n <= columns {
                        reveal_next(ctx, run);
                    } else {
                        // All drawn, whatever columns another pipeline has.
                        revealed.set(usize::MAX);
                    }
                }
            },
            Duration::ZERO,
        )
    });
}

fn blur_active() {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.blur();
    }
}

/// Puts the focus on a deal's card once the change just made is drawn. The
/// board is redrawn by tasks queued during the change; the next tick runs
/// after them, still before the frame, so the focus is never seen resting
/// on the page (a screen reader would announce it).
fn focus_card_once_drawn(deal: Id) {
    leptos::task::spawn_local(async move {
        leptos::task::tick().await;
        if !focus_card(deal) {
            request_animation_frame(move || {
                focus_card(deal);
            });
        }
    });
}

/// Puts the focus on a deal's card; false when the card is not drawn.
fn focus_card(deal: Id) -> bool {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(&format!("card-link-{deal}"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

/// The board screen.
#[component]
pub fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let owner = state.board_owner;
    let search = state.board_search;
    let model = Memo::new(move |_| {
        let owner = owner.get();
        search.with(|s| state.workspace.with(|ws| board_model(ws, owner, s)))
    });
    let ctx = BoardCtx {
        state,
        i18n,
        model,
        open_menu: RwSignal::new(None),
        lost_for: RwSignal::new(None),
        revealed: RwSignal::new(0),
        first: FirstFrame::here(),
        reach: RwSignal::new(window_reach()),
        reveal_run: StoredValue::new(0),
    };
    provide_context(ctx);
    reveal_next(ctx, 0);
    // Half a window at a time: a scroll does not redraw the columns at each
    // step, and the cards drawn always reach at least half a window below
    // the screen. Scrolled back up by more than a window, the cards far
    // below go again (with a whole page drawn, every move costs more),
    // but for the card that has the focus.
    let fit_reach = move || {
        let wanted = window_reach().room;
        let step = window_height() / 2.0;
        let drawn = ctx.reach.get_untracked().room;
        let room = if wanted > drawn {
            wanted + step
        } else if wanted + 3.0 * step < drawn {
            (wanted + step).max(focused_card_room())
        } else {
            return;
        };
        if room != drawn {
            ctx.reach.set(FirstFrame { room });
        }
    };
    let on_scroll = window_event_listener(ev::scroll, move |_| fit_reach());
    let on_resize = window_event_listener(ev::resize, move |_| fit_reach());
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });
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
            restart_reveal(ctx);
            if let Err(e) = state.apply(Command::SwitchPipeline { id }) {
                state.toasts.show(labels::apply_error(i18n, &e));
            }
        }
    };
    let on_owner = move |ev: ev::Event| {
        restart_reveal(ctx);
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
                    on:input=move |ev| {
                        restart_reveal(ctx);
                        search.set(event_target_value(&ev));
                    }
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
    let paging = Paging::new();
    let over = RwSignal::new(false);
    let column = Memo::new(move |_| {
        ctx.model.with(|m| {
            m.columns
                .iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| (c.deals.len(), c.total, c.weighted, c.other_currency))
                .unwrap_or_default()
        })
    });
    // Takes over the cards before, and says itself whether they changed.
    let shown = Memo::new_owning(move |previous: Option<ShownCards>| {
        let position = ctx
            .model
            .with(|m| m.columns.iter().position(|c| c.stage.id == stage_id));
        let revealed = position.is_some_and(|p| p < ctx.revealed.get());
        let cut = if revealed { ctx.reach.get() } else { ctx.first };
        let n = paging.shown().min(cut.most());
        let now = state.now.get();
        let locale = i18n.get_locale();
        ctx.model.with(|m| {
            let col = m.columns.iter().find(|c| c.stage.id == stage_id);
            let visible = col.map_or(&[][..], |c| &c.deals[..c.deals.len().min(n)]);
            let idle_days = col.and_then(|c| c.stage.idle_days);
            state
                .workspace
                .with(|ws| shown_cards(previous, ws, visible, idle_days, now, locale, Some(cut)))
        })
    });
    let cards = move || shown.with(|s| s.cards.clone());
    // The cards of the page not drawn yet keep their room (about a card
    // with a client and a task each), so the page is about as long as it
    // will be and "Show more" stays below them.
    let undrawn = move || {
        let in_page = column.get().0.min(paging.shown());
        in_page.saturating_sub(shown.with(|s| s.cards.len()))
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
            <Show when=move || { undrawn() > 0 }>
                <div
                    class="cards-rest"
                    aria-hidden="true"
                    style:height=move || format!("{}rem", undrawn() * 10)
                ></div>
            </Show>
            <ShowMore paging total=Signal::derive(move || column.get().0) />
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

/// One card. Its texts are computed once, in the language of the moment
/// (the card is keyed by the locale too, so a switch redraws it): a board
/// shows hundreds of cards, and each live binding costs time to create.
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
    let due = card.next_due.map(|due| {
        let when = format::date_time(due);
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
                <span class="card-value">{format::money_of(card.locale, &card.value)}</span>
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

#[component]
fn ClosedZone(won: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<BoardCtx>();
    let over = RwSignal::new(false);
    let zone = Memo::new(move |_| {
        ctx.model.with(|m| {
            let z = if won { &m.won } else { &m.lost };
            (z.deals.len(), z.total)
        })
    });
    let shown = Memo::new_owning(move |previous: Option<ShownCards>| {
        let now = state.now.get();
        let locale = i18n.get_locale();
        // Folded away at first: drawn after the board's first frame.
        let drawn = ctx.revealed.get() > ctx.model.with(|m| m.columns.len());
        let n = if drawn { PAGE } else { 0 };
        ctx.model.with(|m| {
            let z = if won { &m.won } else { &m.lost };
            let visible = &z.deals[..z.deals.len().min(n)];
            state
                .workspace
                .with(|ws| shown_cards(previous, ws, visible, None, now, locale, None))
        })
    });
    let cards = move || shown.with(|s| s.cards.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{sample_workspace, SampleSize};
    use crate::domain::StagePreset;
    use chrono::TimeZone;

    fn workspace() -> Workspace {
        let now = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
        let names = StagePreset::ClassicFunnel.stage_names();
        let mut ws = sample_workspace(
            StagePreset::ClassicFunnel,
            "Classic funnel",
            &names,
            &["Anna"],
            SampleSize::scaled(40),
            7,
            now,
        );
        // Records imported together can share their last change to the second.
        for d in &mut ws.deals {
            d.updated_at = now;
        }
        for c in &mut ws.clients {
            c.updated_at = now;
        }
        ws
    }

    /// A card with or without a client, a next task and a rank badge.
    fn card(client: bool, due: bool, rank: bool) -> Card {
        Card {
            id: Id::nil(),
            title: "A deal".into(),
            client: client.then(|| "Acme".into()),
            value: Money {
                minor: 100,
                currency: "EUR".into(),
            },
            owner: "Anna".into(),
            next_due: due.then(|| Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap()),
            overdue: false,
            rank: rank.then_some(Rank::A),
            idle_from: None,
            idle: false,
            maybe: false,
            locale: Locale::en,
        }
    }

    #[test]
    fn the_first_frame_draws_the_cards_a_window_can_show() {
        // 1 400 × 900: 660 px of room below the board's top.
        let window = FirstFrame::for_height(900.0);
        assert_eq!(window.most(), 7, "of the shortest cards");
        // Cards with a client, a task and a badge: at least 150 px each.
        let full = vec![card(true, true, true); 10];
        assert_eq!(window.count(&full), 5);
        let plain = vec![card(false, false, false); 10];
        assert_eq!(window.count(&plain), 7);
        // Never fewer than three, nor more than the column holds.
        assert_eq!(FirstFrame::for_height(100.0).count(&full), 3);
        assert_eq!(window.count(&full[..2]), 2);
        assert_eq!(FirstFrame::for_height(f64::NAN).most(), 3);
        // A tall window draws more than the ten of a fixed count would.
        let tall = vec![card(false, false, false); 30];
        assert_eq!(FirstFrame::for_height(2160.0).count(&tall), 20);
    }

    /// Past the first frame, a column draws what can be within a window's
    /// height below the screen, more as the page is scrolled, and always a
    /// card moved by keyboard.
    #[test]
    fn columns_draw_a_window_below_the_screen_and_a_moved_card() {
        let plain = vec![card(false, false, false); 60];
        let full = vec![card(true, true, true); 60];
        // 1 400 × 900 at the top: 660 px on screen and 900 below.
        let top = FirstFrame::reaching(0.0, 900.0);
        assert_eq!(top.count(&plain), 17);
        assert_eq!(top.count(&full), 11);
        assert!(top.most() >= top.count(&plain), "made before the cut");
        // Scrolled a window down: a window's worth more.
        let down = FirstFrame::reaching(900.0, 900.0);
        assert_eq!(down.count(&plain), 26);
        // The room that holds a card at a position holds it whatever the
        // cards above it show.
        for position in [0, 1, 20, 49] {
            assert!(FirstFrame::holding(position).count(&full) > position);
            assert!(FirstFrame::holding(position).most() > position);
        }
    }

    /// The deals of column `c`, as positions in `ws.deals`.
    fn in_column(model: &BoardModel, c: usize) -> Vec<usize> {
        model.columns[c].deals.clone()
    }

    /// Every deal of the shown pipeline is in one place, the one its stage
    /// and outcome say, with the totals of what each place holds; deals of
    /// other pipelines are nowhere.
    #[test]
    fn each_deal_of_the_pipeline_is_in_the_place_its_stage_and_outcome_say() {
        let mut ws = workspace();
        let at = Utc.with_ymd_and_hms(2026, 3, 21, 9, 0, 0).unwrap();
        let open: Vec<Id> = ws
            .deals
            .iter()
            .filter(|d| d.outcome == Outcome::Open)
            .map(|d| d.id)
            .take(3)
            .collect();
        ws.apply(Command::CloseWon { id: open[0] }, at).unwrap();
        ws.apply(Command::MarkMaybe { id: open[1] }, at).unwrap();
        let model = board_model(&ws, None, "");
        let pipeline = ws.current_pipeline().unwrap().id;
        let mut seen = vec![0; ws.deals.len()];
        for (c, column) in model.columns.iter().enumerate() {
            assert!(column.stage.kind.is_column());
            let mut total = 0;
            for &at in &column.deals {
                seen[at] += 1;
                let d = &ws.deals[at];
                assert_eq!(d.stage_id, column.stage.id, "column {c}");
                assert!(
                    d.outcome != Outcome::Lost
                        && (d.outcome != Outcome::Won || column.stage.kind == StageKind::PostSale)
                );
                total += d.value.minor;
            }
            assert_eq!(column.total, total, "column {c}");
            assert!(column.deals.is_sorted(), "in the order added");
        }
        for (zone, outcome) in [(&model.won, Outcome::Won), (&model.lost, Outcome::Lost)] {
            assert!(zone.deals.is_sorted());
            for &at in &zone.deals {
                seen[at] += 1;
                assert_eq!(ws.deals[at].outcome, outcome);
            }
            let total: i64 = zone.deals.iter().map(|&at| ws.deals[at].value.minor).sum();
            assert_eq!(zone.total, total);
        }
        assert!(model
            .won
            .deals
            .contains(&ws.deal_position(open[0]).unwrap()));
        for (at, d) in ws.deals.iter().enumerate() {
            let expected = usize::from(d.pipeline_id == pipeline);
            assert_eq!(
                seen[at], expected,
                "deal {:?} seen {} times",
                d.title, seen[at]
            );
        }
    }

    /// The search finds a deal by its title, client or owner, in any case
    /// and any script; the salesperson filter keeps their deals only.
    #[test]
    fn the_search_finds_deals_by_title_client_or_owner_in_any_case() {
        let mut ws = workspace();
        let found = |ws: &Workspace, owner: Option<Id>, search: &str| -> Vec<String> {
            let model = board_model(ws, owner, search);
            let mut titles: Vec<String> = model
                .columns
                .iter()
                .flat_map(|c| &c.deals)
                .chain(&model.won.deals)
                .chain(&model.lost.deals)
                .map(|&at| ws.deals[at].title.clone())
                .collect();
            titles.sort();
            titles
        };
        let on_board = ws
            .deals
            .iter()
            .position(|d| d.outcome == Outcome::Open && d.client_id.is_some())
            .unwrap();
        ws.deals[on_board].title = "ŁÓDŹ Office REDESIGN".into();
        let client = ws.deals[on_board].client_id.unwrap();
        let k = ws.client_position(client).unwrap();
        ws.clients[k].name = "Νίκος ΠΑΠΑΔΟΠΟΥΛΟΣ".into();
        ws.reindex();
        let title = vec!["ŁÓDŹ Office REDESIGN".to_string()];
        assert_eq!(found(&ws, None, "  office redesign "), title);
        assert_eq!(found(&ws, None, "łódź"), title);
        let of_client = found(&ws, None, "παπαδοπουλος");
        assert!(of_client.contains(&title[0]));
        assert_eq!(of_client.len(), ws.deals_of_client(client).count());
        assert!(found(&ws, None, "no such deal anywhere").is_empty());
        // The owner's name finds their deals; the filter keeps them only.
        let owner = ws.salespeople[0].clone();
        let theirs = found(&ws, Some(owner.id), "");
        assert_eq!(theirs.len(), ws.deals_of_owner(owner.id).count());
        assert_eq!(found(&ws, None, &owner.name.to_uppercase()), theirs);
        assert_eq!(found(&ws, None, ""), found(&ws, None, "   "));
    }

    /// A column keeps its cards while nothing they show changed, and the
    /// cards it keeps are always those it would make anew.
    #[test]
    fn a_column_keeps_its_cards_until_what_they_show_changes() {
        use crate::domain::{TaskInput, TaskKind};
        let mut ws = workspace();
        let mut model = board_model(&ws, None, "");
        let mut now = Utc.with_ymd_and_hms(2026, 3, 21, 9, 0, 0).unwrap();
        let columns: Vec<Id> = model.columns.iter().map(|c| c.stage.id).collect();
        let idle_days = Some(3);
        let window = FirstFrame::for_height(900.0);
        let first = Some(window);
        // Column 0's cards after a change, checked against cards made anew,
        // and whether they must have changed.
        let step = |previous: Option<ShownCards>,
                    ws: &Workspace,
                    model: &BoardModel,
                    now,
                    expect: bool,
                    what: &str| {
            let deals = in_column(model, 0);
            let (kept, changed) =
                shown_cards(previous, ws, &deals, idle_days, now, Locale::en, first);
            let sources: Vec<CardSource> = deals
                .iter()
                .filter_map(|&at| CardSource::of(ws, at))
                .collect();
            let mut made = cards(ws, &sources, idle_days, now, Locale::en);
            made.truncate(window.count(&made));
            assert_eq!(kept.cards, made, "{what}");
            assert_eq!(changed, expect, "{what}");
            kept
        };
        let source = |ws: &Workspace, at: usize| CardSource::of(ws, at).unwrap();
        let mut shown = step(None, &ws, &model, now, true, "first made");
        shown = step(Some(shown), &ws, &model, now, false, "nothing changed");

        let elsewhere = ws.deals[in_column(&model, 1)[0]].id;
        now += chrono::Duration::minutes(1);
        ws.apply(
            Command::MoveDeal {
                id: elsewhere,
                stage_id: columns[2],
            },
            now,
        )
        .unwrap();
        model = board_model(&ws, None, "");
        shown = step(
            Some(shown),
            &ws,
            &model,
            now,
            false,
            "a move between other columns, the clock on",
        );

        // A shown card with no task due before the new one.
        let due = now + chrono::Duration::minutes(30);
        let top = in_column(&model, 0)
            .into_iter()
            .take(shown.cards.len())
            .map(|at| source(&ws, at))
            .find(|s| s.next_due.is_none_or(|d| d > due))
            .expect("a shown card without an earlier task")
            .id;
        now += chrono::Duration::minutes(1);
        let input = TaskInput {
            kind: TaskKind::Call,
            due,
            note: "Call back".into(),
        };
        let task = uuid::Uuid::new_v4();
        ws.apply(
            Command::CreateTask {
                id: task,
                deal_id: top,
                input,
            },
            now,
        )
        .unwrap();
        model = board_model(&ws, None, "");
        shown = step(
            Some(shown),
            &ws,
            &model,
            now,
            true,
            "a new task on a shown card",
        );
        shown = step(
            Some(shown),
            &ws,
            &model,
            due,
            false,
            "the task due, not yet overdue",
        );
        let later = due + chrono::Duration::seconds(1);
        shown = step(Some(shown), &ws, &model, later, true, "the task overdue");
        assert!(shown.cards.iter().any(|c| c.id == top && c.overdue));
        let idle = in_column(&model, 0)
            .into_iter()
            .take(shown.cards.len())
            .filter_map(|at| idle_from(&ws.deals[at], idle_days, source(&ws, at).last_task))
            .filter(|&from| from > later)
            .min()
            .expect("a shown card that turns idle later");
        // On to the moment before (other tasks may fall due on the way).
        let deals = in_column(&model, 0);
        let (on, _) = shown_cards(Some(shown), &ws, &deals, idle_days, idle, Locale::en, first);
        shown = step(
            Some(on),
            &ws,
            &model,
            idle,
            false,
            "the moment before a card turns idle",
        );
        let idle = idle + chrono::Duration::seconds(1);
        shown = step(Some(shown), &ws, &model, idle, true, "a card idle");

        // The client of a shown card renamed, and then one of no card here.
        let client_of =
            |ws: &Workspace, at: usize| ws.deals[at].client_id.and_then(|c| ws.client_position(c));
        let shown_clients: Vec<usize> = in_column(&model, 0)
            .into_iter()
            .take(shown.cards.len())
            .filter_map(|at| client_of(&ws, at))
            .collect();
        let elsewhere = (0..ws.clients.len())
            .find(|&c| {
                !in_column(&model, 0)
                    .into_iter()
                    .any(|at| client_of(&ws, at) == Some(c))
            })
            .expect("a client with no deal in column 0");
        for (k, expect) in [(shown_clients[0], true), (elsewhere, false)] {
            let mut client = crate::domain::ClientInput::from_client(&ws.clients[k]);
            client.name = format!("Renamed client {k}");
            let id = ws.clients[k].id;
            ws.apply(Command::EditClient { id, input: client }, idle)
                .unwrap();
            model = board_model(&ws, None, "");
            shown = step(Some(shown), &ws, &model, idle, expect, "a client renamed");
        }
        let name = format!("Renamed client {}", shown_clients[0]);
        assert!(shown.cards.iter().any(|c| c.client == Some(name.clone())));
    }
}
