//! The compact stored form round-trips and refuses damage without panicking.

use pipeline_crm::domain::demo::{sample_workspace, SampleRng, SampleSize};
use pipeline_crm::domain::packing::*;
use pipeline_crm::domain::StagePreset;
use proptest::prelude::*;

#[test]
fn a_workspace_packs_small_and_unpacks_identical() {
    let names = StagePreset::ClassicFunnel.stage_names();
    let now = chrono::DateTime::from_timestamp(1_774_000_000, 0).unwrap();
    let ws = sample_workspace(
        StagePreset::ClassicFunnel,
        "Classic",
        &names,
        &["A", "B", "C"],
        SampleSize::scaled(500),
        3,
        now,
    );
    let json = serde_json::to_string(&ws).unwrap();
    let packed = pack(&json);
    assert!(packed.starts_with(PACKED_PREFIX));
    assert!(packed
        .chars()
        .skip(PACKED_PREFIX.len())
        .all(|c| ('\u{800}'..='\u{87ff}').contains(&c)));
    // At least four times fewer characters than the JSON.
    assert!(
        packed.chars().count() * 4 < json.len(),
        "{} vs {}",
        packed.chars().count(),
        json.len()
    );
    assert_eq!(unpack(&packed).unwrap(), json);
}

#[test]
fn plain_json_from_earlier_builds_reads_as_it_is() {
    assert_eq!(
        unpack("{\"format_version\":2}").unwrap(),
        "{\"format_version\":2}"
    );
}

#[test]
fn damage_is_reported_not_panicked_on() {
    let packed = pack("{\"hello\": \"world\"}");
    let cut: String = packed.chars().take(packed.chars().count() - 2).collect();
    assert!(unpack(&cut).is_err());
    assert_eq!(
        unpack(&format!("{PACKED_PREFIX}abc")),
        Err(PackError::Damaged)
    );
    // A length of 2^40 bytes is refused before any allocation.
    let mut huge = String::from(PACKED_PREFIX);
    huge.push_str("\u{87ff}\u{87ff}\u{87ff}\u{800}");
    assert_eq!(unpack(&huge), Err(PackError::TooLarge));
}

#[test]
fn a_foreign_character_anywhere_in_the_body_is_refused() {
    let bytes: Vec<u8> = (0..500u32).map(|i| (i * 37 % 251) as u8).collect();
    let packed: Vec<char> = pack_binary(&bytes).chars().collect();
    let body = BINARY_PREFIX.len() + 3;
    for at in [body, body + 40, packed.len() - 1] {
        for foreign in ['a', 'é', '\u{9000}', '\u{7ff}', '🚀'] {
            let mut chars = packed.clone();
            chars[at] = foreign;
            let text: String = chars.iter().collect();
            assert_eq!(
                unpack_any(&text),
                Err(PackError::Damaged),
                "{foreign} at {at}"
            );
            chars.insert(at, foreign);
            let text: String = chars.iter().collect();
            assert_eq!(
                unpack_any(&text),
                Err(PackError::Damaged),
                "{foreign} before {at}"
            );
        }
    }
}

#[test]
fn bytes_pack_apart_from_json() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let packed = pack_binary(&bytes);
    assert!(packed.starts_with(BINARY_PREFIX));
    assert_eq!(unpack_any(&packed), Ok(Unpacked::Binary(bytes)));
    assert_eq!(
        unpack_any(&pack("[1]")),
        Ok(Unpacked::Json("[1]".to_string().into()))
    );
    assert_eq!(unpack_any("[2]"), Ok(Unpacked::Json("[2]".into())));
}

proptest! {
    #[test]
    fn any_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let packed = pack_binary(&bytes);
        prop_assert_eq!(unpack_any(&packed).unwrap(), Unpacked::Binary(bytes));
    }

    #[test]
    fn any_text_round_trips(text in "\\PC{0,2000}") {
        let packed = pack(&text);
        prop_assert_eq!(unpack(&packed).unwrap(), text);
    }

    #[test]
    fn mutated_packed_text_never_panics(seed in any::<u64>()) {
        let mut rng = SampleRng::new(seed);
        let packed: Vec<char> = pack(&"{\"deals\": [1, 2, 3], \"x\": \"abc\"}".repeat(20)).chars().collect();
        let mut chars = packed.clone();
        for _ in 0..1 + rng.below(4) {
            let at = PACKED_PREFIX.len() + rng.below((chars.len() - PACKED_PREFIX.len()) as u64) as usize;
            chars[at] = char::from_u32(0x800 + rng.below(0x8000) as u32).unwrap();
        }
        let text: String = chars.into_iter().collect();
        let _ = unpack(&text);
    }
}
