//! Settings: the stages of the pipeline, pipelines, salespeople and currency.

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;

use super::i18n::*;
use super::lost_dialog::LostReasonFields;
use super::widgets::{follow_stored, Modal};
use super::{labels, use_app};
use crate::domain::{Command, Id, Stage, StageInput, StageKind, StagePreset};

/// Reads the probability and idle-limit fields of a stage form.
fn stage_input(
    i18n: I18n,
    name: String,
    kind: &str,
    probability: &str,
    idle: &str,
) -> Result<StageInput, String> {
    let probability = probability
        .trim()
        .parse::<u8>()
        .map_err(|_| t_string!(i18n, error.probability).to_string())?;
    let idle_days = match idle.trim() {
        "" => None,
        text => Some(
            text.parse::<u32>()
                .map_err(|_| t_string!(i18n, error.idle_days).to_string())?,
        ),
    };
    Ok(StageInput {
        name,
        kind: labels::stage_kind_from(kind).unwrap_or(StageKind::Open),
        probability,
        idle_days,
    })
}

/// The settings screen.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="settings" aria-labelledby="settings-title">
            <h2 id="settings-title">{t!(i18n, settings.title)}</h2>
            <PipelineSettings />
            <StageSettings />
            <SalespeopleSettings />
            <CurrencySettings />
        </section>
    }
}

#[component]
fn PipelineSettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let current = move || {
        state
            .workspace
            .with(|ws| ws.current_pipeline().map(|p| (p.id, p.name.clone())))
    };
    let name = RwSignal::new(untrack(current).map(|p| p.1).unwrap_or_default());
    follow_stored(move || current().map(|p| p.1).unwrap_or_default(), name);
    // Leaving the page renames the pipeline when the name was changed.
    state.drafts.register(move || {
        let Some((id, stored)) = untrack(current) else {
            return Ok(());
        };
        let typed = name.get_untracked();
        if typed.trim() == stored {
            return Ok(());
        }
        state
            .apply(Command::RenamePipeline { id, name: typed })
            .map_err(|e| labels::apply_error(i18n, &e))
    });
    let rename = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        if let Some((id, _)) = current() {
            if state.try_apply(Command::RenamePipeline {
                id,
                name: name.get_untracked(),
            }) {
                state
                    .toasts
                    .show(t_string!(i18n, settings.saved).to_string());
            }
        }
    };
    let preset = RwSignal::new("classic".to_string());
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let preset = match preset.get_untracked().as_str() {
            "trainer" => StagePreset::TrainersProcess,
            "spanco" => StagePreset::Spanco,
            _ => StagePreset::ClassicFunnel,
        };
        let (pipeline_name, stage_names) = labels::preset_names(i18n, preset);
        let names: Vec<&str> = stage_names.iter().map(String::as_str).collect();
        let pipeline =
            preset.pipeline_named(&pipeline_name, &names, &mut Uuid::new_v4, super::now());
        if state.try_apply(Command::AddPipeline { pipeline }) {
            state
                .toasts
                .show(tf!(i18n, settings.pipeline_added, name = pipeline_name).to_string());
        }
    };
    view! {
        <section aria-labelledby="pipeline-settings">
            <h3 id="pipeline-settings">{t!(i18n, settings.pipeline)}</h3>
            <form class="form-row" on:submit=rename novalidate>
                <label>
                    {t!(i18n, settings.pipeline_name)}
                    <input type="text" bind:value=name />
                </label>
                <button type="submit">{t!(i18n, settings.rename)}</button>
            </form>
            <form class="form-row" on:submit=add novalidate>
                <label>
                    {t!(i18n, settings.new_pipeline_from)}
                    <select prop:value=move || preset.get() on:change=move |ev| preset.set(event_target_value(&ev))>
                        <option value="classic">{move || labels::preset_names(i18n, StagePreset::ClassicFunnel).0}</option>
                        <option value="trainer">{move || labels::preset_names(i18n, StagePreset::TrainersProcess).0}</option>
                        <option value="spanco">{move || labels::preset_names(i18n, StagePreset::Spanco).0}</option>
                    </select>
                </label>
                <button type="submit">{t!(i18n, settings.add_pipeline)}</button>
            </form>
        </section>
    }
}

#[component]
fn StageSettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let stages = Memo::new(move |_| {
        state
            .workspace
            .with(|ws| ws.current_pipeline().map(|p| p.stages.clone()))
            .unwrap_or_default()
    });
    let removing = RwSignal::new(None::<Stage>);
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("open".to_string());
    let probability = RwSignal::new("50".to_string());
    let idle = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    state.drafts.register_new(move || {
        let typed = name.get_untracked();
        (!typed.trim().is_empty()).then(|| tf!(i18n, nav.draft_new_stage, name = typed))
    });
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pipeline_id) = state
            .workspace
            .with_untracked(|ws| ws.current_pipeline().map(|p| p.id))
        else {
            return;
        };
        let input = match stage_input(
            i18n,
            name.get_untracked(),
            &kind.get_untracked(),
            &probability.get_untracked(),
            &idle.get_untracked(),
        ) {
            Ok(i) => i,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let command = Command::AddStage {
            pipeline_id,
            id: Uuid::new_v4(),
            input,
            position: None,
        };
        match state.apply(command) {
            Ok(()) => {
                name.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <section aria-labelledby="stage-settings">
            <h3 id="stage-settings">{t!(i18n, settings.stages)}</h3>
            <ol class="stage-list">
                // Keyed by id: a row keeps what is typed in it while other
                // stages change, move or go.
                <For each=move || stages.with(|s| s.iter().map(|s| s.id).collect::<Vec<_>>()) key=|id| *id let(id)>
                    <StageRow
                        id
                        index=Signal::derive(move || stages.with(|s| s.iter().position(|x| x.id == id).unwrap_or(0)))
                        count=Signal::derive(move || stages.with(Vec::len))
                        removing
                    />
                </For>
            </ol>
            <form class="form-row add-stage" on:submit=add aria-label=move || t_string!(i18n, settings.add_stage) novalidate>
                <label>
                    {t!(i18n, settings.stage_name)}
                    <input type="text" bind:value=name />
                </label>
                <StageKindSelect value=kind label=Signal::derive(move || t_string!(i18n, settings.stage_kind).to_string()) />
                <label>
                    {t!(i18n, settings.probability)}
                    <input type="number" min="0" max="100" class="short" bind:value=probability />
                </label>
                <label>
                    {t!(i18n, settings.idle_days)}
                    <input type="number" min="1" class="short" bind:value=idle />
                </label>
                <button type="submit">{t!(i18n, settings.add_stage)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
            <RemoveStageDialog stage=removing />
        </section>
    }
}

#[component]
fn StageKindSelect(value: RwSignal<String>, #[prop(into)] label: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {move || label.get()}
            <select prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {StageKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=labels::stage_kind_value(k)>{move || labels::stage_kind(i18n, k)}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
fn StageRow(
    id: Id,
    index: Signal<usize>,
    count: Signal<usize>,
    removing: RwSignal<Option<Stage>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let stored = Memo::new(move |_| {
        state
            .workspace
            .with(|ws| ws.stage(id).map(|(_, s)| s.clone()))
    });
    // The fields as text, from the stage as stored.
    let texts = move |s: &Option<Stage>| {
        s.as_ref().map(|s| {
            (
                s.name.clone(),
                labels::stage_kind_value(s.kind).to_string(),
                s.probability.to_string(),
                s.idle_days.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
    };
    let first = stored.with_untracked(texts).unwrap_or_default();
    let name = RwSignal::new(first.0);
    let kind = RwSignal::new(first.1);
    let probability = RwSignal::new(first.2);
    let idle = RwSignal::new(first.3);
    follow_stored(move || stored.with(texts).unwrap_or_default().0, name);
    follow_stored(move || stored.with(texts).unwrap_or_default().1, kind);
    follow_stored(
        move || stored.with(texts).unwrap_or_default().2,
        probability,
    );
    follow_stored(move || stored.with(texts).unwrap_or_default().3, idle);
    let error = RwSignal::new(None::<String>);
    let stage_name =
        move || stored.with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    // Leaving the page saves a changed stage.
    state.drafts.register(move || {
        let Some(stored) = state
            .workspace
            .with_untracked(|ws| ws.stage(id).map(|(_, s)| StageInput::from_stage(s)))
        else {
            return Ok(());
        };
        let label = format!("“{}”", stored.name);
        let input = stage_input(
            i18n,
            name.get_untracked(),
            &kind.get_untracked(),
            &probability.get_untracked(),
            &idle.get_untracked(),
        )
        .map_err(|e| format!("{label}: {e}"))?;
        let unchanged = StageInput {
            name: input.name.trim().to_string(),
            ..input.clone()
        } == stored;
        if unchanged {
            return Ok(());
        }
        state
            .apply(Command::EditStage {
                stage_id: id,
                input,
            })
            .map_err(|e| format!("{label}: {}", labels::apply_error(i18n, &e)))
    });
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let input = match stage_input(
            i18n,
            name.get_untracked(),
            &kind.get_untracked(),
            &probability.get_untracked(),
            &idle.get_untracked(),
        ) {
            Ok(i) => i,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        match state.apply(Command::EditStage {
            stage_id: id,
            input,
        }) {
            Ok(()) => {
                error.set(None);
                state
                    .toasts
                    .show(t_string!(i18n, settings.saved).to_string());
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    let move_to = move |to: usize| {
        state.try_apply(Command::MoveStage { stage_id: id, to });
    };
    let remove = move |_| removing.set(stored.get_untracked());
    view! {
        <li class="stage-row">
            <form class="form-row" on:submit=save aria-label=move || tf!(i18n, settings.stage_form, stage = stage_name()).to_string() novalidate>
                <label>
                    {t!(i18n, settings.stage_name)}
                    <input type="text" bind:value=name />
                </label>
                <StageKindSelect value=kind label=Signal::derive(move || t_string!(i18n, settings.stage_kind).to_string()) />
                <label>
                    {t!(i18n, settings.probability)}
                    <input type="number" min="0" max="100" class="short" bind:value=probability />
                </label>
                <label>
                    {t!(i18n, settings.idle_days)}
                    <input type="number" min="1" class="short" bind:value=idle />
                </label>
                <button type="submit" aria-label=move || tf!(i18n, settings.save_stage, stage = stage_name()).to_string()>
                    {t!(i18n, common.save)}
                </button>
                <button
                    type="button"
                    disabled=move || index.get() == 0
                    aria-label=move || tf!(i18n, settings.move_up, stage = stage_name()).to_string()
                    on:click=move |_| move_to(index.get_untracked().saturating_sub(1))
                >
                    "↑"
                </button>
                <button
                    type="button"
                    disabled={move || index.get() + 1 >= count.get()}
                    aria-label=move || tf!(i18n, settings.move_down, stage = stage_name()).to_string()
                    on:click=move |_| move_to(index.get_untracked() + 1)
                >
                    "↓"
                </button>
                <button
                    type="button"
                    class="danger"
                    aria-label=move || tf!(i18n, settings.remove_stage, stage = stage_name()).to_string()
                    on:click=remove
                >
                    {t!(i18n, common.remove)}
                </button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
        </li>
    }
}

/// Removing a stage: asks where its deals go when it holds any. Open deals
/// moved into a Won or Lost stage are closed there (a Lost stage asks for
/// the reason once, for all of them); stages that would contradict the
/// answer of a won or lost deal are not offered.
#[component]
fn RemoveStageDialog(stage: RwSignal<Option<Stage>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let target = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = Callback::new(move |_| {
        stage.set(None);
        target.set(String::new());
        reason.set(String::new());
        note.set(String::new());
        error.set(None);
    });
    // (all deals, open deals) in the stage.
    let holding = move || {
        stage
            .get()
            .map(|s| {
                state.workspace.with(|ws| {
                    ws.deals_in_stage(s.id).fold((0, 0), |(all, open), d| {
                        (all + 1, open + usize::from(!d.outcome.is_closed()))
                    })
                })
            })
            .unwrap_or((0, 0))
    };
    let targets = move || {
        let Some(removed) = stage.get() else {
            return Vec::new();
        };
        state.workspace.with(|ws| {
            ws.stage_removal_targets(removed.id)
                .into_iter()
                .map(|s| (s.id, s.name.clone(), s.kind))
                .collect::<Vec<_>>()
        })
    };
    let target_kind = move || {
        let chosen = Uuid::parse_str(&target.get()).ok()?;
        targets()
            .into_iter()
            .find(|(id, _, _)| *id == chosen)
            .map(|(_, _, kind)| kind)
    };
    let closes = move |kind: StageKind| target_kind() == Some(kind) && holding().1 > 0;
    let title = Signal::derive(move || {
        let name = stage.get().map(|s| s.name).unwrap_or_default();
        tf!(i18n, settings.remove_title, stage = name).to_string()
    });
    let confirm = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = stage.get_untracked() else {
            return;
        };
        let command = Command::RemoveStage {
            stage_id: s.id,
            move_deals_to: Uuid::parse_str(&target.get_untracked()).ok(),
            reason: labels::lost_reason_from(&reason.get_untracked()),
            note: note.get_untracked(),
        };
        match state.apply(command) {
            Ok(()) => {
                state
                    .toasts
                    .show(tf!(i18n, settings.stage_removed, stage = s.name).to_string());
                close.run(());
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <Modal open=Signal::derive(move || stage.get().is_some()) on_close=close title>
            <form on:submit=confirm novalidate>
                <Show
                    when=move || { holding().0 > 0 }
                    fallback=move || view! { <p>{t!(i18n, settings.remove_empty)}</p> }
                >
                    <p>{move || tf!(i18n, settings.remove_has_deals, count = holding().0).to_string()}</p>
                    <label>
                        {t!(i18n, settings.move_deals_to)}
                        <select prop:value=move || target.get() on:change=move |ev| target.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, settings.choose_stage)}</option>
                            <For each=targets key=|s| s.clone() let((sid, name, _kind))>
                                <option value=sid.to_string()>{name}</option>
                            </For>
                        </select>
                    </label>
                    <Show when=move || closes(StageKind::Won)>
                        <p class="form-note">
                            {move || tf!(i18n, settings.remove_closes_won, count = holding().1).to_string()}
                        </p>
                    </Show>
                    <Show when=move || closes(StageKind::Lost)>
                        <p class="form-note">
                            {move || tf!(i18n, settings.remove_closes_lost, count = holding().1).to_string()}
                        </p>
                        <LostReasonFields reason note />
                    </Show>
                    <Show when=move || { holding().0 > holding().1 }>
                        <p class="muted">{t!(i18n, settings.remove_keep_answer)}</p>
                    </Show>
                </Show>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-buttons">
                    <button type="submit" class="danger">{t!(i18n, settings.confirm_remove)}</button>
                    <button type="button" on:click=move |_| close.run(())>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn SalespeopleSettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let people = Memo::new(move |_| {
        state.workspace.with(|ws| {
            ws.salespeople
                .iter()
                .map(|s| {
                    (
                        s.id,
                        s.name.clone(),
                        ws.deals.iter().filter(|d| d.owner_id == s.id).count(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let removing = RwSignal::new(None::<(Id, String)>);
    state.drafts.register_new(move || {
        let typed = name.get_untracked();
        (!typed.trim().is_empty()).then(|| tf!(i18n, nav.draft_new_salesperson, name = typed))
    });
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        match state.apply(Command::AddSalesperson {
            id: Uuid::new_v4(),
            name: name.get_untracked(),
        }) {
            Ok(()) => {
                name.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <section aria-labelledby="salespeople-settings">
            <h3 id="salespeople-settings">{t!(i18n, settings.salespeople)}</h3>
            <ul class="people-list">
                // Keyed by id, as the stage rows.
                <For each=move || people.with(|p| p.iter().map(|p| p.0).collect::<Vec<_>>()) key=|id| *id let(id)>
                    <SalespersonRow
                        id
                        name=Signal::derive(move || people.with(|p| p.iter().find(|p| p.0 == id).map(|p| p.1.clone()).unwrap_or_default()))
                        deals=Signal::derive(move || people.with(|p| p.iter().find(|p| p.0 == id).map_or(0, |p| p.2)))
                        removing
                    />
                </For>
            </ul>
            <form class="form-row" on:submit=add novalidate>
                <label>
                    {t!(i18n, settings.new_salesperson)}
                    <input type="text" bind:value=name />
                </label>
                <button type="submit">{t!(i18n, settings.add_salesperson)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
            <RemoveSalespersonDialog person=removing />
        </section>
    }
}

#[component]
fn SalespersonRow(
    id: Id,
    name: Signal<String>,
    deals: Signal<usize>,
    removing: RwSignal<Option<(Id, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let value = RwSignal::new(name.get_untracked());
    follow_stored(move || name.get(), value);
    state.drafts.register(move || {
        let typed = value.get_untracked();
        let stored = name.get_untracked();
        if typed.trim() == stored {
            return Ok(());
        }
        state
            .apply(Command::RenameSalesperson { id, name: typed })
            .map_err(|e| format!("“{stored}”: {}", labels::apply_error(i18n, &e)))
    });
    let rename = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        if state.try_apply(Command::RenameSalesperson {
            id,
            name: value.get_untracked(),
        }) {
            state
                .toasts
                .show(t_string!(i18n, settings.saved).to_string());
        }
    };
    view! {
        <li>
            <form class="form-row" on:submit=rename novalidate>
                <label>
                    <span class="sr-only">{move || tf!(i18n, settings.salesperson_name, name = name.get()).to_string()}</span>
                    <input type="text" bind:value=value />
                </label>
                <span class="muted">{move || tf!(i18n, settings.owns, count = deals.get()).to_string()}</span>
                <button type="submit">{t!(i18n, settings.rename)}</button>
                <button
                    type="button"
                    class="danger"
                    aria-label=move || tf!(i18n, settings.remove_salesperson, name = name.get()).to_string()
                    on:click=move |_| removing.set(Some((id, name.get_untracked())))
                >
                    {t!(i18n, common.remove)}
                </button>
            </form>
        </li>
    }
}

#[component]
fn RemoveSalespersonDialog(person: RwSignal<Option<(Id, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let target = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = Callback::new(move |_| {
        person.set(None);
        target.set(String::new());
        error.set(None);
    });
    let owned = move || {
        person
            .get()
            .map(|(id, _)| {
                state
                    .workspace
                    .with(|ws| ws.deals.iter().filter(|d| d.owner_id == id).count())
            })
            .unwrap_or(0)
    };
    let others = move || {
        let Some((removed, _)) = person.get() else {
            return Vec::new();
        };
        state.workspace.with(|ws| {
            ws.salespeople
                .iter()
                .filter(|s| s.id != removed)
                .map(|s| (s.id, s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let title = Signal::derive(move || {
        let name = person.get().map(|p| p.1).unwrap_or_default();
        tf!(i18n, settings.remove_salesperson, name = name).to_string()
    });
    let confirm = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some((id, _)) = person.get_untracked() else {
            return;
        };
        let command = Command::RemoveSalesperson {
            id,
            reassign_to: Uuid::parse_str(&target.get_untracked()).ok(),
        };
        match state.apply(command) {
            Ok(()) => close.run(()),
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <Modal open=Signal::derive(move || person.get().is_some()) on_close=close title>
            <form on:submit=confirm novalidate>
                <Show when=move || { owned() > 0 }>
                    <p>{move || tf!(i18n, settings.reassign_text, count = owned()).to_string()}</p>
                    <label>
                        {t!(i18n, settings.reassign_to)}
                        <select prop:value=move || target.get() on:change=move |ev| target.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, settings.choose_person)}</option>
                            <For each=others key=|s| s.clone() let((sid, name))>
                                <option value=sid.to_string()>{name}</option>
                            </For>
                        </select>
                    </label>
                </Show>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-buttons">
                    <button type="submit" class="danger">{t!(i18n, settings.confirm_remove)}</button>
                    <button type="button" on:click=move |_| close.run(())>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn CurrencySettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let code = RwSignal::new(
        state
            .workspace
            .with_untracked(|ws| ws.settings.currency.clone()),
    );
    let error = RwSignal::new(None::<String>);
    state.drafts.register(move || {
        let typed = code.get_untracked();
        let stored = state
            .workspace
            .with_untracked(|ws| ws.settings.currency.clone());
        if typed.trim().eq_ignore_ascii_case(&stored) {
            return Ok(());
        }
        state
            .apply(Command::SetCurrency { code: typed })
            .map_err(|e| labels::apply_error(i18n, &e))
    });
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        match state.apply(Command::SetCurrency {
            code: code.get_untracked(),
        }) {
            Ok(()) => {
                error.set(None);
                state
                    .toasts
                    .show(t_string!(i18n, settings.saved).to_string());
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    view! {
        <section aria-labelledby="currency-settings">
            <h3 id="currency-settings">{t!(i18n, settings.currency)}</h3>
            <form class="form-row" on:submit=save novalidate>
                <label>
                    {t!(i18n, settings.currency_code)}
                    <input type="text" maxlength="3" class="short" bind:value=code />
                </label>
                <button type="submit">{t!(i18n, common.save)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
            <p class="muted small">{t!(i18n, settings.currency_note)}</p>
        </section>
    }
}
