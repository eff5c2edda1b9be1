//! The versioned data format: version 1 (the first release) migrates forward;
//! data from a newer version is refused.

mod common;

use common::*;
use pipeline_crm::domain::format::*;
use pipeline_crm::domain::*;
use proptest::prelude::*;
use serde_json::json;

fn v1() -> serde_json::Value {
    let stage = |n: u128, name: &str| json!({ "id": uuid::Uuid::from_u128(n), "name": name });
    json!({
        "format_version": 1,
        "currency": "EUR",
        "pipelines": [{
            "id": uuid::Uuid::from_u128(100),
            "name": "Classic funnel",
            "stages": [
                stage(101, "New lead"), stage(102, "Contact made"), stage(103, "Needs analysis"),
                stage(104, "Quote / offer sent"), stage(105, "Negotiation"), stage(106, "Closing")
            ]
        }],
        "deals": [{
            "id": uuid::Uuid::from_u128(200),
            "title": "Acme website",
            "value": { "minor": 1_250_050, "currency": "EUR" },
            "stage_id": uuid::Uuid::from_u128(102),
            "created_at": "2026-11-20T09:00:00Z"
        }]
    })
}

#[test]
fn version_one_data_is_migrated_with_every_deal_kept() {
    let mut ids = Ids::new();
    let now = at(2026, 11, 22, 10, 0);
    let (ws, migrated) = read_workspace_text(&v1().to_string(), now, "Me", || ids.next()).unwrap();
    assert!(migrated);
    assert_eq!(ws.format_version, FORMAT_VERSION);
    assert_eq!(ws.salespeople.len(), 1);
    assert_eq!(ws.salespeople[0].name, "Me");
    let pipeline = ws.current_pipeline().unwrap();
    assert_eq!(pipeline.stages.len(), 6);
    assert_eq!(pipeline.stages[3].probability, 60);
    assert!(pipeline.stages.iter().all(|s| s.kind == StageKind::Open));
    let deal = &ws.deals[0];
    assert_eq!(deal.title, "Acme website");
    assert_eq!(deal.value.minor, 1_250_050);
    assert_eq!(deal.stage_id, uuid::Uuid::from_u128(102));
    assert_eq!(deal.pipeline_id, pipeline.id);
    assert_eq!(deal.owner_id, ws.salespeople[0].id);
    assert_eq!(deal.stage_history.len(), 1);
    assert_eq!(deal.stage_history[0].entered_at, at(2026, 11, 20, 9, 0));

    // The migrated workspace works through the one door.
    let (deal_id, stage) = (deal.id, pipeline.stages[4].id);
    let mut ws = ws;
    ws.apply(
        Command::MoveDeal {
            id: deal_id,
            stage_id: stage,
        },
        now,
    )
    .unwrap();
}

#[test]
fn current_data_reads_back_unchanged() {
    let s = Scenario::new(StagePreset::TrainersProcess);
    let value = serde_json::to_value(&s.ws).unwrap();
    let (ws, migrated) =
        read_workspace_text(&value.to_string(), s.now, "Me", || unreachable!()).unwrap();
    assert!(!migrated);
    assert_eq!(ws, s.ws);
}

#[test]
fn optional_fields_left_out_read_as_empty() {
    let now = at(2026, 3, 20, 12, 0);
    let names = StagePreset::ClassicFunnel.stage_names();
    let ws = pipeline_crm::domain::demo::sample_workspace(
        StagePreset::ClassicFunnel,
        "Classic",
        &names,
        &["A"],
        pipeline_crm::domain::demo::SampleSize::scaled(5),
        1,
        now,
    );
    let mut value = serde_json::to_value(&ws).unwrap();
    let deal = &mut value["deals"][0];
    deal["expected_close"] = json!("2026-04-30");
    let kept = deal.clone();
    for field in ["decision_date", "closed_at", "dismissed_suggestions"] {
        deal.as_object_mut().unwrap().remove(field);
    }
    let (ws, _) = read_workspace_text(&value.to_string(), now, "Me", || unreachable!()).unwrap();
    let read = &ws.deals[0];
    assert_eq!(
        read.expected_close,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 30)
    );
    assert_eq!(read.decision_date, None);
    assert_eq!(read.closed_at, None);
    assert!(read.dismissed_suggestions.is_empty());
    assert_eq!(read.id.to_string(), kept["id"].as_str().unwrap());
}

#[test]
fn data_from_a_newer_version_is_refused() {
    let mut value = v1();
    value["format_version"] = json!(FORMAT_VERSION + 1);
    let err = read_workspace_text(
        &value.to_string(),
        at(2026, 1, 1, 0, 0),
        "Me",
        || unreachable!(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        FormatError::TooNew {
            found: FORMAT_VERSION + 1
        }
    );
    assert!(err.to_string().contains("newer version"));
}

#[test]
fn data_of_the_wrong_shape_is_refused() {
    let err = read_workspace_text(
        &json!({ "hello": 1 }).to_string(),
        at(2026, 1, 1, 0, 0),
        "Me",
        || unreachable!(),
    )
    .unwrap_err();
    assert!(matches!(err, FormatError::WrongShape(_)));
    let mut broken = v1();
    broken["deals"][0]["created_at"] = json!("yesterday");
    let err = read_workspace_text(&broken.to_string(), at(2026, 1, 1, 0, 0), "Me", || {
        uuid::Uuid::from_u128(1)
    })
    .unwrap_err();
    assert!(matches!(err, FormatError::WrongShape(_)));
}

#[test]
fn text_in_the_current_format_reads_straight_and_older_text_migrates() {
    let s = Scenario::new(StagePreset::TrainersProcess);
    let text = serde_json::to_string(&s.ws).unwrap();
    assert!(text.starts_with("{\"format_version\":"));
    assert_eq!(declared_version_of_text(&text), Ok(FORMAT_VERSION));
    let (ws, migrated) = read_workspace_text(&text, s.now, "Me", || unreachable!()).unwrap();
    assert_eq!((ws, migrated), (s.ws.clone(), false));

    let old = v1().to_string();
    assert_eq!(declared_version_of_text(&old), Ok(1));
    let mut ids = Ids::new();
    let (ws, migrated) = read_workspace_text(&old, s.now, "Me", || ids.next()).unwrap();
    assert!(migrated);
    assert_eq!(ws.deals.len(), 1);

    // The version may come anywhere in text written by someone else.
    assert_eq!(
        declared_version_of_text("{\"deals\": [], \"format_version\": 7}"),
        Ok(7)
    );
    assert!(matches!(
        declared_version_of_text("{\"deals\": []}"),
        Err(FormatError::WrongShape(_))
    ));
    assert!(matches!(
        declared_version_of_text("{\"deals\": ["),
        Err(FormatError::NotJson(_))
    ));
}

#[test]
fn timestamps_in_any_form_read_before_still_read_and_nonsense_is_refused() {
    let mut s = Scenario::new(StagePreset::ClassicFunnel);
    s.deal("Acme", 100);
    let mut value = serde_json::to_value(&s.ws).unwrap();
    let expected = at(2026, 3, 2, 9, 30);
    // As this app writes them, with an offset, with fractions, and with a
    // space instead of the "T" (accepted by the general parser).
    for (text, want) in [
        ("2026-03-02T09:30:00Z", expected),
        ("2026-03-02T10:30:00+01:00", expected),
        ("2026-03-02T09:30:00.000Z", expected),
        ("2026-03-02 09:30:00Z", expected),
    ] {
        value["deals"][0]["updated_at"] = json!(text);
        value["deals"][0]["closed_at"] = json!(text);
        let text_form = value.to_string();
        for ws in [
            read_workspace_text(&text_form, s.now, "Me", || unreachable!())
                .unwrap()
                .0,
            // Straight from text, as stored data is read.
            serde_json::from_str::<Workspace>(&text_form).unwrap(),
        ] {
            assert_eq!(ws.deals[0].updated_at, want, "{text}");
            assert_eq!(ws.deals[0].closed_at, Some(want), "{text}");
        }
    }
    value["deals"][0]["closed_at"] = json!(null);
    let ws = read_workspace_text(&value.to_string(), s.now, "Me", || unreachable!())
        .unwrap()
        .0;
    assert_eq!(ws.deals[0].closed_at, None);

    value["deals"][0]["updated_at"] = json!("2026-13-45T99:00:00Z");
    let err = read_workspace_text(&value.to_string(), s.now, "Me", || unreachable!()).unwrap_err();
    assert!(matches!(err, FormatError::WrongShape(_)), "{err:?}");
}

proptest! {
    /// Exports and stored meta values write timestamps as chrono does, to the
    /// character: the file format does not change with how it is written.
    #[test]
    fn timestamps_are_written_as_chrono_writes_them(
        secs in -70_000_000_000i64..260_000_000_000,
        leap in proptest::bool::ANY,
        nanos in prop_oneof![
            Just(0u32),
            (0u32..1000).prop_map(|n| n * 1_000_000),
            (0u32..1_000_000).prop_map(|n| n * 1000),
            0u32..2_000_000_000,
        ],
    ) {
        // A leap second (nanoseconds past a billion) only ends a minute.
        let secs = if leap { secs - secs.rem_euclid(60) + 59 } else { secs };
        let Some(at) = chrono::DateTime::from_timestamp(secs, nanos) else {
            return Ok(());
        };
        let stone = Tombstone { id: uuid::Uuid::nil(), kind: RecordKind::Deal, deleted_at: at };
        let written = serde_json::to_value(&stone).unwrap();
        prop_assert_eq!(&written["deleted_at"], &serde_json::to_value(at).unwrap());
        let back: Tombstone = serde_json::from_value(written).unwrap();
        prop_assert_eq!(back.deleted_at, at);
    }
}
