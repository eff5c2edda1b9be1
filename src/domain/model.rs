use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::index::Indexes;
use super::money::Money;
use super::presets::StagePreset;
use super::sorting;

/// Identifier of any record; random UUIDs stay unique across machines, so a
/// colleague's export merges without collisions.
pub type Id = Uuid;

/// The version of the stored and exported data format this build writes.
pub const FORMAT_VERSION: u32 = 2;

/// Timestamps. In JSON (exports, the meta value) they are RFC 3339 text,
/// read by chrono's dedicated parser rather than the general one behind
/// `DateTime`'s `Deserialize`, as a large workspace holds hundreds of
/// thousands of them (BENCHMARKS.md); anything else falls back to the general parser, so what it
/// accepted before is still accepted, with the same error otherwise. In the
/// binary encoding of stored shards they are seconds and nanoseconds since
/// 1970: nothing to parse when the app opens.
mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::de::{Deserialize, Deserializer, Error, Visitor};
    use serde::ser::{Serialize, Serializer};
    use std::fmt;

    fn parse<E: Error>(text: &str) -> Result<DateTime<Utc>, E> {
        match DateTime::parse_from_rfc3339(text) {
            Ok(t) => Ok(t.with_timezone(&Utc)),
            Err(_) => text.parse::<DateTime<Utc>>().map_err(E::custom),
        }
    }

    /// Reads the text in place (no copy of each timestamp).
    struct Text;

    impl Visitor<'_> for Text {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 date and time")
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
            parse(text)
        }
    }

    /// `t` as chrono writes it (`2026-03-20T12:00:00Z`, with a fraction of
    /// a second only when there is one, in 3, 6 or 9 digits), for years
    /// 0–9999; `None` for the rest, which chrono writes with a sign. An
    /// export writes a few hundred thousand timestamps, and chrono's
    /// general formatting machinery was a large part of its time.
    fn write(t: &DateTime<Utc>, buf: &mut [u8; 30]) -> Option<usize> {
        use chrono::{Datelike, Timelike};
        let n = t.naive_utc();
        let year = n.year();
        if !(0..=9999).contains(&year) {
            return None;
        }
        let mut second = n.second();
        let mut nano = n.nanosecond();
        // A leap second is written as second 60.
        if nano >= 1_000_000_000 {
            second += 1;
            nano -= 1_000_000_000;
        }
        fn digits(out: &mut [u8], mut value: u32) {
            for b in out.iter_mut().rev() {
                *b = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        buf[..20].copy_from_slice(b"0000-00-00T00:00:00Z");
        digits(&mut buf[0..4], year as u32);
        digits(&mut buf[5..7], n.month());
        digits(&mut buf[8..10], n.day());
        digits(&mut buf[11..13], n.hour());
        digits(&mut buf[14..16], n.minute());
        digits(&mut buf[17..19], second);
        let (fraction, places) = match nano {
            0 => return Some(20),
            _ if nano.is_multiple_of(1_000_000) => (nano / 1_000_000, 3),
            _ if nano.is_multiple_of(1_000) => (nano / 1_000, 6),
            _ => (nano, 9),
        };
        buf[19] = b'.';
        digits(&mut buf[20..20 + places], fraction);
        buf[20 + places] = b'Z';
        Some(21 + places)
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let mut buf = [0; 30];
            match write(t, &mut buf) {
                // Only ASCII digits and separators were written.
                Some(len) => s.serialize_str(std::str::from_utf8(&buf[..len]).unwrap_or_default()),
                None => t.serialize(s),
            }
        } else {
            (t.timestamp(), t.timestamp_subsec_nanos()).serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        if d.is_human_readable() {
            d.deserialize_str(Text)
        } else {
            let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
            DateTime::from_timestamp(secs, nanos)
                .ok_or_else(|| D::Error::custom("a date and time out of range"))
        }
    }

    /// The same for optional timestamps.
    pub mod optional {
        use super::*;

        struct Stamp<'a>(&'a DateTime<Utc>);

        impl Serialize for Stamp<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                super::serialize(self.0, s)
            }
        }

        struct MaybeStamp;

        impl<'de> Visitor<'de> for MaybeStamp {
            type Value = Option<DateTime<Utc>>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 date and time, or null")
            }

            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&Stamp(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            d.deserialize_option(MaybeStamp)
        }
    }
}

/// What a stage means for the deals in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// A step of the sale still in progress.
    Open,
    /// The client bought.
    Won,
    /// The client did not buy.
    Lost,
    /// Parked without a decision, such as "Let them buy".
    Parking,
    /// Care after a win: who looks after the client, when and why.
    PostSale,
}

impl StageKind {
    /// Every kind, in the order settings offer them.
    pub const ALL: [StageKind; 5] = [
        StageKind::Open,
        StageKind::Won,
        StageKind::Lost,
        StageKind::Parking,
        StageKind::PostSale,
    ];

    /// Whether deals in a stage of this kind are shown as a board column.
    pub fn is_column(self) -> bool {
        !matches!(self, StageKind::Won | StageKind::Lost)
    }
}

/// One step of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stage {
    /// Stable id of the stage.
    pub id: Id,
    /// Name shown on the board.
    pub name: String,
    /// What the stage means.
    pub kind: StageKind,
    /// Chance in percent (0–100) that a deal in this stage is won; weights the forecast.
    pub probability: u8,
    /// A deal with no activity for more than this many days is flagged idle.
    pub idle_days: Option<u32>,
}

/// An ordered list of stages a deal moves through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Stable id of the pipeline.
    pub id: Id,
    /// Name of the pipeline.
    pub name: String,
    /// Stages in board order, left to right.
    pub stages: Vec<Stage>,
    /// The preset it was made from, if any (SPANCO ratios are labelled by it).
    #[serde(default)]
    pub preset: Option<StagePreset>,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Pipeline {
    /// The stage with this id.
    pub fn stage(&self, id: Id) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Position of the stage with this id.
    pub fn stage_index(&self, id: Id) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }

    /// The first stage of the given kind.
    pub fn first_of_kind(&self, kind: StageKind) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == kind)
    }

    /// Stages a deal progresses through, in order: open ones and the won one.
    /// Conversion ratios are measured between consecutive progression stages.
    pub fn progression(&self) -> Vec<&Stage> {
        self.stages
            .iter()
            .filter(|s| matches!(s.kind, StageKind::Open | StageKind::Won))
            .collect()
    }
}

/// Where a deal stands in its final answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still being worked.
    #[default]
    Open,
    /// The client bought.
    Won,
    /// The client did not buy (a reason is recorded).
    Lost,
    /// Neither yes nor no after another contact.
    Maybe,
}

impl Outcome {
    /// Won or lost: the deal has a final answer.
    pub fn is_closed(self) -> bool {
        matches!(self, Outcome::Won | Outcome::Lost)
    }
}

/// Why a deal was lost, from a fixed list so they can be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostReasonKind {
    /// Too expensive.
    Price,
    /// Chose a competitor.
    Competitor,
    /// No budget.
    NoBudget,
    /// Never decided.
    NoDecision,
    /// Wrong moment.
    Timing,
    /// Did not need it after all.
    NoNeed,
    /// Stopped answering.
    NoResponse,
    /// Something else, explained in the note.
    Other,
}

impl LostReasonKind {
    /// Every reason, in the order the close dialog offers them.
    pub const ALL: [LostReasonKind; 8] = [
        LostReasonKind::Price,
        LostReasonKind::Competitor,
        LostReasonKind::NoBudget,
        LostReasonKind::NoDecision,
        LostReasonKind::Timing,
        LostReasonKind::NoNeed,
        LostReasonKind::NoResponse,
        LostReasonKind::Other,
    ];
}

/// The mandatory reason recorded when a deal is lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReason {
    /// The reason from the list.
    pub kind: LostReasonKind,
    /// Free text; required when the reason is "Other".
    pub note: String,
}

/// The moment a deal entered a stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    /// The stage entered.
    pub stage_id: Id,
    /// When.
    #[serde(with = "rfc3339")]
    pub entered_at: DateTime<Utc>,
}

/// A sales opportunity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// Stable id of the deal.
    pub id: Id,
    /// What is being sold, to whom.
    pub title: String,
    /// The client, when known.
    pub client_id: Option<Id>,
    /// The salesperson responsible.
    pub owner_id: Id,
    /// Expected value.
    pub value: Money,
    /// Lead source: campaign, cold call, networking, referral, …
    pub source: String,
    /// The pipeline the deal runs in.
    pub pipeline_id: Id,
    /// The stage the deal is in now.
    pub stage_id: Id,
    /// The final answer so far.
    pub outcome: Outcome,
    /// Why it was lost; present exactly when the outcome is lost.
    pub lost_reason: Option<LostReason>,
    /// When the deal is expected to close.
    pub expected_close: Option<NaiveDate>,
    /// Is the person we talk to the one who decides? `None` while unknown.
    pub decision_maker_confirmed: Option<bool>,
    /// The client's estimated budget.
    pub budget: Option<Money>,
    /// When the client will decide.
    pub decision_date: Option<NaiveDate>,
    /// Competitors the client also talks to.
    pub competitors: String,
    /// The client's needs and expectations.
    pub needs: String,
    /// What happens next, as agreed with the client.
    pub next_step: String,
    /// Qualified (true) or disqualified (false); `None` while undecided.
    pub qualified: Option<bool>,
    /// When the deal was created.
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// When it was won or lost.
    #[serde(default, with = "rfc3339::optional")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Every stage the deal entered, oldest first; the last is the current stage.
    pub stage_history: Vec<StageEntry>,
    /// Keys of cadence suggestions the user dismissed for this deal.
    // Always written: stored shards use a binary encoding without field
    // names, in which a field cannot be left out.
    #[serde(default)]
    pub dismissed_suggestions: Vec<String>,
}

impl Deal {
    /// When the deal entered its current stage.
    pub fn entered_current_stage(&self) -> DateTime<Utc> {
        self.stage_history
            .iter()
            .rev()
            .find(|e| e.stage_id == self.stage_id)
            .map(|e| e.entered_at)
            .unwrap_or(self.created_at)
    }
}

/// A rating from 1 (poor) to 5 (excellent); 0 means not rated yet.
pub type Stars = u8;

/// The three ratings of a client (docs/PRODUCT.md §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientRating {
    /// How much the client could buy.
    pub potential: Stars,
    /// How the client acts: answers, keeps promises, decides.
    pub behaviour: Stars,
    /// How interested the client is in what we sell.
    pub interest: Stars,
}

/// A company or person we sell to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// Stable id of the client.
    pub id: Id,
    /// Name of the person or company as shown in lists.
    pub name: String,
    /// Company, when the client is a person at a company.
    pub company: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Website address.
    pub website: String,
    /// Postal address.
    pub address: String,
    /// Where the client came from.
    pub source: String,
    /// Did they have contact with us before?
    pub prior_contact: bool,
    /// Who decides on their side.
    pub decision_makers: String,
    /// Free notes.
    pub notes: String,
    /// Potential, behaviour and interest.
    pub rating: ClientRating,
    /// When the client was created.
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// What kind of activity a task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A phone call.
    Call,
    /// An e-mail.
    Email,
    /// A meeting.
    Meeting,
    /// Preparing and sending an offer.
    Offer,
    /// A follow-up contact after an offer.
    FollowUp,
    /// A demo or free trial.
    Demo,
    /// A contact after the sale.
    PostSale,
}

impl TaskKind {
    /// Every kind, in the order forms offer them.
    pub const ALL: [TaskKind; 7] = [
        TaskKind::Call,
        TaskKind::Email,
        TaskKind::Meeting,
        TaskKind::Offer,
        TaskKind::FollowUp,
        TaskKind::Demo,
        TaskKind::PostSale,
    ];

    /// A contact with the client (as opposed to work done alone).
    pub fn is_contact(self) -> bool {
        !matches!(self, TaskKind::Offer)
    }
}

/// An activity on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Task {
    /// Stable id of the task.
    pub id: Id,
    /// The deal it belongs to (and so its client).
    pub deal_id: Id,
    /// What kind of activity.
    pub kind: TaskKind,
    /// When it is due.
    #[serde(with = "rfc3339")]
    pub due: DateTime<Utc>,
    /// What to do or say.
    pub note: String,
    /// When it was done; `None` while open.
    #[serde(default, with = "rfc3339::optional")]
    pub done_at: Option<DateTime<Utc>>,
    /// What came of it.
    pub outcome: String,
    /// The contact ended with a promise to send an offer (starts the 24 h clock).
    pub offer_promised: bool,
    /// When the task was created.
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Task {
    /// Not done and due before `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.done_at.is_none() && self.due < now
    }
}

/// A person who owns deals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salesperson {
    /// Stable id.
    pub id: Id,
    /// Name shown on cards and in dashboards.
    pub name: String,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// A sales target for one month, for everyone or one salesperson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    /// First day of the month the quota is for.
    pub month: NaiveDate,
    /// The salesperson, or `None` for the whole team.
    pub salesperson_id: Option<Id>,
    /// Target in minor units of the workspace currency.
    pub amount_minor: i64,
}

/// Workspace-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Currency of new deals and of every total (ISO 4217 code).
    pub currency: String,
    /// The pipeline shown on the board.
    pub current_pipeline_id: Id,
    /// Monthly sales targets.
    pub quotas: Vec<Quota>,
    /// Last change, for merging.
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// The kind of record a tombstone stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A pipeline.
    Pipeline,
    /// A deal.
    Deal,
    /// A client.
    Client,
    /// A task.
    Task,
    /// A salesperson.
    Salesperson,
}

/// Remembers a deletion so that merging an older copy does not bring the record back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// Id of the deleted record.
    pub id: Id,
    /// What it was.
    pub kind: RecordKind,
    /// When it was deleted.
    #[serde(with = "rfc3339")]
    pub deleted_at: DateTime<Utc>,
}

/// The whole dataset of one user: what is stored and exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Version of the data format, see [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Currency, current pipeline, quotas.
    pub settings: Settings,
    /// All pipelines.
    pub pipelines: Vec<Pipeline>,
    /// All deals.
    pub deals: Vec<Deal>,
    /// All clients.
    pub clients: Vec<Client>,
    /// All tasks.
    pub tasks: Vec<Task>,
    /// The people who own deals.
    pub salespeople: Vec<Salesperson>,
    /// Deleted records, so merges do not resurrect them.
    pub tombstones: Vec<Tombstone>,
    /// Records by id and by what the screens group on (see `index.rs`).
    #[serde(skip)]
    pub indexes: Indexes,
}

impl Workspace {
    /// A new workspace with one pipeline made from `preset` and one salesperson
    /// named `owner`; `ids` supplies fresh ids.
    pub fn new(
        preset: StagePreset,
        currency: &str,
        owner: &str,
        now: DateTime<Utc>,
        mut ids: impl FnMut() -> Id,
    ) -> Self {
        let pipeline = preset.pipeline(&mut ids, now);
        Workspace {
            format_version: FORMAT_VERSION,
            settings: Settings {
                currency: currency.to_string(),
                current_pipeline_id: pipeline.id,
                quotas: Vec::new(),
                updated_at: now,
            },
            pipelines: vec![pipeline],
            deals: Vec::new(),
            clients: Vec::new(),
            tasks: Vec::new(),
            salespeople: vec![Salesperson {
                id: ids(),
                name: owner.to_string(),
                updated_at: now,
            }],
            tombstones: Vec::new(),
            indexes: Indexes::default(),
        }
    }

    /// The pipeline shown on the board.
    pub fn current_pipeline(&self) -> Option<&Pipeline> {
        self.pipeline(self.settings.current_pipeline_id)
            .or_else(|| self.pipelines.first())
    }

    /// The pipeline with this id.
    pub fn pipeline(&self, id: Id) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    /// The deal with this id.
    pub fn deal(&self, id: Id) -> Option<&Deal> {
        self.deal_position(id).map(|i| &self.deals[i])
    }

    /// The client with this id.
    pub fn client(&self, id: Id) -> Option<&Client> {
        self.client_position(id).map(|i| &self.clients[i])
    }

    /// The task with this id.
    pub fn task(&self, id: Id) -> Option<&Task> {
        self.task_position(id).map(|i| &self.tasks[i])
    }

    /// The salesperson with this id.
    pub fn salesperson(&self, id: Id) -> Option<&Salesperson> {
        self.salesperson_position(id).map(|i| &self.salespeople[i])
    }

    /// The stage with this id in any pipeline, with its pipeline.
    pub fn stage(&self, id: Id) -> Option<(&Pipeline, &Stage)> {
        self.pipelines
            .iter()
            .find_map(|p| p.stage(id).map(|s| (p, s)))
    }

    /// Puts records in a canonical order, the one storage gives back: by
    /// creation (deletion for tombstones), then id.
    pub fn canonical(&mut self) {
        self.drop_index();
        sorting::sort_by_moment_and_id(&mut self.deals, |d| (d.created_at, d.id));
        sorting::sort_by_moment_and_id(&mut self.clients, |c| (c.created_at, c.id));
        sorting::sort_by_moment_and_id(&mut self.tasks, |t| (t.created_at, t.id));
        sorting::sort_by_moment_and_id(&mut self.tombstones, |t| (t.deleted_at, t.id));
    }

    /// Whether the records already are in the canonical order (as stored
    /// data and records added since always are).
    pub fn is_canonical(&self) -> bool {
        sorting::in_moment_and_id_order(&self.deals, |d| (d.created_at, d.id))
            && sorting::in_moment_and_id_order(&self.clients, |c| (c.created_at, c.id))
            && sorting::in_moment_and_id_order(&self.tasks, |t| (t.created_at, t.id))
            && sorting::in_moment_and_id_order(&self.tombstones, |t| (t.deleted_at, t.id))
    }

    /// Whether any record (of any kind) has this id.
    pub fn id_in_use(&self, id: Id) -> bool {
        self.deal_position(id).is_some()
            || self.client_position(id).is_some()
            || self.task_position(id).is_some()
            || self.salesperson_position(id).is_some()
            || self
                .pipelines
                .iter()
                .any(|p| p.id == id || p.stages.iter().any(|s| s.id == id))
    }
}
