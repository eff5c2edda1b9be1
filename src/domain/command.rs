use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::index::Touched;
use super::limits::{too_long, TextField};
use super::links::{safe_href, LinkKind};
use super::model::*;
use super::money::{is_currency_code, Money, MAX_MINOR};
use super::sorting;

/// For each named field, keeps `$mine`'s value where it differs from
/// `$base`'s, and takes `$current`'s where it does not (see
/// [`DealInput::rebased`]).
macro_rules! rebase_fields {
    ($mine:ident, $base:ident, $current:ident: $record:ident { $($field:ident),+ }) => {{
        // Names every field: one added to the type must be added here.
        let $record { $($field: _),+ } = $base;
        $(
            if $mine.$field == $base.$field {
                $mine.$field = $current.$field.clone();
            }
        )+
    }};
}

/// The editable fields of a deal, as a form holds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealInput {
    /// What is being sold, to whom.
    pub title: String,
    /// The client, when known.
    pub client_id: Option<Id>,
    /// The salesperson responsible.
    pub owner_id: Id,
    /// Expected value.
    pub value: Money,
    /// Lead source.
    pub source: String,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
    /// Is our contact the decision maker?
    pub decision_maker_confirmed: Option<bool>,
    /// The client's estimated budget.
    pub budget: Option<Money>,
    /// When the client will decide.
    pub decision_date: Option<NaiveDate>,
    /// Competitors the client also talks to.
    pub competitors: String,
    /// Needs and expectations.
    pub needs: String,
    /// Agreed next step.
    pub next_step: String,
    /// Qualified or disqualified.
    pub qualified: Option<bool>,
}

impl DealInput {
    /// A deal with only a title, an owner and a value; everything else empty.
    pub fn new(title: &str, owner_id: Id, value: Money) -> Self {
        DealInput {
            title: title.to_string(),
            client_id: None,
            owner_id,
            value,
            source: String::new(),
            expected_close: None,
            decision_maker_confirmed: None,
            budget: None,
            decision_date: None,
            competitors: String::new(),
            needs: String::new(),
            next_step: String::new(),
            qualified: None,
        }
    }

    /// The editable fields of an existing deal.
    pub fn from_deal(deal: &Deal) -> Self {
        DealInput {
            title: deal.title.clone(),
            client_id: deal.client_id,
            owner_id: deal.owner_id,
            value: deal.value.clone(),
            source: deal.source.clone(),
            expected_close: deal.expected_close,
            decision_maker_confirmed: deal.decision_maker_confirmed,
            budget: deal.budget.clone(),
            decision_date: deal.decision_date,
            competitors: deal.competitors.clone(),
            needs: deal.needs.clone(),
            next_step: deal.next_step.clone(),
            qualified: deal.qualified,
        }
    }

    /// A form's fields (`self`), filled from `base` when it opened, put on
    /// top of `current`, the deal as it is now: the fields the form changed,
    /// and `current`'s for the rest. A form left open while the deal changed
    /// elsewhere (in another tab) then saves its own edits without undoing
    /// those changes.
    pub fn rebased(mut self, base: &DealInput, current: &DealInput) -> DealInput {
        rebase_fields!(self, base, current: DealInput { title, client_id, owner_id, value,
            source, expected_close, decision_maker_confirmed, budget, decision_date,
            competitors, needs, next_step, qualified });
        self
    }
}

/// The editable fields of a client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInput {
    /// Name of the person or company.
    pub name: String,
    /// Company.
    pub company: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Website.
    pub website: String,
    /// Postal address.
    pub address: String,
    /// Where the client came from.
    pub source: String,
    /// Had contact with us before.
    pub prior_contact: bool,
    /// Who decides on their side.
    pub decision_makers: String,
    /// Free notes.
    pub notes: String,
}

impl ClientInput {
    /// The editable fields of an existing client.
    pub fn from_client(c: &Client) -> Self {
        ClientInput {
            name: c.name.clone(),
            company: c.company.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            website: c.website.clone(),
            address: c.address.clone(),
            source: c.source.clone(),
            prior_contact: c.prior_contact,
            decision_makers: c.decision_makers.clone(),
            notes: c.notes.clone(),
        }
    }

    /// As [`DealInput::rebased`], for a client's form.
    pub fn rebased(mut self, base: &ClientInput, current: &ClientInput) -> ClientInput {
        rebase_fields!(self, base, current: ClientInput { name, company, email, phone,
            website, address, source, prior_contact, decision_makers, notes });
        self
    }
}

/// The editable fields of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    /// What kind of activity.
    pub kind: TaskKind,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// What to do or say.
    pub note: String,
}

/// The editable fields of a stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInput {
    /// Name shown on the board.
    pub name: String,
    /// What the stage means.
    pub kind: StageKind,
    /// Win probability in percent, 0–100.
    pub probability: u8,
    /// Idle limit in days.
    pub idle_days: Option<u32>,
}

impl StageInput {
    /// The editable fields of an existing stage.
    pub fn from_stage(s: &Stage) -> Self {
        StageInput {
            name: s.name.clone(),
            kind: s.kind,
            probability: s.probability,
            idle_days: s.idle_days,
        }
    }
}

/// Every change a user can make to the workspace.
///
/// The rule for writing one: every record it changes gets `updated_at =
/// now`. Storage rewrites only the values whose records' ids or `updated_at`
/// changed (see `layout.rs`), so a change made without that stamp is shown
/// but never saved. The property test in `tests/invariants.rs` saves after
/// every command of random sessions and reads storage back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Add a deal, in `stage_id` or the first stage of the current pipeline.
    CreateDeal {
        /// Id for the new deal.
        id: Id,
        /// Stage to start in; `None` for the first stage of the current pipeline.
        stage_id: Option<Id>,
        /// The deal's fields.
        input: DealInput,
    },
    /// Change a deal's fields.
    EditDeal {
        /// The deal.
        id: Id,
        /// The new fields.
        input: DealInput,
    },
    /// Delete a deal and its tasks.
    DeleteDeal {
        /// The deal.
        id: Id,
    },
    /// Put back a deleted deal and its tasks exactly as they were (undo).
    RestoreDeal {
        /// The deal as it was.
        deal: Box<Deal>,
        /// Its tasks as they were.
        tasks: Vec<Task>,
    },
    /// Move a deal to another stage of its pipeline.
    MoveDeal {
        /// The deal.
        id: Id,
        /// The target stage.
        stage_id: Id,
    },
    /// The client bought.
    CloseWon {
        /// The deal.
        id: Id,
    },
    /// The client did not buy; refused without a reason.
    CloseLost {
        /// The deal.
        id: Id,
        /// The reason from the list.
        reason: Option<LostReasonKind>,
        /// Free text, required for "Other".
        note: String,
    },
    /// Neither yes nor no after another contact.
    MarkMaybe {
        /// The deal.
        id: Id,
    },
    /// Take back a final answer: the deal is open again.
    Reopen {
        /// The deal.
        id: Id,
    },
    /// Stop showing a cadence suggestion for a deal.
    DismissSuggestion {
        /// The deal.
        deal_id: Id,
        /// The suggestion's key.
        key: String,
    },
    /// Add a client.
    CreateClient {
        /// Id for the new client.
        id: Id,
        /// The client's fields.
        input: ClientInput,
    },
    /// Change a client's fields.
    EditClient {
        /// The client.
        id: Id,
        /// The new fields.
        input: ClientInput,
    },
    /// Rate a client's potential, behaviour and interest.
    RateClient {
        /// The client.
        id: Id,
        /// The ratings, each 0 (not rated) to 5.
        rating: ClientRating,
    },
    /// Delete a client; its deals stay, without a client.
    DeleteClient {
        /// The client.
        id: Id,
    },
    /// Add a task to a deal.
    CreateTask {
        /// Id for the new task.
        id: Id,
        /// The deal.
        deal_id: Id,
        /// The task's fields.
        input: TaskInput,
    },
    /// Change a task's kind, due time or note.
    EditTask {
        /// The task.
        id: Id,
        /// The new fields.
        input: TaskInput,
    },
    /// Mark a task done with what came of it.
    CompleteTask {
        /// The task.
        id: Id,
        /// What came of it.
        outcome: String,
        /// The contact ended with a promise to send an offer.
        offer_promised: bool,
    },
    /// Mark a done task as not done.
    ReopenTask {
        /// The task.
        id: Id,
    },
    /// Delete a task.
    DeleteTask {
        /// The task.
        id: Id,
    },
    /// Add a stage to a pipeline at `position` (the end when `None`).
    AddStage {
        /// The pipeline.
        pipeline_id: Id,
        /// Id for the new stage.
        id: Id,
        /// The stage's fields.
        input: StageInput,
        /// Where to insert it.
        position: Option<usize>,
    },
    /// Rename a stage or change its kind, probability or idle limit.
    EditStage {
        /// The stage.
        stage_id: Id,
        /// The new fields.
        input: StageInput,
    },
    /// Move a stage to another position in its pipeline.
    MoveStage {
        /// The stage.
        stage_id: Id,
        /// Its new position, 0 first.
        to: usize,
    },
    /// Remove a stage; its deals move to `move_deals_to` (required when it
    /// holds any). Open deals moved into a Won stage are won; into a Lost
    /// stage, lost for `reason` (required then). Won and lost deals keep
    /// their answer.
    RemoveStage {
        /// The stage.
        stage_id: Id,
        /// Where its deals go.
        move_deals_to: Option<Id>,
        /// Why its open deals were lost, when they go into a Lost stage.
        reason: Option<LostReasonKind>,
        /// Free text for the reason, required for "Other".
        note: String,
    },
    /// Add a pipeline (e.g. made from a preset) and show it.
    AddPipeline {
        /// The new pipeline.
        pipeline: Pipeline,
    },
    /// Rename a pipeline.
    RenamePipeline {
        /// The pipeline.
        id: Id,
        /// Its new name.
        name: String,
    },
    /// Show another pipeline on the board.
    SwitchPipeline {
        /// The pipeline.
        id: Id,
    },
    /// Add a salesperson.
    AddSalesperson {
        /// Id for the new salesperson.
        id: Id,
        /// Their name.
        name: String,
    },
    /// Rename a salesperson.
    RenameSalesperson {
        /// The salesperson.
        id: Id,
        /// Their new name.
        name: String,
    },
    /// Remove a salesperson; their deals go to `reassign_to` (required when they own any).
    RemoveSalesperson {
        /// The salesperson.
        id: Id,
        /// Who takes over their deals.
        reassign_to: Option<Id>,
    },
    /// Set the currency of new deals and of totals.
    SetCurrency {
        /// ISO 4217 code.
        code: String,
    },
    /// Set the quota for the month containing `month`, for one salesperson or
    /// the team; zero removes it.
    SetQuota {
        /// Any day of the month.
        month: NaiveDate,
        /// The salesperson, or `None` for the team.
        salesperson_id: Option<Id>,
        /// Target in minor units of the workspace currency.
        amount_minor: i64,
    },
}

/// Why a command was refused; the workspace is left unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// A deal needs a title.
    EmptyTitle,
    /// A name was empty.
    EmptyName,
    /// An amount below zero.
    NegativeAmount,
    /// An amount beyond [`MAX_MINOR`].
    AmountTooLarge,
    /// Not a three-letter ISO 4217 code.
    InvalidCurrency(String),
    /// No deal with this id.
    DealNotFound,
    /// No client with this id.
    ClientNotFound,
    /// No task with this id.
    TaskNotFound,
    /// No stage with this id.
    StageNotFound,
    /// No pipeline with this id.
    PipelineNotFound,
    /// No salesperson with this id.
    SalespersonNotFound,
    /// A record with this id already exists.
    DuplicateId(Id),
    /// The target stage belongs to another pipeline.
    StageInOtherPipeline,
    /// Lost without a reason.
    LostReasonRequired,
    /// "Other" as the lost reason, without a note.
    LostNoteRequired,
    /// Dropping a deal on a Lost stage needs the close-lost dialog.
    UseCloseLost,
    /// The deal already has a final answer.
    DealClosed,
    /// The deal has no final answer to take back.
    DealNotClosed,
    /// A probability above 100 %.
    ProbabilityOutOfRange,
    /// An idle limit of zero days.
    IdleDaysOutOfRange,
    /// A rating above 5.
    RatingOutOfRange,
    /// The stage holds deals and no stage was chosen for them.
    StageHasDeals(usize),
    /// Deals cannot move into the stage being removed.
    InvalidMoveTarget,
    /// A pipeline needs at least one open stage.
    OpenStageRequired,
    /// The kind of a stage that holds deals cannot change.
    KindChangeWithDeals(usize),
    /// The task is already done.
    TaskDone,
    /// The task is not done.
    TaskNotDone,
    /// The salesperson owns deals and nobody was chosen to take them over.
    SalespersonOwnsDeals(usize),
    /// The last salesperson cannot be removed: every deal needs an owner.
    LastSalesperson,
    /// A text longer than its field holds.
    TooLong(TextField),
    /// A website that would not become an http or https link.
    InvalidWebsite,
    /// An e-mail address that would not become a `mailto:` link.
    InvalidEmail,
    /// Won deals cannot go into a Lost stage, nor lost deals into a Won one.
    ClosedDealsTarget,
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DomainError::*;
        match self {
            EmptyTitle => write!(f, "The title cannot be empty."),
            EmptyName => write!(f, "The name cannot be empty."),
            NegativeAmount => write!(f, "An amount cannot be negative."),
            AmountTooLarge => write!(f, "That amount is too large."),
            InvalidCurrency(code) => write!(
                f,
                "The currency \"{code}\" is not valid; use a three-letter code such as EUR or PLN."
            ),
            DealNotFound => write!(f, "That deal no longer exists."),
            ClientNotFound => write!(f, "That client no longer exists."),
            TaskNotFound => write!(f, "That task no longer exists."),
            StageNotFound => write!(f, "That stage no longer exists."),
            PipelineNotFound => write!(f, "That pipeline no longer exists."),
            SalespersonNotFound => write!(f, "That salesperson no longer exists."),
            DuplicateId(id) => write!(f, "A record with id {id} already exists."),
            StageInOtherPipeline => write!(f, "A deal can only move within its own pipeline."),
            LostReasonRequired => write!(f, "Choose why the deal was lost."),
            LostNoteRequired => write!(f, "Describe the reason when you choose \"Other\"."),
            UseCloseLost => write!(f, "Close the deal as lost to record a reason."),
            DealClosed => write!(f, "The deal is already won or lost."),
            DealNotClosed => write!(f, "The deal is not won or lost."),
            ProbabilityOutOfRange => write!(f, "The probability must be between 0 and 100 %."),
            IdleDaysOutOfRange => write!(f, "The idle limit must be at least one day."),
            RatingOutOfRange => write!(f, "Ratings go from 1 to 5."),
            StageHasDeals(n) => write!(f, "The stage holds {n} deal(s); choose where they go."),
            InvalidMoveTarget => write!(f, "Choose another stage of the same pipeline."),
            OpenStageRequired => write!(f, "A pipeline needs at least one open stage."),
            KindChangeWithDeals(n) => write!(
                f,
                "The stage holds {n} deal(s); move them elsewhere before changing its kind."
            ),
            TaskDone => write!(f, "The task is already done."),
            TaskNotDone => write!(f, "The task is not done."),
            SalespersonOwnsDeals(n) => {
                write!(f, "They own {n} deal(s); choose who takes them over.")
            }
            LastSalesperson => write!(
                f,
                "Every deal needs an owner: keep at least one salesperson."
            ),
            TooLong(field) => write!(
                f,
                "The {field:?} is too long: at most {} characters.",
                field.max_chars()
            ),
            InvalidWebsite => write!(
                f,
                "Enter a website such as example.com or https://example.com."
            ),
            InvalidEmail => write!(f, "Enter an e-mail address such as name@example.com."),
            ClosedDealsTarget => write!(
                f,
                "Won deals cannot go into a Lost stage, nor lost deals into a Won stage."
            ),
        }
    }
}

impl std::error::Error for DomainError {}

fn require_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::EmptyName);
    }
    check_text(TextField::Name, name)?;
    Ok(name.to_string())
}

/// Refuses a text longer than its field holds (see [`super::limits`]).
fn check_text(field: TextField, text: &str) -> Result<(), DomainError> {
    if too_long(field, text.trim()) {
        Err(DomainError::TooLong(field))
    } else {
        Ok(())
    }
}

/// Whether an edit leaves a field as it is stored: what was stored before
/// a rule existed is kept, and editing another field of the record must not
/// be refused for it.
fn unchanged(text: &str, stored: Option<&str>) -> bool {
    stored.is_some_and(|s| s == text || s == text.trim())
}

/// As [`check_text`], for a field whose stored value is `stored`.
fn check_edited_text(
    field: TextField,
    text: &str,
    stored: Option<&str>,
) -> Result<(), DomainError> {
    if unchanged(text, stored) {
        Ok(())
    } else {
        check_text(field, text)
    }
}

/// The client's fields (`stored`, the client's before an edit), refused
/// when one is too long or a website or e-mail address would not become a
/// link; returns the trimmed name.
fn check_client_input(
    input: &ClientInput,
    stored: Option<&ClientInput>,
) -> Result<String, DomainError> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(DomainError::EmptyName);
    }
    use TextField::*;
    let was = |f: fn(&ClientInput) -> &String| stored.map(|s| f(s).as_str());
    for (field, text, before) in [
        (Name, &input.name, was(|c| &c.name)),
        (Company, &input.company, was(|c| &c.company)),
        (Email, &input.email, was(|c| &c.email)),
        (Phone, &input.phone, was(|c| &c.phone)),
        (Website, &input.website, was(|c| &c.website)),
        (Address, &input.address, was(|c| &c.address)),
        (Source, &input.source, was(|c| &c.source)),
        (
            DecisionMakers,
            &input.decision_makers,
            was(|c| &c.decision_makers),
        ),
        (Notes, &input.notes, was(|c| &c.notes)),
    ] {
        check_edited_text(field, text, before)?;
    }
    let link = |kind, text: &str, before| {
        text.trim().is_empty() || unchanged(text, before) || safe_href(kind, text).is_some()
    };
    if !link(LinkKind::Web, &input.website, was(|c| &c.website)) {
        return Err(DomainError::InvalidWebsite);
    }
    if !link(LinkKind::Email, &input.email, was(|c| &c.email)) {
        return Err(DomainError::InvalidEmail);
    }
    Ok(name.to_string())
}

fn check_money(m: &Money) -> Result<(), DomainError> {
    if m.minor < 0 {
        return Err(DomainError::NegativeAmount);
    }
    if m.minor > MAX_MINOR {
        return Err(DomainError::AmountTooLarge);
    }
    if !is_currency_code(&m.currency) {
        return Err(DomainError::InvalidCurrency(m.currency.clone()));
    }
    Ok(())
}

fn check_stage_input(input: &StageInput) -> Result<String, DomainError> {
    if input.probability > 100 {
        return Err(DomainError::ProbabilityOutOfRange);
    }
    if input.idle_days == Some(0) {
        return Err(DomainError::IdleDaysOutOfRange);
    }
    require_name(&input.name)
}

/// The reason recorded when a deal is lost: one from the list, with a note
/// when it is "Other".
fn lost_reason(reason: Option<LostReasonKind>, note: &str) -> Result<LostReason, DomainError> {
    let kind = reason.ok_or(DomainError::LostReasonRequired)?;
    let note = note.trim();
    if kind == LostReasonKind::Other && note.is_empty() {
        return Err(DomainError::LostNoteRequired);
    }
    check_text(TextField::LostNote, note)?;
    Ok(LostReason {
        kind,
        note: note.to_string(),
    })
}

fn has_open_stage(stages: &[Stage]) -> bool {
    stages.iter().any(|s| s.kind == StageKind::Open)
}

impl Workspace {
    /// The one door for changes: validates `command`, applies it at time `now`,
    /// or returns why not and leaves the workspace untouched. The indexes
    /// follow the change.
    pub fn apply(&mut self, command: Command, now: DateTime<Utc>) -> Result<(), DomainError> {
        let touched = self.touched_by(&command);
        let result = self.run(command, now);
        self.reindex_after(touched);
        result
    }

    /// The deals `command` may change, for the journal beside the index:
    /// one deal for the commands on a deal or its tasks, nothing for those
    /// on a client's own fields, any deal for the rest (they change stages,
    /// owners or many deals, or move deals in their list).
    fn touched_by(&self, command: &Command) -> Touched {
        use Command::*;
        let task_deal = |id: &Id| {
            self.task(*id)
                .map_or(Touched::Any, |t| Touched::Deal(t.deal_id))
        };
        match command {
            CreateDeal { id, .. }
            | EditDeal { id, .. }
            | MoveDeal { id, .. }
            | CloseWon { id }
            | CloseLost { id, .. }
            | MarkMaybe { id }
            | Reopen { id }
            | DismissSuggestion { deal_id: id, .. }
            | CreateTask { deal_id: id, .. } => Touched::Deal(*id),
            EditTask { id, .. }
            | CompleteTask { id, .. }
            | ReopenTask { id }
            | DeleteTask { id } => task_deal(id),
            CreateClient { .. } | EditClient { .. } | RateClient { .. } => Touched::Nothing,
            _ => Touched::Any,
        }
    }

    fn run(&mut self, command: Command, now: DateTime<Utc>) -> Result<(), DomainError> {
        use Command::*;
        match command {
            CreateDeal {
                id,
                stage_id,
                input,
            } => self.create_deal(id, stage_id, input, now),
            EditDeal { id, input } => self.edit_deal(id, input, now),
            DeleteDeal { id } => self.delete_deal(id, now),
            RestoreDeal { deal, tasks } => self.restore_deal(*deal, tasks, now),
            MoveDeal { id, stage_id } => self.move_deal(id, stage_id, now),
            CloseWon { id } => self.close_won(id, now),
            CloseLost { id, reason, note } => self.close_lost(id, reason, note, now),
            MarkMaybe { id } => {
                let deal = self.deal_mut(id)?;
                if deal.outcome.is_closed() {
                    return Err(DomainError::DealClosed);
                }
                deal.outcome = Outcome::Maybe;
                deal.updated_at = now;
                Ok(())
            }
            Reopen { id } => self.reopen(id, now),
            DismissSuggestion { deal_id, key } => {
                let deal = self.deal_mut(deal_id)?;
                if !deal.dismissed_suggestions.contains(&key) {
                    deal.dismissed_suggestions.push(key);
                    deal.updated_at = now;
                }
                Ok(())
            }
            CreateClient { id, input } => {
                let name = check_client_input(&input, None)?;
                self.check_new_id(id)?;
                self.clients.push(Client {
                    id,
                    name,
                    company: input.company.trim().to_string(),
                    email: input.email.trim().to_string(),
                    phone: input.phone.trim().to_string(),
                    website: input.website.trim().to_string(),
                    address: input.address,
                    source: input.source.trim().to_string(),
                    prior_contact: input.prior_contact,
                    decision_makers: input.decision_makers,
                    notes: input.notes,
                    rating: ClientRating::default(),
                    created_at: now,
                    updated_at: now,
                });
                Ok(())
            }
            EditClient { id, input } => {
                let stored = self.client(id).map(ClientInput::from_client);
                let name = check_client_input(&input, stored.as_ref())?;
                let c = self.client_mut(id)?;
                c.name = name;
                c.company = input.company.trim().to_string();
                c.email = input.email.trim().to_string();
                c.phone = input.phone.trim().to_string();
                c.website = input.website.trim().to_string();
                c.address = input.address;
                c.source = input.source.trim().to_string();
                c.prior_contact = input.prior_contact;
                c.decision_makers = input.decision_makers;
                c.notes = input.notes;
                c.updated_at = now;
                Ok(())
            }
            RateClient { id, rating } => {
                if [rating.potential, rating.behaviour, rating.interest]
                    .iter()
                    .any(|r| *r > 5)
                {
                    return Err(DomainError::RatingOutOfRange);
                }
                let c = self.client_mut(id)?;
                c.rating = rating;
                c.updated_at = now;
                Ok(())
            }
            DeleteClient { id } => {
                let index = self
                    .clients
                    .iter()
                    .position(|c| c.id == id)
                    .ok_or(DomainError::ClientNotFound)?;
                self.clients.remove(index);
                for deal in self.deals.iter_mut().filter(|d| d.client_id == Some(id)) {
                    deal.client_id = None;
                    deal.updated_at = now;
                }
                self.bury(id, RecordKind::Client, now);
                Ok(())
            }
            CreateTask { id, deal_id, input } => {
                check_text(TextField::TaskNote, &input.note)?;
                self.deal(deal_id).ok_or(DomainError::DealNotFound)?;
                self.check_new_id(id)?;
                self.tasks.push(Task {
                    id,
                    deal_id,
                    kind: input.kind,
                    due: input.due,
                    note: input.note.trim().to_string(),
                    done_at: None,
                    outcome: String::new(),
                    offer_promised: false,
                    created_at: now,
                    updated_at: now,
                });
                Ok(())
            }
            EditTask { id, input } => {
                let stored = self.task(id).map(|t| t.note.as_str());
                check_edited_text(TextField::TaskNote, &input.note, stored)?;
                let t = self.task_mut(id)?;
                t.kind = input.kind;
                t.due = input.due;
                t.note = input.note.trim().to_string();
                t.updated_at = now;
                Ok(())
            }
            CompleteTask {
                id,
                outcome,
                offer_promised,
            } => {
                check_text(TextField::TaskOutcome, &outcome)?;
                let t = self.task_mut(id)?;
                if t.done_at.is_some() {
                    return Err(DomainError::TaskDone);
                }
                t.done_at = Some(now);
                t.outcome = outcome.trim().to_string();
                t.offer_promised = offer_promised;
                t.updated_at = now;
                Ok(())
            }
            ReopenTask { id } => {
                let t = self.task_mut(id)?;
                if t.done_at.is_none() {
                    return Err(DomainError::TaskNotDone);
                }
                t.done_at = None;
                t.offer_promised = false;
                t.updated_at = now;
                Ok(())
            }
            DeleteTask { id } => {
                let index = self
                    .tasks
                    .iter()
                    .position(|t| t.id == id)
                    .ok_or(DomainError::TaskNotFound)?;
                self.tasks.remove(index);
                self.bury(id, RecordKind::Task, now);
                Ok(())
            }
            AddStage {
                pipeline_id,
                id,
                input,
                position,
            } => {
                let name = check_stage_input(&input)?;
                self.check_new_id(id)?;
                let p = self.pipeline_mut(pipeline_id)?;
                let at = position.unwrap_or(p.stages.len()).min(p.stages.len());
                p.stages.insert(
                    at,
                    Stage {
                        id,
                        name,
                        kind: input.kind,
                        probability: input.probability,
                        idle_days: input.idle_days,
                    },
                );
                p.updated_at = now;
                Ok(())
            }
            EditStage { stage_id, input } => {
                let name = check_stage_input(&input)?;
                let (p, _) = self.stage(stage_id).ok_or(DomainError::StageNotFound)?;
                let index = p.stage_index(stage_id).ok_or(DomainError::StageNotFound)?;
                let kind_changes = p.stages[index].kind != input.kind;
                let mut stages = p.stages.clone();
                stages[index] = Stage {
                    id: stage_id,
                    name,
                    kind: input.kind,
                    probability: input.probability,
                    idle_days: input.idle_days,
                };
                if !has_open_stage(&stages) {
                    return Err(DomainError::OpenStageRequired);
                }
                if kind_changes {
                    // Deals keep an answer that matches their stage's meaning.
                    let holding = self.deals_in_stage(stage_id).count();
                    if holding > 0 {
                        return Err(DomainError::KindChangeWithDeals(holding));
                    }
                }
                let p = self.pipeline_of_stage_mut(stage_id)?;
                p.stages = stages;
                p.updated_at = now;
                Ok(())
            }
            MoveStage { stage_id, to } => {
                let p = self.pipeline_of_stage_mut(stage_id)?;
                let from = p.stage_index(stage_id).ok_or(DomainError::StageNotFound)?;
                let to = to.min(p.stages.len() - 1);
                if from != to {
                    let stage = p.stages.remove(from);
                    p.stages.insert(to, stage);
                    p.updated_at = now;
                }
                Ok(())
            }
            RemoveStage {
                stage_id,
                move_deals_to,
                reason,
                note,
            } => self.remove_stage(stage_id, move_deals_to, reason, note, now),
            AddPipeline { pipeline } => {
                let name = require_name(&pipeline.name)?;
                self.check_new_id(pipeline.id)?;
                for (i, s) in pipeline.stages.iter().enumerate() {
                    check_stage_input(&StageInput::from_stage(s))?;
                    if self.id_in_use(s.id) || pipeline.stages[..i].iter().any(|o| o.id == s.id) {
                        return Err(DomainError::DuplicateId(s.id));
                    }
                }
                if pipeline.stages.iter().any(|s| s.id == pipeline.id) {
                    return Err(DomainError::DuplicateId(pipeline.id));
                }
                if !has_open_stage(&pipeline.stages) {
                    return Err(DomainError::OpenStageRequired);
                }
                let id = pipeline.id;
                self.pipelines.push(Pipeline {
                    name,
                    updated_at: now,
                    ..pipeline
                });
                self.settings.current_pipeline_id = id;
                self.settings.updated_at = now;
                Ok(())
            }
            RenamePipeline { id, name } => {
                let name = require_name(&name)?;
                let p = self.pipeline_mut(id)?;
                p.name = name;
                p.updated_at = now;
                Ok(())
            }
            SwitchPipeline { id } => {
                self.pipeline(id).ok_or(DomainError::PipelineNotFound)?;
                if self.settings.current_pipeline_id != id {
                    self.settings.current_pipeline_id = id;
                    self.settings.updated_at = now;
                }
                Ok(())
            }
            AddSalesperson { id, name } => {
                let name = require_name(&name)?;
                self.check_new_id(id)?;
                self.salespeople.push(Salesperson {
                    id,
                    name,
                    updated_at: now,
                });
                Ok(())
            }
            RenameSalesperson { id, name } => {
                let name = require_name(&name)?;
                let s = self
                    .salespeople
                    .iter_mut()
                    .find(|s| s.id == id)
                    .ok_or(DomainError::SalespersonNotFound)?;
                s.name = name;
                s.updated_at = now;
                Ok(())
            }
            RemoveSalesperson { id, reassign_to } => {
                self.salesperson(id)
                    .ok_or(DomainError::SalespersonNotFound)?;
                if self.salespeople.len() == 1 {
                    return Err(DomainError::LastSalesperson);
                }
                let owned = self.deals.iter().filter(|d| d.owner_id == id).count();
                if owned > 0 {
                    match reassign_to {
                        None => return Err(DomainError::SalespersonOwnsDeals(owned)),
                        Some(to) if to == id || self.salesperson(to).is_none() => {
                            return Err(DomainError::SalespersonNotFound)
                        }
                        Some(to) => {
                            for d in self.deals.iter_mut().filter(|d| d.owner_id == id) {
                                d.owner_id = to;
                                d.updated_at = now;
                            }
                        }
                    }
                }
                self.salespeople.retain(|s| s.id != id);
                let before = self.settings.quotas.len();
                self.settings
                    .quotas
                    .retain(|q| q.salesperson_id != Some(id));
                if self.settings.quotas.len() != before {
                    self.settings.updated_at = now;
                }
                self.bury(id, RecordKind::Salesperson, now);
                Ok(())
            }
            SetCurrency { code } => {
                let code = code.trim().to_ascii_uppercase();
                if !is_currency_code(&code) {
                    return Err(DomainError::InvalidCurrency(code));
                }
                self.settings.currency = code;
                self.settings.updated_at = now;
                Ok(())
            }
            SetQuota {
                month,
                salesperson_id,
                amount_minor,
            } => {
                if amount_minor < 0 {
                    return Err(DomainError::NegativeAmount);
                }
                if amount_minor > MAX_MINOR {
                    return Err(DomainError::AmountTooLarge);
                }
                if let Some(s) = salesperson_id {
                    self.salesperson(s)
                        .ok_or(DomainError::SalespersonNotFound)?;
                }
                let month = month.with_day(1).unwrap_or(month);
                let quotas = &mut self.settings.quotas;
                quotas.retain(|q| !(q.month == month && q.salesperson_id == salesperson_id));
                if amount_minor > 0 {
                    quotas.push(Quota {
                        month,
                        salesperson_id,
                        amount_minor,
                    });
                    sorting::sort_by_key(quotas, |q| (q.month, q.salesperson_id));
                }
                self.settings.updated_at = now;
                Ok(())
            }
        }
    }

    /// Applies several commands as one: all of them, or none when one is refused.
    pub fn apply_all(
        &mut self,
        commands: Vec<Command>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let mut draft = self.clone();
        for command in commands {
            draft.apply(command, now)?;
        }
        *self = draft;
        Ok(())
    }

    fn check_new_id(&self, id: Id) -> Result<(), DomainError> {
        if self.id_in_use(id) {
            Err(DomainError::DuplicateId(id))
        } else {
            Ok(())
        }
    }

    /// The deal's fields (`stored`, the deal's before an edit); returns the
    /// trimmed title.
    fn check_deal_input(
        &self,
        input: &DealInput,
        stored: Option<&DealInput>,
    ) -> Result<String, DomainError> {
        let title = input.title.trim();
        if title.is_empty() {
            return Err(DomainError::EmptyTitle);
        }
        let was = |f: fn(&DealInput) -> &String| stored.map(|s| f(s).as_str());
        check_edited_text(TextField::Title, title, was(|d| &d.title))?;
        check_edited_text(TextField::Source, &input.source, was(|d| &d.source))?;
        check_edited_text(
            TextField::Competitors,
            &input.competitors,
            was(|d| &d.competitors),
        )?;
        check_edited_text(TextField::Needs, &input.needs, was(|d| &d.needs))?;
        check_edited_text(TextField::NextStep, &input.next_step, was(|d| &d.next_step))?;
        check_money(&input.value)?;
        if let Some(budget) = &input.budget {
            check_money(budget)?;
        }
        if let Some(c) = input.client_id {
            self.client(c).ok_or(DomainError::ClientNotFound)?;
        }
        self.salesperson(input.owner_id)
            .ok_or(DomainError::SalespersonNotFound)?;
        Ok(title.to_string())
    }

    fn create_deal(
        &mut self,
        id: Id,
        stage_id: Option<Id>,
        input: DealInput,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let title = self.check_deal_input(&input, None)?;
        self.check_new_id(id)?;
        let (pipeline_id, stage_id) = match stage_id {
            Some(stage_id) => {
                let (p, s) = self.stage(stage_id).ok_or(DomainError::StageNotFound)?;
                if !s.kind.is_column() {
                    return Err(DomainError::InvalidMoveTarget);
                }
                (p.id, s.id)
            }
            None => {
                let p = self
                    .current_pipeline()
                    .ok_or(DomainError::PipelineNotFound)?;
                let s = p
                    .first_of_kind(StageKind::Open)
                    .ok_or(DomainError::OpenStageRequired)?;
                (p.id, s.id)
            }
        };
        self.deals.push(Deal {
            id,
            title,
            client_id: input.client_id,
            owner_id: input.owner_id,
            value: input.value,
            source: input.source.trim().to_string(),
            pipeline_id,
            stage_id,
            outcome: Outcome::Open,
            lost_reason: None,
            expected_close: input.expected_close,
            decision_maker_confirmed: input.decision_maker_confirmed,
            budget: input.budget,
            decision_date: input.decision_date,
            competitors: input.competitors.trim().to_string(),
            needs: input.needs.trim().to_string(),
            next_step: input.next_step.trim().to_string(),
            qualified: input.qualified,
            created_at: now,
            updated_at: now,
            closed_at: None,
            stage_history: vec![StageEntry {
                stage_id,
                entered_at: now,
            }],
            dismissed_suggestions: Vec::new(),
        });
        Ok(())
    }

    fn edit_deal(
        &mut self,
        id: Id,
        input: DealInput,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let stored = self.deal(id).map(DealInput::from_deal);
        let title = self.check_deal_input(&input, stored.as_ref())?;
        let d = self.deal_mut(id)?;
        d.title = title;
        d.client_id = input.client_id;
        d.owner_id = input.owner_id;
        d.value = input.value;
        d.source = input.source.trim().to_string();
        d.expected_close = input.expected_close;
        d.decision_maker_confirmed = input.decision_maker_confirmed;
        d.budget = input.budget;
        d.decision_date = input.decision_date;
        d.competitors = input.competitors.trim().to_string();
        d.needs = input.needs.trim().to_string();
        d.next_step = input.next_step.trim().to_string();
        d.qualified = input.qualified;
        d.updated_at = now;
        Ok(())
    }

    fn delete_deal(&mut self, id: Id, now: DateTime<Utc>) -> Result<(), DomainError> {
        let index = self
            .deals
            .iter()
            .position(|d| d.id == id)
            .ok_or(DomainError::DealNotFound)?;
        self.deals.remove(index);
        let task_ids: Vec<Id> = self.tasks_of_deal(id).map(|t| t.id).collect();
        self.tasks.retain(|t| t.deal_id != id);
        self.bury(id, RecordKind::Deal, now);
        for t in task_ids {
            self.bury(t, RecordKind::Task, now);
        }
        Ok(())
    }

    fn restore_deal(
        &mut self,
        deal: Deal,
        tasks: Vec<Task>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.check_new_id(deal.id)?;
        for t in &tasks {
            self.check_new_id(t.id)?;
        }
        let (p, _) = self
            .stage(deal.stage_id)
            .ok_or(DomainError::StageNotFound)?;
        if p.id != deal.pipeline_id {
            return Err(DomainError::StageInOtherPipeline);
        }
        self.salesperson(deal.owner_id)
            .ok_or(DomainError::SalespersonNotFound)?;
        let mut deal = deal;
        if deal.client_id.is_some_and(|c| self.client(c).is_none()) {
            deal.client_id = None;
        }
        // Its stage may have become a closing one while it was deleted.
        if let Some(stage_id) = self.agreeing_stage(&deal) {
            deal.stage_id = stage_id;
            deal.stage_history.push(StageEntry {
                stage_id,
                entered_at: now,
            });
        }
        let restored: Vec<Id> = std::iter::once(deal.id)
            .chain(tasks.iter().map(|t| t.id))
            .collect();
        self.tombstones.retain(|t| !restored.contains(&t.id));
        self.deals.push(deal);
        self.tasks.extend(tasks);
        Ok(())
    }

    fn move_deal(&mut self, id: Id, stage_id: Id, now: DateTime<Utc>) -> Result<(), DomainError> {
        let deal = self.deal(id).ok_or(DomainError::DealNotFound)?;
        let pipeline = self
            .pipeline(deal.pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        let Some(target) = pipeline.stage(stage_id) else {
            return Err(if self.stage(stage_id).is_some() {
                DomainError::StageInOtherPipeline
            } else {
                DomainError::StageNotFound
            });
        };
        match target.kind {
            StageKind::Won => return self.close_won(id, now),
            StageKind::Lost => return Err(DomainError::UseCloseLost),
            _ => {}
        }
        let kind = target.kind;
        let d = self.deal_mut(id)?;
        let stays_as_is = match d.outcome {
            Outcome::Open | Outcome::Maybe => true,
            Outcome::Won => kind == StageKind::PostSale,
            Outcome::Lost => false,
        };
        if d.stage_id == stage_id && stays_as_is {
            return Ok(());
        }
        match (d.outcome, kind) {
            // A won deal moves on into post-sale care and stays won.
            (Outcome::Won, StageKind::PostSale) => {}
            // Dragging a closed deal back onto the board takes back its answer.
            (Outcome::Won | Outcome::Lost, _) => {
                d.outcome = Outcome::Open;
                d.lost_reason = None;
                d.closed_at = None;
            }
            _ => {}
        }
        d.stage_id = stage_id;
        d.stage_history.push(StageEntry {
            stage_id,
            entered_at: now,
        });
        d.updated_at = now;
        Ok(())
    }

    fn close_won(&mut self, id: Id, now: DateTime<Utc>) -> Result<(), DomainError> {
        let deal = self.deal(id).ok_or(DomainError::DealNotFound)?;
        if deal.outcome == Outcome::Won {
            return Err(DomainError::DealClosed);
        }
        self.close(id, Outcome::Won, None, now)
    }

    fn close_lost(
        &mut self,
        id: Id,
        reason: Option<LostReasonKind>,
        note: String,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let deal = self.deal(id).ok_or(DomainError::DealNotFound)?;
        if deal.outcome == Outcome::Lost {
            return Err(DomainError::DealClosed);
        }
        let reason = lost_reason(reason, &note)?;
        self.close(id, Outcome::Lost, Some(reason), now)
    }

    /// Gives a deal its final answer (won or lost) and moves it to the
    /// pipeline's first stage of that kind.
    fn close(
        &mut self,
        id: Id,
        outcome: Outcome,
        lost_reason: Option<LostReason>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let (kind, other) = match outcome {
            Outcome::Won => (StageKind::Won, StageKind::Lost),
            _ => (StageKind::Lost, StageKind::Won),
        };
        let deal = self.deal(id).ok_or(DomainError::DealNotFound)?;
        let closing_stage = match self
            .pipeline(deal.pipeline_id)
            .and_then(|p| p.first_of_kind(kind))
        {
            Some(s) => Some(s.id),
            // Without a stage of that kind the deal stays where it is,
            // unless that is a stage of the other answer, which holds only
            // deals with that answer.
            None if self.stage_kind(deal.stage_id) == Some(other) => {
                Some(self.last_open_stage(deal)?)
            }
            None => None,
        };
        let d = self.deal_mut(id)?;
        d.outcome = outcome;
        d.lost_reason = lost_reason;
        d.closed_at = Some(now);
        if let Some(stage_id) = closing_stage.filter(|s| *s != d.stage_id) {
            d.stage_id = stage_id;
            d.stage_history.push(StageEntry {
                stage_id,
                entered_at: now,
            });
        }
        d.updated_at = now;
        Ok(())
    }

    fn reopen(&mut self, id: Id, now: DateTime<Utc>) -> Result<(), DomainError> {
        let deal = self.deal(id).ok_or(DomainError::DealNotFound)?;
        if !deal.outcome.is_closed() {
            return Err(DomainError::DealNotClosed);
        }
        let target = match self.stage_kind(deal.stage_id) {
            Some(StageKind::Open | StageKind::Parking) => None,
            _ => Some(self.last_open_stage(deal)?),
        };
        let d = self.deal_mut(id)?;
        d.outcome = Outcome::Open;
        d.lost_reason = None;
        d.closed_at = None;
        if let Some(stage_id) = target {
            d.stage_id = stage_id;
            d.stage_history.push(StageEntry {
                stage_id,
                entered_at: now,
            });
        }
        d.updated_at = now;
        Ok(())
    }

    /// The stages that the deals of `stage_id` can go to when it is
    /// removed: the other stages of its pipeline, but for a Lost stage when
    /// it holds won deals and a Won stage when it holds lost ones.
    pub fn stage_removal_targets(&self, stage_id: Id) -> Vec<&Stage> {
        let Some((pipeline, _)) = self.stage(stage_id) else {
            return Vec::new();
        };
        let held = |outcome: Outcome| self.deals_in_stage(stage_id).any(|d| d.outcome == outcome);
        let (won, lost) = (held(Outcome::Won), held(Outcome::Lost));
        pipeline
            .stages
            .iter()
            .filter(|s| s.id != stage_id)
            .filter(|s| !(won && s.kind == StageKind::Lost || lost && s.kind == StageKind::Won))
            .collect()
    }

    fn remove_stage(
        &mut self,
        stage_id: Id,
        move_deals_to: Option<Id>,
        reason: Option<LostReasonKind>,
        note: String,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let (pipeline, _) = self.stage(stage_id).ok_or(DomainError::StageNotFound)?;
        let pipeline_id = pipeline.id;
        let remaining: Vec<Stage> = pipeline
            .stages
            .iter()
            .filter(|s| s.id != stage_id)
            .cloned()
            .collect();
        if !has_open_stage(&remaining) {
            return Err(DomainError::OpenStageRequired);
        }
        let holding = self.deals_in_stage(stage_id).count();
        let target = match move_deals_to {
            _ if holding == 0 => None,
            None => return Err(DomainError::StageHasDeals(holding)),
            Some(t) => {
                let stage = remaining
                    .iter()
                    .find(|s| s.id == t)
                    .ok_or(DomainError::InvalidMoveTarget)?;
                Some((stage.id, stage.kind))
            }
        };
        if let Some((target_id, target_kind)) = target {
            if !self
                .stage_removal_targets(stage_id)
                .iter()
                .any(|s| s.id == target_id)
            {
                return Err(DomainError::ClosedDealsTarget);
            }
            // Open deals moved into a Lost stage are lost, all for one reason.
            let open_held = self
                .deals_in_stage(stage_id)
                .any(|d| !d.outcome.is_closed());
            let lost = match target_kind {
                StageKind::Lost if open_held => Some(lost_reason(reason, &note)?),
                _ => None,
            };
            for d in self.deals.iter_mut().filter(|d| d.stage_id == stage_id) {
                d.stage_id = target_id;
                d.stage_history.push(StageEntry {
                    stage_id: target_id,
                    entered_at: now,
                });
                // Moving there closes an open deal; a closed one keeps its answer.
                if !d.outcome.is_closed() {
                    match target_kind {
                        StageKind::Won => {
                            d.outcome = Outcome::Won;
                            d.closed_at = Some(now);
                        }
                        StageKind::Lost => {
                            d.outcome = Outcome::Lost;
                            d.lost_reason = lost.clone();
                            d.closed_at = Some(now);
                        }
                        _ => {}
                    }
                }
                d.updated_at = now;
            }
        }
        let p = self.pipeline_mut(pipeline_id)?;
        p.stages = remaining;
        p.updated_at = now;
        Ok(())
    }

    /// The kind of the stage with this id, in any pipeline.
    fn stage_kind(&self, stage_id: Id) -> Option<StageKind> {
        self.stage(stage_id).map(|(_, s)| s.kind)
    }

    /// The last open (or parking) stage the deal was in, else the first open
    /// stage of its pipeline: where a deal goes back to on the board.
    fn last_open_stage(&self, deal: &Deal) -> Result<Id, DomainError> {
        let pipeline = self
            .pipeline(deal.pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        let is_open_stage = |s: Id| {
            pipeline
                .stage(s)
                .is_some_and(|s| matches!(s.kind, StageKind::Open | StageKind::Parking))
        };
        deal.stage_history
            .iter()
            .rev()
            .map(|e| e.stage_id)
            .find(|s| is_open_stage(*s))
            .or_else(|| pipeline.first_of_kind(StageKind::Open).map(|s| s.id))
            .ok_or(DomainError::OpenStageRequired)
    }

    /// Where `deal` must go for its stage to agree with its answer, or
    /// `None` when it does: an open deal sits in a board column (it would
    /// be shown nowhere else), a won deal outside Lost stages and a lost
    /// deal outside Won stages. A deal whose stage is gone goes to its
    /// pipeline's stage of its answer (Won, Lost) or back to an open one.
    pub fn agreeing_stage(&self, deal: &Deal) -> Option<Id> {
        let pipeline = self.pipeline(deal.pipeline_id)?;
        let kind = pipeline.stage(deal.stage_id).map(|s| s.kind);
        let agrees = kind.is_some_and(|kind| match deal.outcome {
            Outcome::Open | Outcome::Maybe => kind.is_column(),
            Outcome::Won => kind != StageKind::Lost,
            Outcome::Lost => kind != StageKind::Won,
        });
        if agrees {
            return None;
        }
        let own = match deal.outcome {
            Outcome::Won => pipeline.first_of_kind(StageKind::Won),
            Outcome::Lost => pipeline.first_of_kind(StageKind::Lost),
            Outcome::Open | Outcome::Maybe => None,
        };
        own.map(|s| s.id)
            .or_else(|| self.last_open_stage(deal).ok())
    }

    /// Puts every deal whose stage disagrees with its answer (see
    /// [`Workspace::agreeing_stage`]) where it agrees, keeping its answer,
    /// and returns how many moved; with `entered`, each move is recorded in
    /// the deal's stage history at that time. An open deal in a Won or Lost
    /// stage is shown on no screen: opening or importing such data brings it
    /// back to the board. The deal's `updated_at` stays as it was, so the
    /// move never makes an old copy of it win a merge.
    pub fn heal(&mut self, entered: Option<DateTime<Utc>>) -> usize {
        let moves: Vec<(usize, Id)> = self
            .deals
            .iter()
            .enumerate()
            .filter_map(|(i, d)| self.agreeing_stage(d).map(|s| (i, s)))
            .collect();
        for &(i, stage_id) in &moves {
            let d = &mut self.deals[i];
            d.stage_id = stage_id;
            if let Some(entered_at) = entered {
                d.stage_history.push(StageEntry {
                    stage_id,
                    entered_at,
                });
            }
        }
        self.reindex();
        moves.len()
    }

    fn bury(&mut self, id: Id, kind: RecordKind, now: DateTime<Utc>) {
        self.tombstones.retain(|t| t.id != id);
        self.tombstones.push(Tombstone {
            id,
            kind,
            deleted_at: now,
        });
    }

    fn deal_mut(&mut self, id: Id) -> Result<&mut Deal, DomainError> {
        let at = self.deal_position(id).ok_or(DomainError::DealNotFound)?;
        Ok(&mut self.deals[at])
    }

    fn client_mut(&mut self, id: Id) -> Result<&mut Client, DomainError> {
        let at = self
            .client_position(id)
            .ok_or(DomainError::ClientNotFound)?;
        Ok(&mut self.clients[at])
    }

    fn task_mut(&mut self, id: Id) -> Result<&mut Task, DomainError> {
        let at = self.task_position(id).ok_or(DomainError::TaskNotFound)?;
        Ok(&mut self.tasks[at])
    }

    fn pipeline_mut(&mut self, id: Id) -> Result<&mut Pipeline, DomainError> {
        self.pipelines
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(DomainError::PipelineNotFound)
    }

    fn pipeline_of_stage_mut(&mut self, stage_id: Id) -> Result<&mut Pipeline, DomainError> {
        self.pipelines
            .iter_mut()
            .find(|p| p.stage(stage_id).is_some())
            .ok_or(DomainError::StageNotFound)
    }
}
