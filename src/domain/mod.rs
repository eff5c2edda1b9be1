//! The CRM itself: data model, the one door for changes, rules, scoring,
//! metrics and the data format. Pure Rust with no browser imports; time always
//! comes in as an argument, so every rule is testable with plain `cargo test`.

pub mod agenda;
mod command;
pub mod demo;
pub mod exchange;
pub mod format;
pub mod index;
pub mod invariants;
pub mod layout;
pub mod limits;
pub mod links;
pub mod metrics;
mod model;
mod money;
pub mod mutation;
pub mod packing;
mod presets;
mod reading;
pub mod rules;
pub mod scoring;
pub mod sorting;

pub use command::{ClientInput, Command, DealInput, DomainError, StageInput, TaskInput};
pub use model::*;
pub use money::{format_minor, is_currency_code, parse_amount, AmountError, Money, MAX_MINOR};
pub use presets::{StagePreset, StageTemplate};
