//! A deal's tasks: adding one, and each task with its "Done" form (also
//! on a client's page).

use chrono::Duration;
use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::i18n::*;
use super::{display, labels, use_app};
use crate::domain::sorting;
use crate::domain::{Command, Id, Task, TaskInput, TaskKind};

/// The deal's tasks: add one, mark done with what came of it.
#[component]
pub fn Tasks(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let tasks = Memo::new(move |_| {
        state.workspace.with(|ws| {
            let mut list: Vec<Task> = ws.tasks_of_deal(id).cloned().collect();
            sorting::sort_by_key(&mut list, |t| (t.done_at.is_some(), t.due));
            list
        })
    });
    let kind = RwSignal::new("call".to_string());
    let due = RwSignal::new(display::datetime_input(super::now() + Duration::days(1)));
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    state.drafts.register_new(move || {
        let typed = note.get_untracked();
        // A task for a deal deleted meanwhile has nowhere to go.
        let deal_exists = state.workspace.with_untracked(|ws| ws.deal(id).is_some());
        (deal_exists && !typed.trim().is_empty())
            .then(|| tf!(i18n, nav.draft_new_task, note = typed))
    });
    let on_add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(due_at) = display::parse_datetime_input(&due.get_untracked()) else {
            error.set(Some(t_string!(i18n, error.date_time).to_string()));
            return;
        };
        let kind = labels::task_kind_from(&kind.get_untracked()).unwrap_or(TaskKind::Call);
        let command = Command::CreateTask {
            id: Uuid::new_v4(),
            deal_id: id,
            input: TaskInput {
                kind,
                due: due_at,
                note: note.get_untracked(),
            },
        };
        match state.apply(command) {
            Ok(()) => {
                note.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <section class="tasks" aria-labelledby="tasks-title">
            <h3 id="tasks-title">{t!(i18n, tasks.title)}</h3>
            <form class="task-form" on:submit=on_add aria-label=move || t_string!(i18n, tasks.add_label) novalidate>
                <label>
                    {t!(i18n, tasks.kind)}
                    <select prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {TaskKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=labels::task_kind_value(k)>{move || labels::task_kind(i18n, k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {t!(i18n, tasks.due)}
                    <input type="datetime-local" bind:value=due />
                </label>
                <label>
                    {t!(i18n, tasks.note)}
                    <input type="text" bind:value=note />
                </label>
                <button type="submit">{t!(i18n, tasks.add)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
            <Show when=move || tasks.with(|t| t.is_empty())>
                <p class="muted">{t!(i18n, tasks.none)}</p>
            </Show>
            <ul class="task-list">
                <For each=move || tasks.get() key=|t| t.clone() let(task)>
                    <TaskRow task />
                </For>
            </ul>
        </section>
    }
}

/// One task with its "Done" form.
#[component]
pub fn TaskRow(task: Task) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = task.id;
    let completing = RwSignal::new(false);
    let outcome = RwSignal::new(String::new());
    let promised = RwSignal::new(false);
    let due_at = task.due;
    let is_open = task.done_at.is_none();
    let overdue = move || is_open && due_at < state.now.get();
    let kind = task.kind;
    let done = task.done_at;
    let describe = format!("{} {}", task.note, display::date_time(task.due));
    let complete = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::CompleteTask {
            id,
            outcome: outcome.get_untracked(),
            offer_promised: promised.get_untracked(),
        };
        if state.try_apply(command) {
            completing.set(false);
        }
    };
    let reopen = move |_| {
        state.try_apply(Command::ReopenTask { id });
    };
    let remove = move |_| {
        state.try_apply(Command::DeleteTask { id });
    };
    let label_kind = move || labels::task_kind(i18n, kind);
    view! {
        <li class="task" class:done=done.is_some() class:overdue=move || overdue()>
            <span class="task-kind">{label_kind}</span>
            <span class="task-note">{task.note.clone()}</span>
            <span class="task-due">
                {move || {
                    let when = display::date_time(task.due);
                    if overdue() { tf!(i18n, board.overdue, when = when).to_string() } else { when }
                }}
            </span>
            {done.map(|at| view! {
                <span class="muted">{move || tf!(i18n, tasks.done_at, when = display::date_time(at)).to_string()}</span>
            })}
            {(!task.outcome.is_empty()).then(|| view! { <span class="task-outcome">{task.outcome.clone()}</span> })}
            {match done {
                None => view! {
                    <button
                        aria-label={
                            let describe = describe.clone();
                            move || tf!(i18n, tasks.mark_done_label, task = format!("{} {}", label_kind(), describe)).to_string()
                        }
                        on:click=move |_| completing.set(true)
                    >{t!(i18n, tasks.mark_done)}</button>
                }.into_any(),
                Some(_) => view! { <button on:click=reopen>{t!(i18n, tasks.reopen)}</button> }.into_any(),
            }}
            <button
                class="icon-button"
                aria-label=move || tf!(i18n, tasks.delete_label, task = format!("{} {}", label_kind(), describe)).to_string()
                on:click=remove
            >
                {t!(i18n, common.remove)}
            </button>
            <Show when=move || completing.get()>
                <form class="complete-form" on:submit=complete novalidate>
                    <label>
                        {t!(i18n, tasks.outcome)}
                        <input type="text" bind:value=outcome />
                    </label>
                    <Show when=move || kind != TaskKind::Offer>
                        <label class="checkbox">
                            <input type="checkbox" bind:checked=promised />
                            {t!(i18n, tasks.offer_promised)}
                        </label>
                    </Show>
                    <button type="submit" class="primary">{t!(i18n, tasks.confirm_done)}</button>
                    <button type="button" on:click=move |_| completing.set(false)>{t!(i18n, common.cancel)}</button>
                </form>
            </Show>
        </li>
    }
}
