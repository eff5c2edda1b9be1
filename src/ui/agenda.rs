//! The agenda: overdue, today and upcoming tasks ordered by score, the
//! cadence suggestions, and announcing tasks as they fall due.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;

use super::i18n::*;
use super::paged::{Paging, ShowMore};
use super::suggestions::{accept_suggestion, described_agenda_suggestions};
use super::{computed_after_paint, display, labels, updated_after_paint, use_app, AppState, Route};
use crate::domain::agenda::{agenda, fell_due, Agenda, Calendar};
use crate::domain::rules::KeptSuggestions;
use crate::domain::{Command, Id, TaskKind};

/// One row of the agenda.
#[derive(Clone, PartialEq, Eq, Hash)]
struct AgendaRow {
    id: Id,
    deal_id: Id,
    deal: String,
    client: String,
    kind: TaskKind,
    note: String,
    due: DateTime<Utc>,
    score: u8,
}

/// The browser's calendar, in its time zone (daylight saving included).
struct LocalCalendar;

impl Calendar for LocalCalendar {
    fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        display::local(at).date()
    }
    fn end_of(&self, day: NaiveDate) -> DateTime<Utc> {
        display::local_midnight_after(day)
    }
}

/// A line of a group's table: a task, or the day the tasks under it are due.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Line {
    Day(NaiveDate),
    Task(AgendaRow),
}

/// The lines for the first `ids`, with a day line where each of `days` starts.
fn lines(state: AppState, ids: &[(Id, u8)], days: &[(NaiveDate, usize)]) -> Vec<Line> {
    state.workspace.with(|ws| {
        let mut days = days.iter().peekable();
        let mut out = Vec::with_capacity(ids.len() + 1);
        for (at, (id, score)) in ids.iter().enumerate() {
            if let Some((day, _)) = days.next_if(|(_, start)| *start == at) {
                out.push(Line::Day(*day));
            }
            // Done since the agenda was last ranked.
            let Some(t) = ws.task(*id).filter(|t| t.done_at.is_none()) else {
                continue;
            };
            let deal = ws.deal(t.deal_id);
            out.push(Line::Task(AgendaRow {
                id: t.id,
                deal_id: t.deal_id,
                deal: deal.map(|d| d.title.clone()).unwrap_or_default(),
                client: deal
                    .and_then(|d| d.client_id)
                    .and_then(|c| ws.client(c))
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                kind: t.kind,
                note: t.note.clone(),
                due: t.due,
                score: *score,
            }));
        }
        out
    })
}

/// Where a group's days start in the agenda.
type DaysOf = fn(&Agenda) -> &[(NaiveDate, usize)];

/// The agenda screen.
#[component]
pub fn AgendaPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    // Which tasks, in order; each group draws rows for the page it shows.
    // Ranking every open task and working out every deal's suggestions
    // again waits for the frame that shows a change: until then a task done
    // leaves its group (see `lines`) and the rest keeps its place.
    let ranked = move || {
        let now = state.now.get_untracked();
        state
            .workspace
            .with_untracked(|ws| agenda(ws, now, &LocalCalendar))
    };
    let groups = computed_after_paint(
        Some(ranked()),
        move || {
            state.workspace.track();
            state.now.track();
        },
        ranked,
    );
    // Only the deals a change touched have their suggestions worked out again.
    let suggestions = updated_after_paint(
        state.workspace.with_untracked(KeptSuggestions::of),
        true,
        move || state.workspace.track(),
        move |kept: &mut KeptSuggestions| state.workspace.with_untracked(|ws| kept.refresh(ws)),
    );
    // Suggestions are for later: ten at first, under what is due now.
    let suggestion_paging = Paging::of(10);
    let shown_suggestions = move || {
        let shown = suggestion_paging.shown();
        suggestions.with(|kept| {
            let s = kept.list();
            described_agenda_suggestions(state, i18n, &s[..s.len().min(shown)])
        })
    };
    view! {
        <section aria-labelledby="agenda-title">
            <h2 id="agenda-title">{t!(i18n, agenda.title)}</h2>
            <NotificationOptIn />
            <AgendaGroup
                title=Signal::derive(move || t_string!(i18n, agenda.overdue).to_string())
                groups
                pick=|g| &g.overdue
                overdue=true
            />
            <AgendaGroup
                title=Signal::derive(move || t_string!(i18n, agenda.today).to_string())
                groups
                pick=|g| &g.today
                overdue=false
            />
            // What is due comes first; suggestions turn into tasks for later.
            <Show when=move || suggestions.with(|kept| !kept.list().is_empty())>
                <section class="suggestions" aria-labelledby="agenda-suggestions">
                    <h3 id="agenda-suggestions">{t!(i18n, cadence.title)}</h3>
                    <ul>
                        <For each=shown_suggestions key=|(s, deal, text)| (s.key.clone(), s.deal_id, deal.clone(), text.clone()) let((s, deal, text))>
                            <li class="suggestion">
                                <span>
                                    <a href=Route::Deal(s.deal_id).hash()>{deal.clone()}</a>
                                    ": " {text.clone()}
                                </span>
                                <button
                                    class="primary"
                                    aria-label=move || tf!(i18n, cadence.accept_label, what = format!("{deal}: {text}"))
                                    on:click={
                                        let s = s.clone();
                                        move |_| accept_suggestion(state, i18n, &s)
                                    }
                                >
                                    {t!(i18n, cadence.accept)}
                                </button>
                            </li>
                        </For>
                    </ul>
                    <ShowMore paging=suggestion_paging total=Signal::derive(move || suggestions.with(|kept| kept.list().len())) />
                </section>
            </Show>
            <AgendaGroup
                title=Signal::derive(move || t_string!(i18n, agenda.upcoming).to_string())
                groups
                pick=|g| &g.upcoming
                days=|g| &g.upcoming_days[..]
                overdue=false
            />
        </section>
    }
}

#[component]
fn AgendaGroup(
    title: Signal<String>,
    /// The whole agenda, read in place: a group can hold every open task.
    groups: ReadSignal<Agenda>,
    /// This group's tasks in it.
    pick: fn(&Agenda) -> &Vec<(Id, u8)>,
    /// Where each day of this group starts, when it is shown day by day.
    #[prop(optional)]
    days: Option<DaysOf>,
    overdue: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let paging = Paging::new();
    let total = Memo::new(move |_| groups.with(|g| pick(g).len()));
    let rows = Memo::new(move |_| {
        let shown = paging.shown();
        groups.with(|g| {
            let ids = pick(g);
            let days = days.map_or(&[][..], |d| d(g));
            lines(state, &ids[..ids.len().min(shown)], days)
        })
    });
    let heading = move || format!("{} ({})", title.get(), total.get());
    let done = move |id: Id| {
        let command = Command::CompleteTask {
            id,
            outcome: String::new(),
            offer_promised: false,
        };
        if state.try_apply(command) {
            state.announce(t_string!(i18n, agenda.completed).to_string());
        }
    };
    view! {
        <section class="panel agenda-group" class:overdue-group=overdue aria-label=move || title.get()>
            <h3>{heading}</h3>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=move || view! { <p class="muted">{t!(i18n, agenda.nothing)}</p> }
            >
                <div class="table-wrap">
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, agenda.deal)}</th>
                                <th scope="col">{t!(i18n, deal.client)}</th>
                                <th scope="col">{t!(i18n, tasks.kind)}</th>
                                <th scope="col">{t!(i18n, tasks.due)}</th>
                                <th scope="col">{t!(i18n, agenda.score)}</th>
                                <th scope="col"><span class="sr-only">{t!(i18n, agenda.actions)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|r| r.clone() let(line)>
                                {match line {
                                    Line::Day(day) => view! {
                                        <tr class="day-row">
                                            <th colspan="6" scope="colgroup">{move || display::day_heading(i18n.get_locale(), day)}</th>
                                        </tr>
                                    }.into_any(),
                                    Line::Task(row) => view! {
                                        <tr class:overdue=overdue>
                                            <th scope="row">
                                                <a href=Route::Deal(row.deal_id).hash()>{row.deal.clone()}</a>
                                                {(!row.note.is_empty()).then(|| view! { <span class="muted small">" — " {row.note.clone()}</span> })}
                                            </th>
                                            <td>{row.client.clone()}</td>
                                            <td>{move || labels::task_kind(i18n, row.kind)}</td>
                                            <td>{display::date_time(row.due)}</td>
                                            <td class="num">{row.score}</td>
                                            <td>
                                                <button
                                                    aria-label={
                                                        let what = format!("{} – {}", row.deal, row.note);
                                                        move || tf!(i18n, agenda.done_label, kind = labels::task_kind(i18n, row.kind), what = what.clone())
                                                    }
                                                    on:click=move |_| done(row.id)
                                                >
                                                    {t!(i18n, tasks.mark_done)}
                                                </button>
                                            </td>
                                        </tr>
                                    }.into_any(),
                                }}
                            </For>
                        </tbody>
                    </table>
                </div>
                <ShowMore paging total />
            </Show>
        </section>
    }
}

thread_local! {
    /// The permission as last read: reading it can take several
    /// milliseconds, and the agenda shows it each time it opens.
    static PERMISSION: std::cell::Cell<Option<Option<web_sys::NotificationPermission>>> =
        const { std::cell::Cell::new(None) };
}

fn notification_permission() -> Option<web_sys::NotificationPermission> {
    // Not every browser (or context) has the Notification API.
    let has_api = js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false);
    let permission = has_api.then(web_sys::Notification::permission);
    PERMISSION.set(Some(permission));
    permission
}

/// The permission as last read, read now the first time.
fn known_notification_permission() -> Option<web_sys::NotificationPermission> {
    PERMISSION.get().unwrap_or_else(notification_permission)
}

/// Offers the browser's notifications; nothing is asked unless the user clicks.
#[component]
fn NotificationOptIn() -> impl IntoView {
    let i18n = use_i18n();
    let permission = RwSignal::new(known_notification_permission());
    // The user may have changed it in the browser's settings meanwhile.
    super::after_next_paint(move || {
        let now = notification_permission();
        if permission.try_get_untracked().is_some_and(|p| p != now) {
            permission.set(now);
        }
    });
    let ask = move |_| {
        if let Ok(promise) = web_sys::Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                permission.set(notification_permission());
            });
        }
    };
    view! {
        {move || match permission.get() {
            Some(web_sys::NotificationPermission::Default) => view! {
                <p class="small">
                    {t!(i18n, agenda.notify_offer)} " "
                    <button on:click=ask>{t!(i18n, agenda.notify_button)}</button>
                </p>
            }.into_any(),
            Some(web_sys::NotificationPermission::Granted) => view! {
                <p class="small muted">{t!(i18n, agenda.notify_on)}</p>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// While the tab is open, announces each task as it falls due: in the page,
/// and through the browser's notifications when the user allowed them.
pub fn announce_due_tasks(state: AppState, i18n: I18n) {
    let last = StoredValue::new(state.now.get_untracked());
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        // Every change sets the clock: look after the frame that shows the
        // change, not before it, since the look walks every task.
        state.now.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        super::after_next_paint(move || {
            pending.try_set_value(false);
            let (Some(now), Some(since)) = (state.now.try_get_untracked(), last.try_get_value())
            else {
                return;
            };
            last.set_value(now);
            if now <= since {
                return;
            }
            let due: Vec<(String, Id)> = state.workspace.with_untracked(|ws| {
                fell_due(ws, since, now)
                    .into_iter()
                    .filter_map(|id| {
                        let t = ws.task(id)?;
                        let deal = ws.deal(t.deal_id)?;
                        let what = if t.note.is_empty() {
                            deal.title.clone()
                        } else {
                            format!("{} – {}", deal.title, t.note)
                        };
                        Some((
                            tf!(
                                i18n,
                                agenda.due_now,
                                kind = labels::task_kind(i18n, t.kind),
                                what = what
                            ),
                            deal.id,
                        ))
                    })
                    .collect()
            });
            for (text, deal) in due {
                if notification_permission() == Some(web_sys::NotificationPermission::Granted) {
                    let _ = web_sys::Notification::new(&text);
                }
                state.toasts.show_with(
                    text,
                    t_string!(i18n, agenda.open_deal).to_string(),
                    move || state.navigate(Route::Deal(deal)),
                );
            }
        });
    });
}
