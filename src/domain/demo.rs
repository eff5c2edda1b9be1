//! Realistic sample data: the one-click demo pipeline, and seeded workspaces
//! of any size for tests and benchmarks. The same seed gives the same data.

use chrono::{DateTime, Duration, Utc};

use super::command::{ClientInput, Command, DealInput, TaskInput};
use super::model::*;
use super::money::Money;
use super::presets::StagePreset;

/// A small, fast, seeded random source (SplitMix64); good enough for sample data.
pub struct SampleRng(u64);

impl SampleRng {
    /// A source that always yields the same sequence for `seed`.
    pub fn new(seed: u64) -> Self {
        SampleRng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random id (version 4 layout), reproducible from the seed.
    pub fn id(&mut self) -> Id {
        let bytes = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        uuid::Builder::from_random_bytes(bytes.to_le_bytes()).into_uuid()
    }
}

const COMPANIES: [&str; 24] = [
    "Acme",
    "Nordwind",
    "Baltic Foods",
    "Vistula Logistics",
    "Greenfield",
    "Orbit Media",
    "Kraków Dental",
    "Silverline",
    "Tatra Tools",
    "Bluefin",
    "Helios Energy",
    "Amber Hotels",
    "Copperleaf",
    "Marina Yachts",
    "Pixel Forge",
    "Oakridge School",
    "Redwood Legal",
    "Sunrise Bakery",
    "Lumen Clinic",
    "Falcon Freight",
    "Brightside",
    "Stonebridge",
    "Maple Fitness",
    "Quartz Labs",
];
const PEOPLE: [&str; 16] = [
    "Anna Nowak",
    "Marek Wiśniewski",
    "Giulia Rossi",
    "Nikos Papadopoulos",
    "Ewa Zielińska",
    "Tom Baker",
    "Sofia Marino",
    "Piotr Kamiński",
    "Laura Conti",
    "Jan Kowalski",
    "Eleni Georgiou",
    "Kasia Lewandowska",
    "Luca Bianchi",
    "Maria Dąbrowska",
    "Adam Wójcik",
    "Chiara Greco",
];
const PRODUCTS: [&str; 12] = [
    "Website redesign",
    "CRM rollout",
    "Annual support",
    "Sales training",
    "Fleet tracking",
    "Cloud migration",
    "Brand refresh",
    "Security audit",
    "Newsletter service",
    "Booking system",
    "Staff workshop",
    "Mobile app",
];
const SOURCES: [&str; 6] = [
    "Referral",
    "Cold call",
    "Networking",
    "Google Ads",
    "Social media",
    "Website form",
];

/// How much sample data to make.
#[derive(Clone, Copy, Debug)]
pub struct SampleSize {
    /// Number of deals.
    pub deals: usize,
    /// Number of clients (deals are spread over them).
    pub clients: usize,
    /// Number of tasks (spread over the deals).
    pub tasks: usize,
    /// Number of salespeople.
    pub salespeople: usize,
}

impl SampleSize {
    /// The one-click demo: enough to see every screen at work.
    pub const DEMO: SampleSize = SampleSize {
        deals: 24,
        clients: 12,
        tasks: 40,
        salespeople: 3,
    };

    /// `deals` deals with clients and tasks in the demo's proportions.
    pub fn scaled(deals: usize) -> SampleSize {
        SampleSize {
            deals,
            clients: (deals / 2).max(1),
            tasks: deals * 5 / 3,
            salespeople: 3,
        }
    }
}

/// A workspace full of realistic deals spread over the last 90 days: deals in
/// every stage with their history, some won and lost, clients with ratings,
/// tasks done, due and overdue. `stage_names` translates the preset's stages;
/// `salespeople` names the team (the first is the user).
pub fn sample_workspace(
    preset: StagePreset,
    pipeline_name: &str,
    stage_names: &[&str],
    salespeople: &[&str],
    size: SampleSize,
    seed: u64,
    now: DateTime<Utc>,
) -> Workspace {
    let mut rng = SampleRng::new(seed);
    let start = now - Duration::days(90);
    let mut ws = Workspace::new(
        preset,
        "EUR",
        salespeople.first().copied().unwrap_or("Me"),
        start,
        || rng.id(),
    );
    let pipeline = preset.pipeline_named(pipeline_name, stage_names, &mut || rng.id(), start);
    ws.settings.current_pipeline_id = pipeline.id;
    ws.pipelines = vec![pipeline];
    let apply = |ws: &mut Workspace, c: Command, at: DateTime<Utc>| {
        // Sample data is built through the one door; a refusal is a bug here.
        ws.apply(c, at).expect("sample data is valid");
    };
    for name in salespeople
        .iter()
        .skip(1)
        .take(size.salespeople.saturating_sub(1))
    {
        let id = rng.id();
        apply(
            &mut ws,
            Command::AddSalesperson {
                id,
                name: (*name).to_string(),
            },
            start,
        );
    }
    let owners: Vec<Id> = ws.salespeople.iter().map(|s| s.id).collect();

    let mut clients = Vec::with_capacity(size.clients);
    for n in 0..size.clients {
        let id = rng.id();
        let company = COMPANIES[n % COMPANIES.len()];
        let suffix = if n < COMPANIES.len() {
            String::new()
        } else {
            format!(" {}", n / COMPANIES.len() + 1)
        };
        let person = *rng.pick(&PEOPLE);
        let slug: String = company
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let input = ClientInput {
            name: format!("{company}{suffix}"),
            company: format!("{company}{suffix}"),
            email: format!(
                "{}@{slug}.example",
                person.split(' ').next().unwrap_or("hello").to_lowercase()
            ),
            phone: format!("+48 600 {:03} {:03}", rng.below(1000), rng.below(1000)),
            website: format!("https://{slug}.example"),
            address: String::new(),
            source: (*rng.pick(&SOURCES)).to_string(),
            prior_contact: rng.below(3) == 0,
            decision_makers: person.to_string(),
            notes: String::new(),
        };
        apply(&mut ws, Command::CreateClient { id, input }, start);
        let rating = ClientRating {
            potential: 1 + rng.below(5) as u8,
            behaviour: 1 + rng.below(5) as u8,
            interest: 1 + rng.below(5) as u8,
        };
        apply(&mut ws, Command::RateClient { id, rating }, start);
        clients.push(id);
    }

    let stages: Vec<Stage> = ws
        .current_pipeline()
        .map(|p| p.stages.clone())
        .unwrap_or_default();
    let open: Vec<&Stage> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .collect();
    let post_sale = stages
        .iter()
        .find(|s| s.kind == StageKind::PostSale)
        .map(|s| s.id);
    let mut deals = Vec::with_capacity(size.deals);
    for n in 0..size.deals {
        let id = rng.id();
        let created = start + Duration::minutes(rng.below(85 * 24 * 60) as i64);
        let client = clients.get(n % clients.len().max(1)).copied();
        let product = *rng.pick(&PRODUCTS);
        let company = client
            .and_then(|c| ws.client(c))
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let value = Money {
            minor: (5 + rng.below(400) as i64) * 10_000,
            currency: "EUR".into(),
        };
        let mut input = DealInput::new(
            &format!("{product} – {company}"),
            owners[n % owners.len()],
            value,
        );
        input.client_id = client;
        input.source = (*rng.pick(&SOURCES)).to_string();
        input.expected_close = Some((now + Duration::days(rng.below(60) as i64 - 10)).date_naive());
        input.decision_maker_confirmed = Some(rng.below(2) == 0);
        input.competitors = if rng.below(2) == 0 {
            "Pipedrive".into()
        } else {
            String::new()
        };
        apply(
            &mut ws,
            Command::CreateDeal {
                id,
                stage_id: open.first().map(|s| s.id),
                input,
            },
            created,
        );

        // Walk the deal forward a random number of stages, a few days apart.
        let steps = rng.below(open.len() as u64) as usize;
        let mut at = created;
        for stage in open.iter().skip(1).take(steps) {
            at += Duration::hours(12 + rng.below(24 * 6) as i64);
            if at >= now {
                break;
            }
            apply(
                &mut ws,
                Command::MoveDeal {
                    id,
                    stage_id: stage.id,
                },
                at,
            );
        }
        at += Duration::hours(1 + rng.below(24 * 4) as i64);
        if at < now {
            match rng.below(10) {
                0 | 1 => {
                    apply(&mut ws, Command::CloseWon { id }, at);
                    if let (Some(stage_id), true) = (post_sale, rng.below(2) == 0) {
                        apply(&mut ws, Command::MoveDeal { id, stage_id }, at);
                    }
                }
                2 | 3 => {
                    let reason = *rng.pick(&LostReasonKind::ALL[..7]);
                    apply(
                        &mut ws,
                        Command::CloseLost {
                            id,
                            reason: Some(reason),
                            note: String::new(),
                        },
                        at,
                    );
                }
                4 => apply(&mut ws, Command::MarkMaybe { id }, at),
                _ => {}
            }
        }
        deals.push((id, created));
    }

    for n in 0..size.tasks {
        if deals.is_empty() {
            break;
        }
        let (deal_id, created) = deals[n % deals.len()];
        let id = rng.id();
        let kind = *rng.pick(&TaskKind::ALL);
        let due = now + Duration::hours(rng.below(24 * 14) as i64 - 24 * 5);
        let note = format!(
            "{} {}",
            rng.pick(&["Discuss", "Confirm", "Send", "Check", "Agree"]),
            rng.pick(&["pricing", "scope", "timeline", "contract", "next steps"])
        );
        apply(
            &mut ws,
            Command::CreateTask {
                id,
                deal_id,
                input: TaskInput { kind, due, note },
            },
            // Booked a few days ahead, as people do.
            created.max(due - Duration::days(3)).min(now),
        );
        if due < now && rng.below(3) > 0 {
            apply(
                &mut ws,
                Command::CompleteTask {
                    id,
                    outcome: "Done".into(),
                    offer_promised: kind == TaskKind::Call && rng.below(2) == 0,
                },
                due,
            );
        }
    }
    ws
}
