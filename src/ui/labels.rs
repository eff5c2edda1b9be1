//! The words for the domain's values and errors, in the reader's language.

use super::i18n::*;
use super::ApplyError;
use crate::domain::limits::TextField;
use crate::domain::{
    AmountError, DomainError, LostReasonKind, Outcome, StageKind, StagePreset, TaskKind,
};

/// The name of a stage kind.
pub fn stage_kind(i18n: I18n, kind: StageKind) -> String {
    match kind {
        StageKind::Open => t_string!(i18n, stage_kind.open),
        StageKind::Won => t_string!(i18n, stage_kind.won),
        StageKind::Lost => t_string!(i18n, stage_kind.lost),
        StageKind::Parking => t_string!(i18n, stage_kind.parking),
        StageKind::PostSale => t_string!(i18n, stage_kind.post_sale),
    }
    .to_string()
}

/// The name of a task kind.
pub fn task_kind(i18n: I18n, kind: TaskKind) -> String {
    match kind {
        TaskKind::Call => t_string!(i18n, task_kind.call),
        TaskKind::Email => t_string!(i18n, task_kind.email),
        TaskKind::Meeting => t_string!(i18n, task_kind.meeting),
        TaskKind::Offer => t_string!(i18n, task_kind.offer),
        TaskKind::FollowUp => t_string!(i18n, task_kind.follow_up),
        TaskKind::Demo => t_string!(i18n, task_kind.demo),
        TaskKind::PostSale => t_string!(i18n, task_kind.post_sale),
    }
    .to_string()
}

/// A task kind as an input value.
pub fn task_kind_value(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Call => "call",
        TaskKind::Email => "email",
        TaskKind::Meeting => "meeting",
        TaskKind::Offer => "offer",
        TaskKind::FollowUp => "follow_up",
        TaskKind::Demo => "demo",
        TaskKind::PostSale => "post_sale",
    }
}

/// The task kind of an input value.
pub fn task_kind_from(value: &str) -> Option<TaskKind> {
    TaskKind::ALL
        .into_iter()
        .find(|k| task_kind_value(*k) == value)
}

/// The name of a lost reason.
pub fn lost_reason(i18n: I18n, reason: LostReasonKind) -> String {
    match reason {
        LostReasonKind::Price => t_string!(i18n, lost_reason.price),
        LostReasonKind::Competitor => t_string!(i18n, lost_reason.competitor),
        LostReasonKind::NoBudget => t_string!(i18n, lost_reason.no_budget),
        LostReasonKind::NoDecision => t_string!(i18n, lost_reason.no_decision),
        LostReasonKind::Timing => t_string!(i18n, lost_reason.timing),
        LostReasonKind::NoNeed => t_string!(i18n, lost_reason.no_need),
        LostReasonKind::NoResponse => t_string!(i18n, lost_reason.no_response),
        LostReasonKind::Other => t_string!(i18n, lost_reason.other),
    }
    .to_string()
}

/// A lost reason as an input value.
pub fn lost_reason_value(reason: LostReasonKind) -> &'static str {
    match reason {
        LostReasonKind::Price => "price",
        LostReasonKind::Competitor => "competitor",
        LostReasonKind::NoBudget => "no_budget",
        LostReasonKind::NoDecision => "no_decision",
        LostReasonKind::Timing => "timing",
        LostReasonKind::NoNeed => "no_need",
        LostReasonKind::NoResponse => "no_response",
        LostReasonKind::Other => "other",
    }
}

/// The lost reason of an input value.
pub fn lost_reason_from(value: &str) -> Option<LostReasonKind> {
    LostReasonKind::ALL
        .into_iter()
        .find(|k| lost_reason_value(*k) == value)
}

/// A stage kind as an input value.
pub fn stage_kind_value(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "open",
        StageKind::Won => "won",
        StageKind::Lost => "lost",
        StageKind::Parking => "parking",
        StageKind::PostSale => "post_sale",
    }
}

/// The stage kind of an input value.
pub fn stage_kind_from(value: &str) -> Option<StageKind> {
    StageKind::ALL
        .into_iter()
        .find(|k| stage_kind_value(*k) == value)
}

/// The name of an outcome.
pub fn outcome(i18n: I18n, outcome: Outcome) -> String {
    match outcome {
        Outcome::Open => t_string!(i18n, outcome.open),
        Outcome::Won => t_string!(i18n, outcome.won),
        Outcome::Lost => t_string!(i18n, outcome.lost),
        Outcome::Maybe => t_string!(i18n, outcome.maybe),
    }
    .to_string()
}

/// A preset's pipeline name and stage names in the reader's language.
pub fn preset_names(i18n: I18n, preset: StagePreset) -> (String, Vec<String>) {
    match preset {
        StagePreset::ClassicFunnel => (
            t_string!(i18n, preset.classic.name).to_string(),
            vec![
                t_string!(i18n, preset.classic.s0).to_string(),
                t_string!(i18n, preset.classic.s1).to_string(),
                t_string!(i18n, preset.classic.s2).to_string(),
                t_string!(i18n, preset.classic.s3).to_string(),
                t_string!(i18n, preset.classic.s4).to_string(),
                t_string!(i18n, preset.classic.s5).to_string(),
            ],
        ),
        StagePreset::TrainersProcess => (
            t_string!(i18n, preset.trainer.name).to_string(),
            vec![
                t_string!(i18n, preset.trainer.s0).to_string(),
                t_string!(i18n, preset.trainer.s1).to_string(),
                t_string!(i18n, preset.trainer.s2).to_string(),
                t_string!(i18n, preset.trainer.s3).to_string(),
                t_string!(i18n, preset.trainer.s4).to_string(),
                t_string!(i18n, preset.trainer.s5).to_string(),
                t_string!(i18n, preset.trainer.s6).to_string(),
                t_string!(i18n, preset.trainer.s7).to_string(),
                t_string!(i18n, preset.trainer.s8).to_string(),
            ],
        ),
        StagePreset::Spanco => (
            t_string!(i18n, preset.spanco.name).to_string(),
            vec![
                t_string!(i18n, preset.spanco.s0).to_string(),
                t_string!(i18n, preset.spanco.s1).to_string(),
                t_string!(i18n, preset.spanco.s2).to_string(),
                t_string!(i18n, preset.spanco.s3).to_string(),
                t_string!(i18n, preset.spanco.s4).to_string(),
                t_string!(i18n, preset.spanco.s5).to_string(),
            ],
        ),
    }
}

/// What a preset is, in one line.
pub fn preset_description(i18n: I18n, preset: StagePreset) -> String {
    match preset {
        StagePreset::ClassicFunnel => t_string!(i18n, preset.classic.about),
        StagePreset::TrainersProcess => t_string!(i18n, preset.trainer.about),
        StagePreset::Spanco => t_string!(i18n, preset.spanco.about),
    }
    .to_string()
}

/// Why a typed amount was refused.
pub fn amount_error(i18n: I18n, e: &AmountError) -> String {
    match e {
        AmountError::NotANumber => t_string!(i18n, error.amount_format),
        AmountError::Negative => t_string!(i18n, error.negative_amount),
        AmountError::TooLarge => t_string!(i18n, error.amount_too_large),
    }
    .to_string()
}

/// Why a change was refused, as a sentence.
pub fn apply_error(i18n: I18n, e: &ApplyError) -> String {
    match e {
        ApplyError::ReadOnly => t_string!(i18n, error.read_only).to_string(),
        ApplyError::Domain(e) => domain_error(i18n, e),
    }
}

/// Why the domain refused a change, as a sentence.
pub fn domain_error(i18n: I18n, e: &DomainError) -> String {
    use DomainError::*;
    match e {
        EmptyTitle => t_string!(i18n, error.empty_title).to_string(),
        EmptyName => t_string!(i18n, error.empty_name).to_string(),
        NegativeAmount => t_string!(i18n, error.negative_amount).to_string(),
        AmountTooLarge => t_string!(i18n, error.amount_too_large).to_string(),
        InvalidCurrency(code) => tf!(i18n, error.invalid_currency, code = code.clone()).to_string(),
        DealNotFound => t_string!(i18n, error.deal_not_found).to_string(),
        ClientNotFound => t_string!(i18n, error.client_not_found).to_string(),
        TaskNotFound => t_string!(i18n, error.task_not_found).to_string(),
        StageNotFound => t_string!(i18n, error.stage_not_found).to_string(),
        PipelineNotFound => t_string!(i18n, error.pipeline_not_found).to_string(),
        SalespersonNotFound => t_string!(i18n, error.salesperson_not_found).to_string(),
        DuplicateId(_) => t_string!(i18n, error.duplicate_id).to_string(),
        StageInOtherPipeline => t_string!(i18n, error.stage_in_other_pipeline).to_string(),
        LostReasonRequired => t_string!(i18n, error.lost_reason_required).to_string(),
        LostNoteRequired => t_string!(i18n, error.lost_note_required).to_string(),
        UseCloseLost => t_string!(i18n, error.use_close_lost).to_string(),
        DealClosed => t_string!(i18n, error.deal_closed).to_string(),
        DealNotClosed => t_string!(i18n, error.deal_not_closed).to_string(),
        ProbabilityOutOfRange => t_string!(i18n, error.probability).to_string(),
        IdleDaysOutOfRange => t_string!(i18n, error.idle_days).to_string(),
        RatingOutOfRange => t_string!(i18n, error.rating).to_string(),
        StageHasDeals(n) => tf!(i18n, error.stage_has_deals, count = *n).to_string(),
        InvalidMoveTarget => t_string!(i18n, error.invalid_move_target).to_string(),
        OpenStageRequired => t_string!(i18n, error.open_stage_required).to_string(),
        KindChangeWithDeals(n) => tf!(i18n, error.kind_change_with_deals, count = *n).to_string(),
        TaskDone => t_string!(i18n, error.task_done).to_string(),
        TaskNotDone => t_string!(i18n, error.task_not_done).to_string(),
        SalespersonOwnsDeals(n) => tf!(i18n, error.salesperson_owns_deals, count = *n).to_string(),
        LastSalesperson => t_string!(i18n, error.last_salesperson).to_string(),
        TooLong(field) => tf!(
            i18n,
            error.too_long,
            field = text_field(i18n, *field),
            max = field.max_chars()
        ),
        InvalidWebsite => t_string!(i18n, error.invalid_website).to_string(),
        InvalidEmail => t_string!(i18n, error.invalid_email).to_string(),
        ClosedDealsTarget => t_string!(i18n, error.closed_deals_target).to_string(),
    }
}

/// The label of a text field, as its form shows it.
pub fn text_field(i18n: I18n, field: TextField) -> String {
    use TextField::*;
    match field {
        Title => t_string!(i18n, deal.title),
        Name => t_string!(i18n, client.name),
        Company => t_string!(i18n, client.company),
        Email => t_string!(i18n, client.email),
        Phone => t_string!(i18n, client.phone),
        Website => t_string!(i18n, client.website),
        Address => t_string!(i18n, client.address),
        Source => t_string!(i18n, client.source),
        DecisionMakers => t_string!(i18n, client.decision_makers),
        Competitors => t_string!(i18n, deal.competitors),
        Needs => t_string!(i18n, deal.needs),
        NextStep => t_string!(i18n, deal.next_step),
        Notes => t_string!(i18n, client.notes),
        TaskNote => t_string!(i18n, tasks.note),
        TaskOutcome => t_string!(i18n, tasks.outcome),
        LostNote => t_string!(i18n, tasks.note),
    }
    .to_string()
}
