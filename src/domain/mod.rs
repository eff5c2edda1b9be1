//! The CRM itself: data model, rules and presets. Pure Rust, no browser imports,
//! time always comes in as an argument.

mod command;
mod model;
mod money;
mod presets;

pub use command::{Command, DomainError};
pub use model::*;
pub use money::{format_minor, parse_amount, AmountError, Money, MAX_MINOR};
pub use presets::StagePreset;
