//! A stage's column and the closed zones (won, lost).

use leptos::prelude::*;

use crate::domain::{Stage, StageKind};
use crate::ui::i18n::*;
use crate::ui::paged::{Paging, ShowMore, PAGE};
use crate::ui::{display, labels, use_app, Route};

use super::*;

#[component]
pub(super) fn Column(stage: Stage) -> impl IntoView {
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
            total = display::money(locale, total, &cur),
            weighted = display::money(locale, weighted, &cur)
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

#[component]
pub(super) fn ClosedZone(won: bool) -> impl IntoView {
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
        let total = display::money(i18n.get_locale(), total, &cur);
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
                        <span class="muted">{move || display::money_of(i18n.get_locale(), &card.value)}</span>
                    </li>
                </For>
            </ul>
        </details>
    }
}
