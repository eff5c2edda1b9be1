//! Clients: the sortable list, and one client with ratings, score, contact
//! details, deals and tasks.

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::deal_tasks::TaskRow;
use super::drafts::{save_form, FormMarks};
use super::i18n::*;
use super::needle::Needle;
use super::new_deal::NewDealDialog;
use super::paged::{Paging, ShowMore};
use super::widgets::{follow_record, FormStatus, Modal};
use super::{display, labels, use_app, Route};
use crate::domain::agenda::{client_overviews, ClientOverview};
use crate::domain::links::{safe_href, LinkKind};
use crate::domain::scoring::{client_score, ClientPattern, Factor, ScoreExplanation};
use crate::domain::sorting;
use crate::domain::{ClientInput, Command, Id, Outcome, Stars, Task};

/// The name of a rating.
fn factor(i18n: I18n, f: Factor) -> String {
    match f {
        Factor::Potential => t_string!(i18n, client.potential),
        Factor::Behaviour => t_string!(i18n, client.behaviour),
        Factor::Interest => t_string!(i18n, client.interest),
    }
    .to_string()
}

/// Why a client scored as it did, in one line.
pub fn explanation(i18n: I18n, e: &ScoreExplanation) -> String {
    let mut text = match (e.pattern, e.strongest, e.weakest) {
        (Some(ClientPattern::KeenButFickle), _, _) => {
            t_string!(i18n, score.keen_but_fickle).to_string()
        }
        (Some(ClientPattern::EndlessWishes), _, _) => {
            t_string!(i18n, score.endless_wishes).to_string()
        }
        (None, Some(s), Some(w)) => tf!(
            i18n,
            score.strong_weak,
            strong = factor(i18n, s),
            weak = factor(i18n, w)
        ),
        _ => t_string!(i18n, score.even).to_string(),
    };
    if e.partly_rated {
        text.push(' ');
        text.push_str(t_string!(i18n, score.partly));
    }
    text
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Name,
    Company,
    Score,
    OpenDeals,
    OpenValue,
    LastContact,
}

#[derive(Clone, PartialEq)]
struct Row {
    overview: ClientOverview,
    name: String,
    company: String,
    /// Lower-case name and company, to sort by (made once, not per comparison).
    name_key: String,
    company_key: String,
}

/// The clients list.
#[component]
pub fn Clients() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new((SortBy::Name, true));
    let creating = RwSignal::new(false);
    let paging = Paging::new();
    let rows = Memo::new(move |_| {
        let needle = Needle::new(&search.get());
        let (by, ascending) = sort.get();
        let mut rows: Vec<Row> = state.workspace.with(|ws| {
            client_overviews(ws)
                .into_iter()
                .filter_map(|o| {
                    let c = ws.client(o.id)?;
                    let hit = needle.is_empty()
                        || needle.in_text(&c.name)
                        || needle.in_text(&c.company)
                        || needle.in_text(&c.email);
                    hit.then(|| Row {
                        name: c.name.clone(),
                        company: c.company.clone(),
                        name_key: c.name.to_lowercase(),
                        company_key: c.company.to_lowercase(),
                        overview: o,
                    })
                })
                .collect()
        });
        sorting::sort_by(&mut rows, |a, b| {
            let order = match by {
                SortBy::Name => a.name_key.cmp(&b.name_key),
                SortBy::Company => a.company_key.cmp(&b.company_key),
                SortBy::Score => a
                    .overview
                    .score
                    .map(|s| s.score)
                    .cmp(&b.overview.score.map(|s| s.score)),
                SortBy::OpenDeals => a.overview.open_deals.cmp(&b.overview.open_deals),
                SortBy::OpenValue => a.overview.open_value.cmp(&b.overview.open_value),
                SortBy::LastContact => a.overview.last_contact.cmp(&b.overview.last_contact),
            };
            if ascending {
                order
            } else {
                order.reverse()
            }
        });
        rows
    });
    let header = move |by: SortBy, label: Signal<String>| {
        let aria = move || {
            let (current, asc) = sort.get();
            if current != by {
                "none"
            } else if asc {
                "ascending"
            } else {
                "descending"
            }
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button
                    class="sort-button"
                    on:click=move |_| {
                        sort.update(|(current, asc)| {
                            if *current == by {
                                *asc = !*asc;
                            } else {
                                *current = by;
                                *asc = true;
                            }
                        })
                    }
                >
                    {move || label.get()}
                    <span aria-hidden="true">
                        {move || match sort.get() {
                            (c, true) if c == by => " ▲",
                            (c, false) if c == by => " ▼",
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    let currency = move || state.workspace.with(|ws| ws.settings.currency.clone());
    view! {
        <section aria-labelledby="clients-title">
            <div class="board-toolbar">
                <h2 id="clients-title">{t!(i18n, client.list_title)}</h2>
                <label class="search">
                    {t!(i18n, client.search)}
                    <input type="search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                </label>
                <button class="primary" on:click=move |_| creating.set(true)>{t!(i18n, client.new)}</button>
            </div>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=move || view! { <p class="empty-state">{t!(i18n, client.empty)}</p> }
            >
                <div class="table-wrap">
                    <table class="data-table">
                        <caption class="sr-only">{t!(i18n, client.list_title)}</caption>
                        <thead>
                            <tr>
                                {header(SortBy::Name, Signal::derive(move || t_string!(i18n, client.name).to_string()))}
                                {header(SortBy::Company, Signal::derive(move || t_string!(i18n, client.company).to_string()))}
                                {header(SortBy::Score, Signal::derive(move || t_string!(i18n, client.score).to_string()))}
                                {header(SortBy::OpenDeals, Signal::derive(move || t_string!(i18n, client.open_deals).to_string()))}
                                {header(SortBy::OpenValue, Signal::derive(move || t_string!(i18n, client.open_value).to_string()))}
                                {header(SortBy::LastContact, Signal::derive(move || t_string!(i18n, client.last_contact).to_string()))}
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.with(|r| paging.take(r)) key=|r| (r.overview.id, r.name.clone(), r.company.clone(), r.overview.open_deals, r.overview.open_value, r.overview.last_contact, r.overview.score.map(|s| s.score)) let(row)>
                                <tr>
                                    <th scope="row">
                                        <a href=Route::Client(row.overview.id).hash()>{row.name.clone()}</a>
                                    </th>
                                    <td>{row.company.clone()}</td>
                                    <td>
                                        {row.overview.score.map(|s| {
                                            view! {
                                                <span class=format!("badge rank rank-{}", s.rank)>{s.rank.to_string()}</span>
                                                " "
                                                {s.score}
                                            }
                                        })}
                                    </td>
                                    <td class="num">{row.overview.open_deals}</td>
                                    <td class="num">{move || display::money(i18n.get_locale(), row.overview.open_value, &currency())}</td>
                                    <td>{row.overview.last_contact.map(display::date_time).unwrap_or_default()}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
                <ShowMore paging total=Signal::derive(move || rows.with(Vec::len)) />
            </Show>
            <NewClientDialog open=creating />
        </section>
    }
}

#[component]
fn NewClientDialog(open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let name = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // As the new-deal dialog: Escape keeps what was typed, Cancel empties it.
    let close = Callback::new(move |_| open.set(false));
    let discard = Callback::new(move |_| {
        open.set(false);
        for s in [name, company, email, phone] {
            s.set(String::new());
        }
        error.set(None);
    });
    state.drafts.register_new(move || {
        let typed = [name, company, email, phone]
            .iter()
            .any(|s| s.with_untracked(|t| !t.trim().is_empty()));
        typed.then(|| tf!(i18n, nav.draft_new_client, name = name.get_untracked()))
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let id = Uuid::new_v4();
        let input = ClientInput {
            name: name.get_untracked(),
            company: company.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            ..ClientInput::default()
        };
        match state.apply(Command::CreateClient { id, input }) {
            Ok(()) => {
                discard.run(());
                state.navigate(Route::Client(id));
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <Modal open=open on_close=close title=Signal::derive(move || t_string!(i18n, client.new).to_string())>
            <form on:submit=submit novalidate>
                <label>{t!(i18n, client.name)} <input type="text" bind:value=name /></label>
                <label>{t!(i18n, client.company)} <input type="text" bind:value=company /></label>
                <label>{t!(i18n, client.email)} <input type="email" bind:value=email /></label>
                <label>{t!(i18n, client.phone)} <input type="tel" bind:value=phone /></label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-buttons">
                    <button type="submit" class="primary">{t!(i18n, client.create)}</button>
                    <button type="button" on:click=move |_| discard.run(())>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        </Modal>
    }
}

/// One client.
#[component]
pub fn ClientPage(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let exists = move || state.workspace.with(|ws| ws.client(id).is_some());
    view! {
        <Show
            when=exists
            fallback=move || view! {
                <p class="empty-state">{t!(i18n, client.missing)} " " <a href="#/clients">{t!(i18n, client.back)}</a></p>
            }
        >
            <ClientView id />
        </Show>
    }
}

fn contact_link(kind: LinkKind, text: String) -> impl IntoView {
    match safe_href(kind, &text) {
        Some(href) => {
            let external = kind == LinkKind::Web;
            view! {
                <a href=href target=external.then_some("_blank") rel=external.then_some("noopener noreferrer")>
                    {text}
                </a>
            }
            .into_any()
        }
        None => view! { <span>{text}</span> }.into_any(),
    }
}

#[component]
fn ClientView(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let client = Memo::new(move |_| state.workspace.with(|ws| ws.client(id).cloned()));
    let score =
        Memo::new(move |_| client.with(|c| c.as_ref().and_then(|c| client_score(c.rating))));
    let new_deal = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let name = move || client.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let deals = Memo::new(move |_| {
        state.workspace.with(|ws| {
            ws.deals_of_client(id)
                .map(|d| (d.id, d.title.clone(), d.outcome, d.value.clone()))
                .collect::<Vec<_>>()
        })
    });
    let tasks = Memo::new(move |_| {
        state.workspace.with(|ws| {
            let deals: Vec<Id> = ws.deals_of_client(id).map(|d| d.id).collect();
            let mut list: Vec<Task> = ws
                .tasks
                .iter()
                .filter(|t| deals.contains(&t.deal_id))
                .cloned()
                .collect();
            sorting::sort_by_key(&mut list, |t| (t.done_at.is_some(), t.due));
            list
        })
    });
    let rate = move |which: Factor, value: Stars| {
        let Some(mut rating) = client.with_untracked(|c| c.as_ref().map(|c| c.rating)) else {
            return;
        };
        match which {
            Factor::Potential => rating.potential = value,
            Factor::Behaviour => rating.behaviour = value,
            Factor::Interest => rating.interest = value,
        }
        state.try_apply(Command::RateClient { id, rating });
    };
    let rating_of = move |which: Factor| {
        move || {
            client.with(|c| {
                c.as_ref()
                    .map(|c| match which {
                        Factor::Potential => c.rating.potential,
                        Factor::Behaviour => c.rating.behaviour,
                        Factor::Interest => c.rating.interest,
                    })
                    .unwrap_or(0)
                    .to_string()
            })
        }
    };
    let rating_select = move |which: Factor| {
        view! {
            <label>
                {move || factor(i18n, which)}
                <select
                    prop:value=rating_of(which)
                    on:change=move |ev| rate(which, event_target_value(&ev).parse().unwrap_or(0))
                >
                    <option value="0">{t!(i18n, client.not_rated)}</option>
                    <option value="1">{t!(i18n, client.stars_1)}</option>
                    <option value="2">"2"</option>
                    <option value="3">{t!(i18n, client.stars_3)}</option>
                    <option value="4">"4"</option>
                    <option value="5">{t!(i18n, client.stars_5)}</option>
                </select>
            </label>
        }
    };
    let factor_help = move || {
        [Factor::Potential, Factor::Behaviour, Factor::Interest]
            .into_iter()
            .map(|f| match f {
                Factor::Potential => t_string!(i18n, client.potential_help),
                Factor::Behaviour => t_string!(i18n, client.behaviour_help),
                Factor::Interest => t_string!(i18n, client.interest_help),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let delete = move |_| {
        if state.try_apply(Command::DeleteClient { id }) {
            deleting.set(false);
            state.navigate(Route::Clients);
        }
    };
    view! {
        <article class="client-page" aria-labelledby="client-title">
            <p><a href="#/clients">{t!(i18n, client.back)}</a></p>
            <header class="deal-head">
                <h2 id="client-title">{name}</h2>
                {move || score.get().map(|s| view! {
                    <span class=format!("badge rank rank-{}", s.rank)>{tf!(i18n, client.rank, rank = s.rank)}</span>
                })}
            </header>
            <div class="deal-columns">
                <div>
                    <section class="ratings panel" aria-labelledby="rating-title">
                        <h3 id="rating-title">{t!(i18n, client.rating_title)}</h3>
                        <div class="form-row">
                            {rating_select(Factor::Potential)}
                            {rating_select(Factor::Behaviour)}
                            {rating_select(Factor::Interest)}
                        </div>
                        <p class="muted small">{factor_help}</p>
                        <p class="score-line" role="status">
                            {move || match score.get() {
                                Some(s) => format!(
                                    "{} — {}",
                                    tf!(i18n, client.score_line, score = s.score, rank = s.rank),
                                    explanation(i18n, &s.explanation)
                                ),
                                None => t_string!(i18n, client.unrated).to_string(),
                            }}
                        </p>
                    </section>
                    <section class="panel" aria-labelledby="contact-title">
                        <h3 id="contact-title">{t!(i18n, client.contact)}</h3>
                        <dl class="contact">
                            {move || client.get().map(|c| view! {
                                <dt>{t!(i18n, client.email)}</dt><dd>{contact_link(LinkKind::Email, c.email.clone())}</dd>
                                <dt>{t!(i18n, client.phone)}</dt><dd>{contact_link(LinkKind::Phone, c.phone.clone())}</dd>
                                <dt>{t!(i18n, client.website)}</dt><dd>{contact_link(LinkKind::Web, c.website.clone())}</dd>
                            })}
                        </dl>
                    </section>
                    <ClientForm id />
                </div>
                <div>
                    <section class="panel" aria-labelledby="client-deals-title">
                        <h3 id="client-deals-title">{t!(i18n, client.deals)}</h3>
                        <button class="primary" on:click=move |_| new_deal.set(true)>{t!(i18n, client.new_deal)}</button>
                        <ul class="plain-list">
                            <For each=move || deals.get() key=|d| d.clone() let((deal_id, title, outcome, value))>
                                <li>
                                    <a href=Route::Deal(deal_id).hash()>{title}</a>
                                    " · " {move || display::money_of(i18n.get_locale(), &value)}
                                    " · " {move || labels::outcome(i18n, outcome)}
                                </li>
                            </For>
                        </ul>
                        <Show when=move || deals.with(|d| d.is_empty())>
                            <p class="muted">{t!(i18n, client.no_deals)}</p>
                        </Show>
                    </section>
                    <section class="panel tasks" aria-labelledby="client-tasks-title">
                        <h3 id="client-tasks-title">{t!(i18n, tasks.title)}</h3>
                        <ul class="task-list">
                            <For each=move || tasks.get() key=|t| t.clone() let(task)>
                                <TaskRow task />
                            </For>
                        </ul>
                        <Show when=move || tasks.with(|t| t.is_empty())>
                            <p class="muted">{t!(i18n, tasks.none)}</p>
                        </Show>
                    </section>
                    <button class="danger" on:click=move |_| deleting.set(true)>{t!(i18n, client.delete)}</button>
                </div>
            </div>
            <NewDealDialog open=new_deal client=id />
            <Modal open=deleting on_close=Callback::new(move |_| deleting.set(false)) title=Signal::derive(move || tf!(i18n, client.delete_title, name = name()))>
                <p>{move || tf!(i18n, client.delete_text, count = deals.with(|d| d.iter().filter(|x| x.2 != Outcome::Lost).count()))}</p>
                <div class="dialog-buttons">
                    <button class="danger" on:click=delete>{t!(i18n, client.confirm_delete)}</button>
                    <button on:click=move |_| deleting.set(false)>{t!(i18n, common.cancel)}</button>
                </div>
            </Modal>
        </article>
    }
}

#[component]
fn ClientForm(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let Some(initial) = state
        .workspace
        .with_untracked(|ws| ws.client(id).map(ClientInput::from_client))
    else {
        return ().into_any();
    };
    let name = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let website = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let prior = RwSignal::new(false);
    let decision_makers = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let changed_elsewhere = RwSignal::new(false);
    // Shows `input` in the fields (those that differ: a field being typed in
    // keeps its caret).
    let fill = move |input: &ClientInput| {
        let put = |field: RwSignal<String>, text: &String| {
            if field.with_untracked(|f| f != text) {
                field.set(text.clone());
            }
        };
        put(name, &input.name);
        put(company, &input.company);
        put(email, &input.email);
        put(phone, &input.phone);
        put(website, &input.website);
        put(address, &input.address);
        put(source, &input.source);
        if prior.get_untracked() != input.prior_contact {
            prior.set(input.prior_contact);
        }
        put(decision_makers, &input.decision_makers);
        put(notes, &input.notes);
    };
    // What the fields were filled from (see `ClientInput::rebased`).
    let base = StoredValue::new(initial);
    let marks = FormMarks {
        error,
        saved,
        changed_elsewhere,
        base,
    };
    fill(&base.get_value());
    let read = move || ClientInput {
        name: name.get_untracked(),
        company: company.get_untracked(),
        email: email.get_untracked(),
        phone: phone.get_untracked(),
        website: website.get_untracked(),
        address: address.get_untracked(),
        source: source.get_untracked(),
        prior_contact: prior.get_untracked(),
        decision_makers: decision_makers.get_untracked(),
        notes: notes.get_untracked(),
    };
    let current = move || {
        state
            .workspace
            .with(|ws| ws.client(id).map(ClientInput::from_client))
    };
    let status = FormStatus {
        saved,
        changed_elsewhere,
    };
    follow_record(current, base, status, move |was, now| {
        fill(&read().rebased(was, now));
        true
    });
    // As the deal form: saves the fields that differ from the client; the
    // message when they cannot be saved.
    let save = move || -> Result<(), String> {
        let Some(now) = untrack(current) else {
            return Ok(());
        };
        save_form(
            state,
            marks,
            (read().rebased(&base.get_value(), &now), now),
            |input| Command::EditClient { id, input },
            |ws| ws.client(id).map(ClientInput::from_client),
            fill,
        )
    };
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let _ = save();
    };
    let on_change = move |_| {
        let _ = save();
    };
    state.drafts.register(move || {
        save().map_err(|message| {
            let name = base.with_value(|b| b.name.clone());
            format!("“{name}”: {message}")
        })
    });
    view! {
        <form class="deal-form" on:submit=submit on:change=on_change aria-labelledby="client-details-title" novalidate>
            <h3 id="client-details-title">{t!(i18n, client.details)}</h3>
            <div class="form-row">
                <label>{t!(i18n, client.name)} <input type="text" bind:value=name /></label>
                <label>{t!(i18n, client.company)} <input type="text" bind:value=company /></label>
            </div>
            <div class="form-row">
                <label>{t!(i18n, client.email)} <input type="email" bind:value=email /></label>
                <label>{t!(i18n, client.phone)} <input type="tel" bind:value=phone /></label>
            </div>
            <label>{t!(i18n, client.website)} <input type="text" inputmode="url" bind:value=website /></label>
            <label>{t!(i18n, client.address)} <input type="text" bind:value=address /></label>
            <div class="form-row">
                <label>{t!(i18n, client.source)} <input type="text" bind:value=source /></label>
                <label class="checkbox"><input type="checkbox" bind:checked=prior /> {t!(i18n, client.prior_contact)}</label>
            </div>
            <label>{t!(i18n, client.decision_makers)} <input type="text" bind:value=decision_makers /></label>
            <label>{t!(i18n, client.notes)} <textarea rows="3" bind:value=notes></textarea></label>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show when=move || saved.get()><p class="form-ok" role="status">{t!(i18n, deal.saved)}</p></Show>
            <Show when=move || changed_elsewhere.get()><p class="form-note" role="status">{t!(i18n, client.changed_elsewhere)}</p></Show>
            <button type="submit" class="primary">{t!(i18n, client.save)}</button>
        </form>
    }
    .into_any()
}
