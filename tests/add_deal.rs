use chrono::{TimeZone, Utc};
use pipeline_crm::domain::{
    parse_amount, AmountError, Command, DomainError, StagePreset, Workspace,
};
use uuid::Uuid;

fn ids() -> impl FnMut() -> Uuid {
    let mut n = 0u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

fn workspace() -> Workspace {
    Workspace::new(StagePreset::ClassicFunnel, "EUR", ids())
}

#[test]
fn a_new_workspace_has_the_six_classic_stages() {
    let ws = workspace();
    let names: Vec<_> = ws
        .current_pipeline()
        .unwrap()
        .stages
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "New lead",
            "Contact made",
            "Needs analysis",
            "Quote / offer sent",
            "Negotiation",
            "Closing"
        ]
    );
}

#[test]
fn an_added_deal_lands_in_the_first_stage() {
    let mut ws = workspace();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    let id = Uuid::from_u128(1000);
    ws.apply(
        Command::AddDeal {
            id,
            title: "  Acme website ".into(),
            value_minor: 1_250_050,
        },
        now,
    )
    .unwrap();
    let first = ws.current_pipeline().unwrap().stages[0].id;
    let deals: Vec<_> = ws.deals_in_stage(first).collect();
    assert_eq!(deals.len(), 1);
    assert_eq!(deals[0].title, "Acme website");
    assert_eq!(deals[0].value.to_string(), "12\u{202f}500.50 EUR");
    assert_eq!(deals[0].created_at, now);
}

#[test]
fn a_deal_without_title_or_with_a_negative_value_is_refused_and_changes_nothing() {
    let mut ws = workspace();
    let before = ws.clone();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let empty = Command::AddDeal {
        id: Uuid::from_u128(7),
        title: "   ".into(),
        value_minor: 1,
    };
    assert_eq!(ws.apply(empty, now), Err(DomainError::EmptyTitle));
    let negative = Command::AddDeal {
        id: Uuid::from_u128(7),
        title: "x".into(),
        value_minor: -1,
    };
    assert_eq!(ws.apply(negative, now), Err(DomainError::NegativeAmount));
    assert_eq!(ws, before);
}

#[test]
fn amounts_are_parsed_as_people_type_them() {
    assert_eq!(parse_amount("1200"), Ok(120_000));
    assert_eq!(parse_amount("1 200,5"), Ok(120_050));
    assert_eq!(parse_amount("0.07"), Ok(7));
    assert_eq!(parse_amount(""), Ok(0));
    assert_eq!(parse_amount("-3"), Err(AmountError::Negative));
    assert_eq!(parse_amount("12.345"), Err(AmountError::NotANumber));
    assert_eq!(parse_amount("abc"), Err(AmountError::NotANumber));
    assert_eq!(parse_amount("1e5"), Err(AmountError::NotANumber));
    assert_eq!(
        parse_amount("99999999999999999999"),
        Err(AmountError::TooLarge)
    );
}
