//! The pipeline board: a column per stage, cards moved by drag and drop, by
//! keyboard (Shift+←/→) or from a card's menu.

mod cards;
mod columns;
mod model;
mod moves;
mod reveal;
#[cfg(test)]
mod tests;

use leptos::ev;
use leptos::prelude::*;

use crate::domain::{Command, Id};
use crate::ui::i18n::*;
use crate::ui::lost_dialog::LostDialog;
use crate::ui::new_deal::NewDealDialog;
use crate::ui::use_app;

use cards::*;
use columns::*;
use model::*;
use moves::*;
use reveal::*;

/// Board-wide state shared by columns and cards.
#[derive(Clone, Copy)]
struct BoardCtx {
    state: super::AppState,
    i18n: I18n,
    model: Memo<BoardModel>,
    open_menu: RwSignal<Option<Id>>,
    lost_for: RwSignal<Option<Id>>,
    /// How many columns show their whole page (the others their `first`
    /// cards); more than the columns once the closed zones are drawn too.
    revealed: RwSignal<usize>,
    /// What a column shows before it is revealed.
    first: Reach,
    /// How far down a revealed column draws the cards of its page: a
    /// window's height below the screen, grown as the board is scrolled (and
    /// to a card moved by keyboard), so that a move or a keystroke lays out
    /// and paints the cards that can come into view, not whole pages.
    reach: RwSignal<Reach>,
    /// Which run of `reveal_next` is current: a restart ends the one before.
    reveal_run: StoredValue<u32>,
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
        first: Reach::here(),
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
            ctx.reach.set(Reach { room });
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
    let salespeople = move || crate::ui::widgets::salesperson_options(state);
    let on_pipeline = move |ev: ev::Event| {
        if let Ok(id) = uuid::Uuid::parse_str(&event_target_value(&ev)) {
            restart_reveal(ctx);
            state.try_apply(Command::SwitchPipeline { id });
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
