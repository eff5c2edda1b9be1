//! Export, the four-step import, merging and CSV (docs/PRODUCT.md §6).

mod common;

use chrono::Duration;
use common::*;
use pipeline_crm::domain::demo::{sample_workspace, SampleSize};
use pipeline_crm::domain::exchange::*;
use pipeline_crm::domain::mutation::{mutate_bytes, mutate_values};
use pipeline_crm::domain::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The demo workspace in canonical order, as exports write it.
fn demo() -> Workspace {
    let names = StagePreset::TrainersProcess.stage_names();
    let mut ws = sample_workspace(
        StagePreset::TrainersProcess,
        "Trainer's process",
        &names,
        &["Anna", "Bob", "Cleo"],
        SampleSize::DEMO,
        7,
        at(2026, 3, 10, 9, 0),
    );
    ws.canonical();
    ws
}

fn read(text: &str) -> Result<ImportFile, ImportError> {
    let mut ids = Ids::new();
    read_export(text, at(2026, 3, 10, 9, 0), "Me", || ids.next())
}

fn export_value(ws: &Workspace) -> Value {
    serde_json::from_str(&export_json(ws, at(2026, 3, 10, 9, 0))).unwrap()
}

/// `merge`, checking on the way that the preview's count of it agrees.
fn merge_counted(ours: &Workspace, theirs: &Workspace) -> (Workspace, MergeReport) {
    let (merged, report) = merge(ours, theirs);
    assert_eq!(
        merge_file_report(ours, theirs, false),
        report,
        "the preview counts what the merge does"
    );
    (merged, report)
}

fn problems(text: &str) -> Vec<Problem> {
    match read(text) {
        Err(ImportError::Invalid(p)) => p,
        other => panic!("expected invalid records, got {other:?}"),
    }
}

#[test]
fn an_export_reads_back_identical() {
    let ws = demo();
    let text = export_json(&ws, at(2026, 3, 10, 9, 0));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["app"], "pipeline-crm");
    assert_eq!(v["format_version"], FORMAT_VERSION);
    let file = read(&text).unwrap();
    assert_eq!(file.workspace, ws);
    assert_eq!(file.migrated_from, None);
    assert_eq!(export_json(&file.workspace, at(2026, 3, 10, 9, 0)), text);
}

#[test]
fn files_that_are_not_exports_are_refused_with_their_reason() {
    assert_eq!(
        read("{\"app\": \"pipeline-crm\",\n  \"format_version\": }").unwrap_err(),
        ImportError::NotJson {
            line: 2,
            column: 21
        }
    );
    for not_an_object in ["[1, 2, 3]", "[\"pipeline-crm\", 2, {}]", "\"hello\"", "7"] {
        assert_eq!(
            read(not_an_object).unwrap_err(),
            ImportError::NotOurFile,
            "{not_an_object}"
        );
    }
    assert_eq!(
        read("{\"app\": \"excel\"}").unwrap_err(),
        ImportError::NotOurFile
    );
    let mut v = export_value(&demo());
    v["format_version"] = json!(FORMAT_VERSION + 1);
    assert_eq!(
        read(&v.to_string()).unwrap_err(),
        ImportError::TooNew {
            found: FORMAT_VERSION + 1
        }
    );
    let mut v = export_value(&demo());
    v.as_object_mut().unwrap().remove("workspace");
    assert!(matches!(
        read(&v.to_string()).unwrap_err(),
        ImportError::WrongShape(_)
    ));
}

#[test]
fn huge_or_absurdly_nested_files_are_refused_before_parsing() {
    let huge = format!(
        "{{\"app\":\"pipeline-crm\",\"pad\":\"{}\"}}",
        "x".repeat(MAX_FILE_BYTES)
    );
    assert!(matches!(
        read(&huge).unwrap_err(),
        ImportError::TooLarge { .. }
    ));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(read(&deep).unwrap_err(), ImportError::TooDeep);
    // Brackets inside strings do not count.
    let mut v = export_value(&demo());
    v["workspace"]["deals"][0]["title"] = json!("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    assert!(read(&v.to_string()).is_ok());
}

/// A change made to an exported file.
type Edit = Box<dyn FnOnce(&mut Value)>;

/// The one problem of `ws`'s export after `edit`: its record, field and reason.
fn problem_after(
    ws: &Workspace,
    edit: impl FnOnce(&mut Value),
) -> (RecordType, String, ProblemReason) {
    let mut v = export_value(ws);
    edit(&mut v);
    let p = problems(&v.to_string());
    assert_eq!(p.len(), 1, "{p:?}");
    (p[0].record, p[0].field.clone(), p[0].reason.clone())
}

#[test]
fn a_broken_record_is_named_with_its_field_in_the_users_words() {
    use Unreadable::*;
    let ws = demo();
    let title = ws.deals[3].title.clone();
    let mut v = export_value(&ws);
    v["workspace"]["deals"][3]["value"]["minor"] = json!("lots");
    let p = problems(&v.to_string());
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].record, p[0].index, p[0].label.as_deref()),
        (RecordType::Deal, 3, Some(title.as_str()))
    );
    assert_eq!(
        (p[0].field.as_str(), &p[0].reason),
        ("value.minor", &ProblemReason::Unreadable(NotAmount))
    );
    let unreadable = |why| ProblemReason::Unreadable(why);
    let cases: Vec<(Edit, RecordType, &str, ProblemReason)> = vec![
        (
            Box::new(|v| v["workspace"]["pipelines"][0]["stages"][1]["kind"] = json!("mystery")),
            RecordType::Pipeline,
            "stages[1].kind",
            unreadable(NotOneOf {
                found: "mystery".into(),
                allowed: ["open", "won", "lost", "parking", "post_sale"]
                    .map(String::from)
                    .into(),
            }),
        ),
        (
            Box::new(|v| v["workspace"]["tasks"][0]["due"] = json!("2026-02-30T10:00:00Z")),
            RecordType::Task,
            "due",
            unreadable(NotDateTime),
        ),
        (
            Box::new(|v| v["workspace"]["tasks"][0]["due"] = json!("99999-01-01T10:00:00Z")),
            RecordType::Task,
            "due",
            unreadable(DateOutOfRange),
        ),
        (
            Box::new(|v| v["workspace"]["deals"][0]["expected_close"] = json!("+99999-01-01")),
            RecordType::Deal,
            "expected_close",
            unreadable(DateOutOfRange),
        ),
        (
            Box::new(|v| v["workspace"]["deals"][0]["owner_id"] = json!("nobody")),
            RecordType::Deal,
            "owner_id",
            unreadable(NotId),
        ),
        (
            Box::new(|v| v["workspace"]["clients"][0]["rating"]["interest"] = json!(900)),
            RecordType::Client,
            "rating.interest",
            unreadable(NotInRange { min: 0, max: 5 }),
        ),
        (
            Box::new(|v| {
                v["workspace"]["deals"][1]
                    .as_object_mut()
                    .unwrap()
                    .remove("title");
            }),
            RecordType::Deal,
            "title",
            unreadable(Missing),
        ),
        (
            Box::new(|v| v["workspace"]["clients"][0]["prior_contact"] = json!("yes")),
            RecordType::Client,
            "prior_contact",
            unreadable(NotYesNo),
        ),
        (
            Box::new(|v| v["workspace"]["deals"][0]["stage_id"] = json!(uuid::Uuid::from_u128(77))),
            RecordType::Deal,
            "stage_id",
            ProblemReason::MissingReference(RecordType::Stage),
        ),
        (
            Box::new(|v| v["workspace"]["deals"][0]["title"] = json!("x".repeat(300))),
            RecordType::Deal,
            "title",
            ProblemReason::TooLong { max: 200 },
        ),
    ];
    for (edit, record, field, reason) in cases {
        assert_eq!(
            problem_after(&ws, edit),
            (record, field.to_string(), reason)
        );
    }
}

#[test]
fn invalid_values_and_references_are_reported_per_record() {
    let ws = demo();
    let mut v = export_value(&ws);
    v["workspace"]["deals"][0]["value"]["minor"] = json!(-100);
    v["workspace"]["deals"][1]["value"]["currency"] = json!("euros");
    v["workspace"]["deals"][2]["client_id"] = json!(uuid::Uuid::from_u128(999));
    v["workspace"]["tasks"][0]["deal_id"] = json!(uuid::Uuid::from_u128(998));
    v["workspace"]["clients"][1]["id"] = v["workspace"]["clients"][0]["id"].clone();
    v["workspace"]["pipelines"][0]["stages"][0]["probability"] = json!(140);
    let reasons: Vec<(RecordType, usize, ProblemReason)> = problems(&v.to_string())
        .into_iter()
        .map(|p| (p.record, p.index, p.reason))
        .collect();
    for expected in [
        (RecordType::Deal, 0, ProblemReason::NegativeAmount),
        (RecordType::Deal, 1, ProblemReason::InvalidCurrency),
        (
            RecordType::Deal,
            2,
            ProblemReason::MissingReference(RecordType::Client),
        ),
        (
            RecordType::Task,
            0,
            ProblemReason::MissingReference(RecordType::Deal),
        ),
        (RecordType::Client, 1, ProblemReason::DuplicateId),
        (
            RecordType::Pipeline,
            0,
            ProblemReason::ProbabilityOutOfRange,
        ),
    ] {
        assert!(
            reasons.contains(&expected),
            "{expected:?} missing from {reasons:?}"
        );
    }
}

#[test]
fn an_old_file_is_migrated_on_import() {
    let stage = |n: u128, name: &str| json!({ "id": uuid::Uuid::from_u128(n), "name": name });
    let v1 = json!({
        "app": "pipeline-crm",
        "format_version": 1,
        "workspace": {
            "format_version": 1,
            "currency": "PLN",
            "pipelines": [{ "id": uuid::Uuid::from_u128(100), "name": "Lejek", "stages": [stage(101, "Nowy"), stage(102, "Kontakt")] }],
            "deals": [{ "id": uuid::Uuid::from_u128(200), "title": "Acme", "value": { "minor": 500, "currency": "PLN" }, "stage_id": uuid::Uuid::from_u128(101), "created_at": "2026-01-05T10:00:00Z" }]
        }
    });
    let file = read(&v1.to_string()).unwrap();
    assert_eq!(file.migrated_from, Some(1));
    assert_eq!(file.workspace.deals[0].title, "Acme");
    assert_eq!(file.workspace.settings.currency, "PLN");
}

#[test]
fn merging_takes_the_newer_record_and_counts_what_happened() {
    let base = demo();
    let mut ours = base.clone();
    let mut theirs = base.clone();
    let t = at(2026, 3, 11, 9, 0);
    // Theirs: a newer deal 0, a new client; ours: a newer deal 1 (their older edit conflicts).
    let d0 = theirs.deals[0].id;
    theirs
        .apply(
            Command::EditDeal {
                id: d0,
                input: DealInput {
                    title: "Theirs, newer".into(),
                    ..DealInput::from_deal(&theirs.deals[0])
                },
            },
            t,
        )
        .unwrap();
    theirs
        .apply(
            Command::CreateClient {
                id: uuid::Uuid::from_u128(5000),
                input: ClientInput {
                    name: "New Co".into(),
                    ..ClientInput::default()
                },
            },
            t,
        )
        .unwrap();
    let d1 = ours.deals[1].id;
    theirs
        .apply(
            Command::EditDeal {
                id: d1,
                input: DealInput {
                    title: "Theirs, older".into(),
                    ..DealInput::from_deal(&theirs.deals[1])
                },
            },
            t,
        )
        .unwrap();
    ours.apply(
        Command::EditDeal {
            id: d1,
            input: DealInput {
                title: "Ours, newer".into(),
                ..DealInput::from_deal(&ours.deals[1])
            },
        },
        t + Duration::hours(1),
    )
    .unwrap();

    let (merged, report) = merge_counted(&ours, &theirs);
    assert_eq!(merged.deal(d0).unwrap().title, "Theirs, newer");
    assert_eq!(merged.deal(d1).unwrap().title, "Ours, newer");
    assert!(merged.client(uuid::Uuid::from_u128(5000)).is_some());
    assert_eq!((report.new, report.updated, report.conflicts), (1, 1, 1));
    let total = base.pipelines.len()
        + base.deals.len()
        + base.clients.len()
        + base.tasks.len()
        + base.salespeople.len();
    assert_eq!(report.unchanged, total - 2);
    assert!(validate(&merged).is_ok());
}

#[test]
fn a_deletion_is_not_brought_back_by_an_older_copy() {
    let base = demo();
    let mut ours = base.clone();
    let gone = ours.deals[0].id;
    let tasks: Vec<_> = ours.tasks_of_deal(gone).map(|t| t.id).collect();
    ours.apply(Command::DeleteDeal { id: gone }, at(2026, 3, 11, 9, 0))
        .unwrap();
    let (merged, report) = merge_counted(&ours, &base);
    assert!(merged.deal(gone).is_none());
    assert!(tasks.iter().all(|t| merged.task(*t).is_none()));
    assert_eq!(report.new, 0);
    // And the other way round: their deletion removes our older copy.
    let (merged, report) = merge_counted(&base, &ours);
    assert!(merged.deal(gone).is_none());
    assert_eq!(report.deleted, 1 + tasks.len());
}

#[test]
fn merging_is_the_same_from_both_sides() {
    let base = demo();
    let mut a = base.clone();
    let mut b = base.clone();
    let t = at(2026, 3, 11, 9, 0);
    let d = a.deals[0].id;
    // The same record changed at the same moment in two places.
    a.apply(
        Command::EditDeal {
            id: d,
            input: DealInput {
                title: "A".into(),
                ..DealInput::from_deal(&a.deals[0])
            },
        },
        t,
    )
    .unwrap();
    b.apply(
        Command::EditDeal {
            id: d,
            input: DealInput {
                title: "B".into(),
                ..DealInput::from_deal(&b.deals[0])
            },
        },
        t,
    )
    .unwrap();
    let (ab, _) = merge_counted(&a, &b);
    let (ba, _) = merge_counted(&b, &a);
    assert_eq!(ab.deal(d), ba.deal(d));
}

#[test]
fn import_replaces_or_merges_all_or_nothing() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    s.deal("Mine", 10);
    let theirs = demo();
    let text = export_json(&theirs, s.now);
    let mut ids = Ids::new();
    let before = s.ws.clone();
    let report = import(&mut s.ws, &text, ImportMode::Merge, s.now, "Me", || {
        ids.next()
    })
    .unwrap();
    assert_eq!(
        report.new,
        theirs.pipelines.len()
            + theirs.deals.len()
            + theirs.clients.len()
            + theirs.tasks.len()
            + theirs.salespeople.len()
    );
    assert!(s.ws.deals.iter().any(|d| d.title == "Mine"));
    let mut ws = before.clone();
    import(&mut ws, &text, ImportMode::Replace, s.now, "Me", || {
        ids.next()
    })
    .unwrap();
    assert_eq!(ws, theirs);
    let mut ws = before.clone();
    assert!(
        import(&mut ws, "{", ImportMode::Replace, s.now, "Me", || ids
            .next())
        .is_err()
    );
    assert_eq!(ws, before);
}

#[test]
fn csv_quotes_per_rfc_4180_and_neutralises_formulas() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    s.deal("=HYPERLINK(\"http://evil.example\",\"Click\")", 10);
    s.deal("Plain, with \"quotes\"\nand a new line", 10);
    s.deal("@SUM(A1)", 10);
    s.deal("+1", 10);
    s.deal("-1", 10);
    let csv = deals_csv(&s.ws);
    assert!(csv.starts_with("id,title,client,owner,pipeline,stage,outcome,value,currency,"));
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\","),
        "{csv}"
    );
    assert!(csv.contains(",\"Plain, with \"\"quotes\"\"\nand a new line\","));
    assert!(csv.contains(",'@SUM(A1),"));
    assert!(csv.contains(",'+1,"));
    assert!(csv.contains(",'-1,"));
    // Titles are trimmed, so a leading tab or carriage return reaches a
    // cell only through free text such as notes.
    assert_eq!(neutralise_cell("\tcmd"), "'\tcmd");
    assert!(csv.contains("\r\n"));
    assert_eq!(neutralise_cell("\rx"), "'\rx");
    assert_eq!(neutralise_cell("fine"), "fine");
    let clients = clients_csv(&demo());
    assert!(clients
        .lines()
        .next()
        .unwrap()
        .starts_with("id,name,company,email"));
    let tasks = tasks_csv(&demo());
    assert!(tasks.lines().count() > 10);
}

/// The one-pass reading of a current file and the step-by-step one agree
/// on `text`: the same workspace, or the same refusal.
fn reads_alike(text: &str) -> Result<(), TestCaseError> {
    let now = at(2026, 3, 10, 9, 0);
    let mut ids = Ids::new();
    let quick = read_export(text, now, "Me", || ids.next());
    let mut ids = Ids::new();
    let stepwise = read_export_step_by_step(text, now, "Me", || ids.next());
    prop_assert_eq!(quick, stepwise);
    Ok(())
}

#[test]
fn files_that_read_in_one_pass_read_as_they_do_step_by_step() {
    let file = export_value(&demo());
    let mut v1 = file.clone();
    v1["format_version"] = json!(1);
    let mut in_a_list = file.clone();
    let w = &file["workspace"];
    // Its fields in order, as a list: what serde would read as a struct.
    in_a_list["workspace"] = json!([
        w["format_version"],
        w["settings"],
        w["pipelines"],
        w["deals"],
        w["clients"],
        w["tasks"],
        w["salespeople"],
        w["tombstones"]
    ]);
    let mut inner_v1 = file.clone();
    inner_v1["workspace"]["format_version"] = json!(1);
    let mut other_app = file.clone();
    other_app["app"] = json!("another-crm");
    let mut no_deals = file.clone();
    no_deals["workspace"]
        .as_object_mut()
        .unwrap()
        .remove("deals");
    let as_list = json!([
        file["app"],
        file["format_version"],
        file["exported_at"],
        file["workspace"]
    ]);
    for text in [file, v1, in_a_list, inner_v1, other_app, no_deals, as_list].map(|v| v.to_string())
    {
        reads_alike(&text).unwrap();
    }
    let text = export_json(&demo(), at(2026, 3, 10, 9, 0));
    assert!(read(&text).is_ok());
    // A key given twice.
    reads_alike(&text.replacen("{\"app\":", "{\"app\":\"x\",\"app\":", 1)).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_files_read_alike_in_one_pass_and_step_by_step(seed in any::<u64>(), edits in 1usize..4, values in any::<bool>()) {
        let text = export_json(&demo(), at(2026, 3, 10, 9, 0));
        let mut rng = pipeline_crm::domain::demo::SampleRng::new(seed);
        let damaged = if values {
            let file: Value = serde_json::from_str(&text).unwrap();
            mutate_values(&file, &mut rng, edits).to_string()
        } else {
            mutate_bytes(&text, &mut rng, edits)
        };
        reads_alike(&damaged)?;
    }

    #[test]
    fn random_text_never_panics_and_never_changes_the_workspace(text in ".{0,400}") {
        let mut s = Scenario::new(StagePreset::ClassicFunnel);
        s.deal("Mine", 10);
        let before = serde_json::to_string(&s.ws).unwrap();
        let mut ids = Ids::new();
        if import(&mut s.ws, &text, ImportMode::Merge, s.now, "Me", || ids.next()).is_err() {
            prop_assert_eq!(serde_json::to_string(&s.ws).unwrap(), before);
        }
    }

    #[test]
    fn mutated_exports_never_panic_and_a_refusal_changes_nothing(seed in any::<u64>(), edits in 1usize..6, replace in any::<bool>()) {
        let theirs = demo();
        let mut rng = pipeline_crm::domain::demo::SampleRng::new(seed);
        let text = mutate_bytes(&export_json(&theirs, at(2026, 3, 10, 9, 0)), &mut rng, edits);
        let mut s = Scenario::new(StagePreset::ClassicFunnel);
        s.deal("Mine", 10);
        let before = serde_json::to_string(&s.ws).unwrap();
        let mode = if replace { ImportMode::Replace } else { ImportMode::Merge };
        let mut ids = Ids::new();
        match import(&mut s.ws, &text, mode, s.now, "Me", || ids.next()) {
            Ok(_) => prop_assert!(validate(&s.ws).is_ok()),
            Err(_) => prop_assert_eq!(serde_json::to_string(&s.ws).unwrap(), before),
        }
    }

    #[test]
    fn exports_with_damaged_values_never_panic_and_a_refusal_changes_nothing(seed in any::<u64>(), edits in 1usize..4, replace in any::<bool>()) {
        let theirs = demo();
        let file: Value = serde_json::from_str(&export_json(&theirs, at(2026, 3, 10, 9, 0))).unwrap();
        let mut rng = pipeline_crm::domain::demo::SampleRng::new(seed);
        let text = mutate_values(&file, &mut rng, edits).to_string();
        let mut s = Scenario::new(StagePreset::ClassicFunnel);
        s.deal("Mine", 10);
        let before = s.ws.clone();
        let mode = if replace { ImportMode::Replace } else { ImportMode::Merge };
        let mut ids = Ids::new();
        match import(&mut s.ws, &text, mode, s.now, "Me", || ids.next()) {
            Ok(_) => prop_assert!(validate(&s.ws).is_ok()),
            Err(_) => prop_assert_eq!(&s.ws, &before),
        }
    }
}

/// `count` copies of the demo's first deal (and of its first task each),
/// with fresh random ids, as the app makes them: a large workspace, built
/// without the generator's cost.
fn with_copies(count: usize, tasks_each: usize) -> Workspace {
    let mut ws = demo();
    let deal = ws.deals[0].clone();
    let task = ws.tasks[0].clone();
    let mut ids = pipeline_crm::domain::demo::SampleRng::new(99);
    for _ in 0..count {
        let id = ids.id();
        ws.deals.push(Deal { id, ..deal.clone() });
        for _ in 0..tasks_each {
            ws.tasks.push(Task {
                id: ids.id(),
                deal_id: id,
                ..task.clone()
            });
        }
    }
    ws.canonical();
    ws
}

/// Characters the workspace takes in localStorage, keys and values.
fn stored_chars(ws: &Workspace) -> usize {
    pipeline_crm::domain::layout::plan(ws, &Default::default())
        .writes
        .iter()
        .map(|w| w.key.chars().count() + w.value.chars().count())
        .sum()
}

#[test]
fn an_export_larger_than_ten_megabytes_imports_back() {
    let ws = with_copies(13_500, 0);
    let text = export_json(&ws, at(2026, 3, 10, 9, 0));
    assert!(text.len() > 14 * 1024 * 1024, "{} bytes", text.len());
    let file = read(&text).expect("the app's own export imports");
    assert_eq!(file.workspace, ws);
}

#[test]
fn a_quota_full_of_data_exports_to_a_file_that_imports_back() {
    let bytes_per_char = |ws: &Workspace| {
        export_json(ws, at(2026, 3, 10, 9, 0)).len() as f64 / stored_chars(ws) as f64
    };
    // Realistic data, and the most compact records the app stores (copies
    // that differ only in their random ids).
    for (what, ws) in [("realistic", demo()), ("compact", with_copies(2_000, 3))] {
        let full_quota = bytes_per_char(&ws) * STORAGE_QUOTA_CHARS as f64;
        assert!(
            export_fits(full_quota as usize),
            "{what}: a full quota exports to {full_quota:.0} bytes"
        );
    }
}

#[test]
fn merging_a_colleague_who_started_from_the_same_preset_keeps_one_pipeline() {
    let mut me = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 2, 9, 0));
    let my_deal = me.deal("Mine", 10);
    // The colleague starts on their own machine: other ids throughout.
    let mut them = Scenario::starting(StagePreset::ClassicFunnel, at(2026, 3, 2, 10, 0));
    them.ids = Ids(1 << 40);
    them.ws = Workspace::new(StagePreset::ClassicFunnel, "EUR", "Bruno", them.now, || {
        them.ids.next()
    });
    let their_deal = them.deal("Theirs", 20);
    let negotiation = them.stage_named("Negotiation");
    them.move_to(their_deal, negotiation);

    let matches = match_pipelines(&me.ws, &them.ws);
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].ours, me.pipeline().id);

    let mut merged = me.ws.clone();
    let text = export_json(&them.ws, them.now);
    let matched_report = merge_file_report(&me.ws, &them.ws, true);
    let separate_report = merge_file_report(&me.ws, &them.ws, false);
    assert_ne!(matched_report, separate_report);
    let report = import(
        &mut merged,
        &text,
        ImportMode::Merge,
        them.now,
        "Me",
        || them.ids.next(),
    )
    .unwrap();
    assert_eq!(
        report, matched_report,
        "the preview counts what the merge does"
    );
    assert_eq!(merged.pipelines.len(), 1, "one Classic funnel");
    let theirs = merged.deal(their_deal).unwrap();
    assert_eq!(theirs.pipeline_id, me.pipeline().id);
    assert_eq!(theirs.stage_id, me.stage_named("Negotiation"));
    assert!(theirs
        .stage_history
        .iter()
        .all(|e| me.pipeline().stage(e.stage_id).is_some()));
    assert!(merged.deal(my_deal).is_some());
    assert!(pipeline_crm::domain::invariants::violations(&merged).is_empty());

    // Kept separate on request.
    let mut separate = me.ws.clone();
    let report = import(
        &mut separate,
        &text,
        ImportMode::MergeSeparately,
        them.now,
        "Me",
        || them.ids.next(),
    )
    .unwrap();
    assert_eq!(report, separate_report);
    assert_eq!(separate.pipelines.len(), 2);

    // A pipeline with other stages is never matched.
    let mut renamed = them.ws.clone();
    renamed.pipelines[0].stages[2].name = "Discovery".into();
    assert!(match_pipelines(&me.ws, &renamed).is_empty());
}
