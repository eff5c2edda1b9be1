use std::fmt;

use chrono::{DateTime, Utc};

use super::model::{Deal, Id, Workspace};
use super::money::{Money, MAX_MINOR};

/// Every change a user can make to the workspace.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Add a deal to the first stage of the current pipeline.
    AddDeal {
        /// Id for the new deal.
        id: Id,
        /// Title as typed.
        title: String,
        /// Value in minor units of the workspace currency.
        value_minor: i64,
    },
}

/// Why a command was refused; the workspace is left unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// A required text field was empty.
    EmptyTitle,
    /// An amount below zero.
    NegativeAmount,
    /// An amount beyond [`MAX_MINOR`].
    AmountTooLarge,
    /// The workspace has no pipeline with stages to put the deal in.
    NoStage,
    /// A record with this id already exists.
    DuplicateId(Id),
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::EmptyTitle => write!(f, "The title cannot be empty."),
            DomainError::NegativeAmount => write!(f, "An amount cannot be negative."),
            DomainError::AmountTooLarge => write!(f, "That amount is too large."),
            DomainError::NoStage => write!(f, "The pipeline has no stage to put the deal in."),
            DomainError::DuplicateId(id) => write!(f, "A record with id {id} already exists."),
        }
    }
}

impl std::error::Error for DomainError {}

impl Workspace {
    /// The one door for changes: validates `command`, applies it at time `now`,
    /// or returns why not and leaves the workspace untouched.
    pub fn apply(&mut self, command: Command, now: DateTime<Utc>) -> Result<(), DomainError> {
        match command {
            Command::AddDeal {
                id,
                title,
                value_minor,
            } => {
                let title = title.trim();
                if title.is_empty() {
                    return Err(DomainError::EmptyTitle);
                }
                if value_minor < 0 {
                    return Err(DomainError::NegativeAmount);
                }
                if value_minor > MAX_MINOR {
                    return Err(DomainError::AmountTooLarge);
                }
                if self.deals.iter().any(|d| d.id == id) {
                    return Err(DomainError::DuplicateId(id));
                }
                let stage_id = self
                    .current_pipeline()
                    .and_then(|p| p.stages.first())
                    .map(|s| s.id)
                    .ok_or(DomainError::NoStage)?;
                self.deals.push(Deal {
                    id,
                    title: title.to_string(),
                    value: Money {
                        minor: value_minor,
                        currency: self.currency.clone(),
                    },
                    stage_id,
                    created_at: now,
                });
                Ok(())
            }
        }
    }
}
