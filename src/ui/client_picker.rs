//! Choosing a deal's client by typing part of a name. A list of every
//! client would be a `<select>` of thousands of options built each time a
//! deal opens; this field lists only the few clients that match what was
//! typed, and only while it is open.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::i18n::*;
use super::needle::Needle;
use super::use_app;
use crate::domain::Id;

/// Clients listed at once; typing narrows the rest.
const LISTED: usize = 8;

/// One line of the open list.
#[derive(Clone, PartialEq)]
enum Choice {
    NoClient,
    Client {
        id: Id,
        name: String,
        company: String,
    },
}

/// What the open list shows.
#[derive(Clone, PartialEq, Default)]
struct Listing {
    choices: Vec<Choice>,
    /// Matching clients not listed.
    more: usize,
}

static PICKERS: AtomicUsize = AtomicUsize::new(0);

/// A field holding a client's id (`selected`, empty for none), shown as the
/// client's name. What is typed and not picked never changes the choice:
/// leaving the field keeps the client whose name was typed exactly, or no
/// client when it was cleared, and otherwise says so and restores the name.
/// `on_pick` runs when a client is picked from the list, for forms that save
/// as each field changes.
#[component]
pub fn ClientPicker(
    selected: RwSignal<String>,
    #[prop(optional, into)] on_pick: Option<Callback<()>>,
) -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    let list_id = format!("client-picker-{}", PICKERS.fetch_add(1, Ordering::Relaxed));
    let name_of = move |id: &str| -> String {
        Uuid::parse_str(id)
            .ok()
            .and_then(|id| {
                state
                    .workspace
                    .with(|ws| ws.client(id).map(|c| c.name.clone()))
            })
            .unwrap_or_default()
    };
    // What the input shows, and what the list is filtered by: opening the
    // list without typing lists every client, not only the chosen one.
    let text = RwSignal::new(name_of(&selected.get_untracked()));
    let query = RwSignal::new(String::new());
    let editing = RwSignal::new(false);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let notice = RwSignal::new(None::<String>);

    // The chosen client's name, also when it changes elsewhere, unless the
    // user is typing in the field.
    Effect::new(move |_| {
        let name = name_of(&selected.get());
        if !editing.get_untracked() {
            text.set(name);
        }
    });

    let listing = Memo::new(move |_| {
        if !open.get() {
            return Listing::default();
        }
        let needle = Needle::new(&query.get());
        state.workspace.with(|ws| {
            let mut hits: Vec<(String, usize)> = ws
                .clients
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    needle.is_empty() || needle.in_text(&c.name) || needle.in_text(&c.company)
                })
                .map(|(i, c)| (c.name.to_lowercase(), i))
                .collect();
            let more = hits.len().saturating_sub(LISTED);
            if more > 0 {
                hits.select_nth_unstable(LISTED - 1);
                hits.truncate(LISTED);
            }
            hits.sort_unstable();
            let mut choices = Vec::with_capacity(LISTED + 1);
            if needle.is_empty() {
                choices.push(Choice::NoClient);
            }
            choices.extend(hits.into_iter().map(|(_, i)| {
                let c = &ws.clients[i];
                Choice::Client {
                    id: c.id,
                    name: c.name.clone(),
                    company: c.company.clone(),
                }
            }));
            Listing { choices, more }
        })
    });

    let close = move || {
        open.set(false);
        active.set(None);
    };
    let pick = move |choice: &Choice| {
        let (id, name) = match choice {
            Choice::NoClient => (String::new(), String::new()),
            Choice::Client { id, name, .. } => (id.to_string(), name.clone()),
        };
        editing.set(false);
        notice.set(None);
        close();
        text.set(name);
        selected.set(id);
        if let Some(on_pick) = on_pick {
            on_pick.run(());
        }
    };
    // Typed text, not picked from the list: taken only when it names a
    // client exactly or is empty.
    let settle = move || {
        if !editing.get_untracked() {
            return;
        }
        editing.set(false);
        let typed = text.get_untracked();
        let needle = Needle::new(&typed);
        if needle.is_empty() {
            notice.set(None);
            selected.set(String::new());
            text.set(String::new());
            return;
        }
        let found = state.workspace.with_untracked(|ws| {
            ws.clients
                .iter()
                .find(|c| needle.is_text(&c.name))
                .map(|c| (c.id, c.name.clone()))
        });
        match found {
            Some((id, name)) => {
                notice.set(None);
                selected.set(id.to_string());
                text.set(name);
            }
            None => {
                let kept = name_of(&selected.get_untracked());
                let typed = typed.trim().to_string();
                notice.set(Some(if kept.is_empty() {
                    tf!(i18n, deal.picker_unknown, text = typed).to_string()
                } else {
                    tf!(i18n, deal.picker_kept, text = typed, name = kept.clone()).to_string()
                }));
                text.set(kept);
            }
        }
    };

    let on_input = move |ev: ev::Event| {
        let typed = event_target_value(&ev);
        editing.set(true);
        notice.set(None);
        query.set(typed.clone());
        text.set(typed.clone());
        open.set(true);
        // With something typed, Enter takes the first match.
        active.set((!typed.trim().is_empty()).then_some(0));
    };
    let on_keydown = move |ev: ev::KeyboardEvent| {
        let count = listing.with_untracked(|l| l.choices.len());
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if !open.get_untracked() {
                    query.set(String::new());
                    open.set(true);
                    active.set(Some(0));
                } else if count > 0 {
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1).min(count - 1))));
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = a.map(|i| i.saturating_sub(1)));
            }
            "Enter" => {
                let chosen = active
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| listing.with_untracked(|l| l.choices.get(i).cloned()));
                if let Some(choice) = chosen {
                    // Picking is all this Enter does: the form is not sent.
                    ev.prevent_default();
                    pick(&choice);
                } else {
                    close();
                    settle();
                }
            }
            "Escape" if open.get_untracked() => {
                // Closes the list, not the dialog the field may be in.
                ev.prevent_default();
                ev.stop_propagation();
                close();
                editing.set(false);
                notice.set(None);
                text.set(name_of(&selected.get_untracked()));
            }
            _ => {}
        }
    };
    let on_click = move |_| {
        if !open.get_untracked() {
            query.set(String::new());
            open.set(true);
        }
    };

    let option_id = {
        let list_id = list_id.clone();
        move |i: usize| format!("{list_id}-{i}")
    };
    let active_id = {
        let option_id = option_id.clone();
        move || {
            active
                .get()
                .filter(|_| open.get())
                .map(&option_id)
                .unwrap_or_default()
        }
    };
    let list_id_attr = list_id.clone();
    let options = move || {
        listing.with(|l| {
            l.choices
                .iter()
                .enumerate()
                .map(|(i, choice)| {
                    let chosen = choice.clone();
                    let (label, detail) = match choice {
                        Choice::NoClient => (t_string!(i18n, deal.no_client).to_string(), String::new()),
                        // The company only when it tells the client apart.
                        Choice::Client { name, company, .. } if company != name => {
                            (name.clone(), company.clone())
                        }
                        Choice::Client { name, .. } => (name.clone(), String::new()),
                    };
                    view! {
                        <li
                            role="option"
                            id=option_id(i)
                            class:active=move || active.get() == Some(i)
                            aria-selected=move || (active.get() == Some(i)).to_string()
                            on:mousedown=move |ev: ev::MouseEvent| {
                                // Keeps the focus in the field until the pick is made.
                                ev.prevent_default();
                                pick(&chosen);
                            }
                        >
                            {label}
                            {(!detail.is_empty()).then(|| view! { <span class="muted">{detail}</span> })}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let footer = move || {
        listing.with(|l| {
            if l.more > 0 {
                Some(tf!(i18n, deal.picker_more, count = l.more).to_string())
            } else if l.choices.is_empty() {
                Some(
                    tf!(
                        i18n,
                        deal.picker_none,
                        text = query.get().trim().to_string()
                    )
                    .to_string(),
                )
            } else {
                None
            }
        })
    };

    view! {
        <div class="picker">
            <label>
                {t!(i18n, deal.client)}
                <input
                    type="text"
                    role="combobox"
                    autocomplete="off"
                    aria-autocomplete="list"
                    aria-controls=list_id.clone()
                    aria-expanded=move || open.get().to_string()
                    aria-activedescendant=active_id
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:click=on_click
                    on:change=move |_| settle()
                    on:blur=move |_| {
                        close();
                        settle();
                    }
                />
            </label>
            <Show when=move || open.get()>
                <div class="picker-pop">
                    <ul role="listbox" id=list_id_attr.clone() aria-label=move || t_string!(i18n, deal.picker_list).to_string()>
                        {options.clone()}
                    </ul>
                    {move || footer().map(|f| view! { <p class="muted">{f}</p> })}
                </div>
            </Show>
            {move || notice.get().map(|n| view! { <p class="picker-notice" role="status">{n}</p> })}
        </div>
    }
}
