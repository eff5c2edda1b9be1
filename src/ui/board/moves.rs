//! Moving a deal: by drag and drop, by keyboard or from a card's menu, and
//! where the focus goes after a move.

use leptos::ev;
use leptos::prelude::*;

use crate::domain::{Command, Id, Outcome};
use crate::ui::i18n::*;
use crate::ui::{labels, ApplyError};

use super::*;

/// Where a dragged or moved deal goes.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Target {
    Stage(Id),
    Won,
    Lost,
}

pub(super) fn move_deal(ctx: BoardCtx, deal: Id, target: Target, by_keyboard: bool) {
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
                    let holding = Reach::holding(position);
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
pub(super) fn position_in_column(ctx: BoardCtx, deal: Id) -> Option<usize> {
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

pub(super) fn blur_active() {
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
pub(super) fn focus_card_once_drawn(deal: Id) {
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
pub(super) fn focus_card(deal: Id) -> bool {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(&format!("card-link-{deal}"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

pub(super) fn allow_drop(ev: &ev::DragEvent) {
    ev.prevent_default();
    if let Some(dt) = ev.data_transfer() {
        dt.set_drop_effect("move");
    }
}

pub(super) fn dropped_deal(ev: &ev::DragEvent) -> Option<Id> {
    ev.prevent_default();
    ev.data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|s| uuid::Uuid::parse_str(&s).ok())
}
