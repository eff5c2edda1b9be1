//! How much of the board is drawn, and when: the first frame draws the
//! cards that can be on screen, the next frames one more column each, and
//! the rest as the board is scrolled toward them.

use std::time::Duration;

use leptos::prelude::*;

use super::*;

/// How far down a column draws its cards. In the board's first frame, and
/// the first frame after the search, the salesperson or the pipeline
/// changes, that is the cards that can be on screen. The rest of each column's page follows once that frame
/// is painted, a column a frame, so the board answers sooner: a keystroke in
/// the search draws the cards in view, not six pages of them, and the first
/// frame, the browser's costliest (its style, layout and paint start cold),
/// holds no card below the window. Past the first frame, a column draws the
/// cards of its page that can be within a window's height below the screen
/// (its [`BoardCtx::reach`]), and the rest as the board is scrolled toward
/// them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Reach {
    /// CSS pixels from the board's first card to the bottom of the window, at most.
    pub(super) room: f64,
}

impl Reach {
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
    pub(super) fn for_height(height: f64) -> Self {
        Reach {
            room: (height - Self::BOARD_TOP).max(0.0),
        }
    }

    /// For this window.
    pub(super) fn here() -> Self {
        Self::for_height(window_height())
    }

    /// The room that reaches a window's `height` below the screen, the page
    /// being scrolled `scroll_y` down: cards that far down are drawn before
    /// they are scrolled to, since a card drawn as it arrives on screen
    /// costs a frame of its own.
    pub(super) fn reaching(scroll_y: f64, height: f64) -> Self {
        Reach {
            room: (scroll_y + 2.0 * height - Self::BOARD_TOP).max(0.0),
        }
    }

    /// The least room that holds the card at `position` of any column,
    /// whatever the cards above it hold.
    pub(super) fn holding(position: usize) -> Self {
        Reach {
            room: position as f64 * (Self::SHORTEST_CARD + 3.0 * Self::LINE) + 1.0,
        }
    }

    /// Cards of a column that can be on screen, whatever they hold.
    pub(super) fn most(self) -> usize {
        // `as` saturates: NaN and negatives give 0.
        ((self.room / Self::SHORTEST_CARD).ceil() as usize).max(3)
    }

    /// How many of `cards`, the first of a column, can be on screen: each
    /// counted at the least height its lines take (a long title that wraps
    /// only makes it taller: then fewer show than are drawn).
    pub(super) fn count(self, cards: &[Card]) -> usize {
        Self::fitting(cards, self.room)
    }

    /// How many of `cards` start less than `room` below the first.
    pub(super) fn fitting(cards: &[Card], room: f64) -> usize {
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

/// The window's height in CSS pixels (1 200 when it is unknown).
pub(super) fn window_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .filter(|h| h.is_finite())
        .unwrap_or(1200.0)
}

/// The room down to the foot of the card that has the focus (0 when no
/// card has it), in the board's coordinates (see [`Reach`]).
pub(super) fn focused_card_room() -> f64 {
    let scroll_y = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0);
    document()
        .active_element()
        .and_then(|e| e.closest(".card-item").ok().flatten())
        .map_or(0.0, |card| {
            card.get_bounding_client_rect().bottom() + scroll_y - Reach::BOARD_TOP
        })
}

/// The reach of the window as it is scrolled now (see [`BoardCtx::reach`]).
pub(super) fn window_reach() -> Reach {
    let scroll_y = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0);
    Reach::reaching(scroll_y, window_height())
}

/// Shows the first cards of each column only (see [`Reach`]), and the rest
/// from the next frames on. Call it in the handler that changes what the
/// columns hold, before the change, so that they are drawn once.
pub(super) fn restart_reveal(ctx: BoardCtx) {
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
pub(super) fn reveal_next(ctx: BoardCtx, run: u32) {
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
