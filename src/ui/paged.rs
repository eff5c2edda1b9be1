//! Long lists drawn a page at a time: the first page, and the next one each
//! time the user asks. A list of fifty thousand tasks costs the same to open
//! as a list of fifty, and nothing is hidden: the button under the list says
//! how many are not shown yet.

use leptos::prelude::*;

use super::i18n::*;

/// Rows drawn at first, and added by each "Show more".
pub const PAGE: usize = 50;

/// How much of one list is drawn.
#[derive(Clone, Copy)]
pub struct Paging {
    shown: RwSignal<usize>,
    page: usize,
}

impl Paging {
    /// The first page.
    pub fn new() -> Self {
        Self::of(PAGE)
    }

    /// The first page, for a list drawn `page` rows at a time.
    pub fn of(page: usize) -> Self {
        Paging {
            shown: RwSignal::new(page),
            page,
        }
    }

    /// Back to the first page.
    pub fn reset(&self) {
        self.shown.set(self.page);
    }

    /// How many rows are drawn (tracked).
    pub fn shown(&self) -> usize {
        self.shown.get()
    }

    /// The drawn part of `list`.
    pub fn take<T: Clone>(&self, list: &[T]) -> Vec<T> {
        list[..list.len().min(self.shown())].to_vec()
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::new()
    }
}

/// The button under a paged list, while some of its `total` rows are not drawn.
#[component]
pub fn ShowMore(paging: Paging, #[prop(into)] total: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let left = move || total.get().saturating_sub(paging.shown());
    view! {
        <Show when=move || { left() > 0 }>
            <p class="show-more">
                <button type="button" on:click=move |_| paging.shown.update(|n| *n += paging.page)>
                    {move || tf!(i18n, common.show_more, count = left().min(paging.page), left = left()).to_string()}
                </button>
            </p>
        </Show>
    }
}
