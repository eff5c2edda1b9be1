//! The first run: pick how your pipeline is laid out, or look around a demo.

use leptos::prelude::*;
use uuid::Uuid;

use super::i18n::*;
use super::{labels, now, use_app};
use crate::domain::demo::{sample_workspace, SampleSize};
use crate::domain::{is_currency_code, StagePreset, Workspace};

/// Preset choice and the demo button, shown until the user starts.
#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let name = RwSignal::new(String::new());
    let currency = RwSignal::new(match i18n.get_locale_untracked() {
        Locale::pl => "PLN".to_string(),
        Locale::en => "EUR".to_string(),
    });
    let error = RwSignal::new(None::<String>);

    let start = move |workspace: Workspace| state.start_with(workspace);
    let choose = move |preset: StagePreset| {
        let code = currency.get_untracked().trim().to_ascii_uppercase();
        if !is_currency_code(&code) {
            error.set(Some(t_string!(i18n, welcome.currency_error).to_string()));
            return;
        }
        let owner = name.get_untracked();
        let owner = if owner.trim().is_empty() {
            t_string!(i18n, settings.default_owner).to_string()
        } else {
            owner.trim().to_string()
        };
        let (pipeline_name, stage_names) = labels::preset_names(i18n, preset);
        let names: Vec<&str> = stage_names.iter().map(String::as_str).collect();
        let at = now();
        let mut ws = Workspace::new(preset, &code, &owner, at, Uuid::new_v4);
        let pipeline = preset.pipeline_named(&pipeline_name, &names, &mut Uuid::new_v4, at);
        ws.settings.current_pipeline_id = pipeline.id;
        ws.pipelines = vec![pipeline];
        start(ws);
    };
    let demo = move |_| {
        let (pipeline_name, stage_names) = labels::preset_names(i18n, StagePreset::TrainersProcess);
        let names: Vec<&str> = stage_names.iter().map(String::as_str).collect();
        let me = t_string!(i18n, settings.default_owner).to_string();
        let team = [me.as_str(), "Marta", "Paolo"];
        let seed = js_sys::Date::now() as u64;
        let ws = sample_workspace(
            StagePreset::TrainersProcess,
            &pipeline_name,
            &names,
            &team,
            SampleSize::DEMO,
            seed,
            now(),
        );
        start(ws);
    };

    view! {
        <section class="welcome" aria-labelledby="welcome-title">
            <h2 id="welcome-title">{t!(i18n, welcome.title)}</h2>
            <p>{t!(i18n, welcome.intro)}</p>
            <div class="form-row">
                <label>
                    {t!(i18n, welcome.your_name)}
                    <input type="text" bind:value=name autocomplete="name" />
                </label>
                <label>
                    {t!(i18n, welcome.currency)}
                    <input type="text" bind:value=currency maxlength="3" class="short" />
                </label>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <h3>{t!(i18n, welcome.choose)}</h3>
            <ul class="presets">
                {StagePreset::ALL
                    .into_iter()
                    .map(|preset| {
                        view! {
                            <li class="preset">
                                <button class="primary" on:click=move |_| choose(preset)>
                                    {move || {
                                        tf!(i18n, welcome.start_with, name = labels::preset_names(i18n, preset).0)
                                            .to_string()
                                    }}
                                </button>
                                <p class="muted">{move || labels::preset_description(i18n, preset)}</p>
                                <p class="muted small">
                                    {move || labels::preset_names(i18n, preset).1.join(" → ")}
                                </p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h3>{t!(i18n, welcome.or)}</h3>
            <button on:click=demo>{t!(i18n, welcome.demo)}</button>
            <p class="muted small">{t!(i18n, welcome.private)}</p>
        </section>
        <super::data::ImportPanel />
    }
}
