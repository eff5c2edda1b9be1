//! The cadence suggestions as the user reads them: their words, the deal
//! page's list, and accepting one.

use leptos::prelude::*;
use uuid::Uuid;

use super::i18n::*;
use super::{display, use_app, AppState};
use crate::domain::rules::{suggestions_for, Suggestion, SuggestionKind};
use crate::domain::{Command, Id, Workspace};

/// The words for a cadence suggestion.
pub fn suggestion_text(i18n: I18n, s: &Suggestion, stage: &str, owner: &str) -> String {
    let due = display::date_time(s.due);
    match s.kind {
        SuggestionKind::PrepareOffer => tf!(i18n, cadence.offer, due = due).to_string(),
        SuggestionKind::FollowUpOffer => tf!(i18n, cadence.follow_up, due = due).to_string(),
        SuggestionKind::MeetingReminder => {
            tf!(i18n, cadence.meeting_reminder, due = due).to_string()
        }
        SuggestionKind::LetThemBuy => tf!(
            i18n,
            cadence.let_them_buy,
            count = s.follow_ups,
            stage = stage.to_string()
        )
        .to_string(),
        SuggestionKind::PostSaleContact => tf!(
            i18n,
            cadence.post_sale,
            owner = owner.to_string(),
            due = display::date(s.due.date_naive())
        )
        .to_string(),
    }
}

/// The note a task made from a suggestion carries.
pub fn suggestion_note(i18n: I18n, kind: SuggestionKind) -> String {
    match kind {
        SuggestionKind::PrepareOffer => t_string!(i18n, cadence.offer_note),
        SuggestionKind::FollowUpOffer => t_string!(i18n, cadence.follow_up_note),
        SuggestionKind::MeetingReminder => t_string!(i18n, cadence.meeting_reminder_note),
        SuggestionKind::PostSaleContact => t_string!(i18n, cadence.post_sale_note),
        SuggestionKind::LetThemBuy => "",
    }
    .to_string()
}

/// The words for a suggestion of a deal owned by `owner`, with the name of
/// the stage it would move the deal to.
fn words(ws: &Workspace, i18n: I18n, s: &Suggestion, owner: &str) -> String {
    let stage = s
        .stage_id
        .and_then(|st| ws.stage(st))
        .map(|(_, st)| st.name.as_str())
        .unwrap_or("");
    suggestion_text(i18n, s, stage, owner)
}

/// Carries out a suggestion.
pub fn accept_suggestion(state: AppState, i18n: I18n, s: &Suggestion) {
    let commands = s.accept(Uuid::new_v4(), &suggestion_note(i18n, s.kind));
    if state.try_apply_all(commands) {
        state.announce(t_string!(i18n, cadence.accepted).to_string());
    }
}

/// Text, stage name and owner name for each suggestion of a deal.
pub fn described_suggestions(state: AppState, i18n: I18n, deal: Id) -> Vec<(Suggestion, String)> {
    state.workspace.with(|ws| {
        let Some(d) = ws.deal(deal) else {
            return Vec::new();
        };
        let owner = ws
            .salesperson(d.owner_id)
            .map(|s| s.name.as_str())
            .unwrap_or("");
        suggestions_for(ws, d)
            .into_iter()
            .map(|s| {
                let text = words(ws, i18n, &s, owner);
                (s, text)
            })
            .collect()
    })
}

/// The given cadence suggestions with their deal's title and their text (a
/// text is made only for a suggestion that is shown).
pub fn described_agenda_suggestions(
    state: AppState,
    i18n: I18n,
    list: &[Suggestion],
) -> Vec<(Suggestion, String, String)> {
    state.workspace.with(|ws| {
        list.iter()
            .cloned()
            .filter_map(|s| {
                let d = ws.deal(s.deal_id)?;
                let owner = ws
                    .salesperson(d.owner_id)
                    .map(|p| p.name.as_str())
                    .unwrap_or("");
                let text = words(ws, i18n, &s, owner);
                Some((s, d.title.clone(), text))
            })
            .collect()
    })
}

#[component]
pub fn Suggestions(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let list = Memo::new(move |_| described_suggestions(state, i18n, id));
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section class="suggestions" aria-labelledby="suggestions-title">
                <h3 id="suggestions-title">{t!(i18n, cadence.title)}</h3>
                <ul>
                    <For each=move || list.get() key=|(s, text)| (s.key.clone(), text.clone()) let((s, text))>
                        <li class="suggestion">
                            <span>{text.clone()}</span>
                            <button
                                class="primary"
                                aria-label=move || tf!(i18n, cadence.accept_label, what = text.clone()).to_string()
                                on:click={
                                    let s = s.clone();
                                    move |_| accept_suggestion(state, i18n, &s)
                                }
                            >
                                {t!(i18n, cadence.accept)}
                            </button>
                            <button on:click={
                                let key = s.key.clone();
                                move |_| {
                                    let _ = state.apply(Command::DismissSuggestion { deal_id: id, key: key.clone() });
                                }
                            }>{t!(i18n, cadence.dismiss)}</button>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
