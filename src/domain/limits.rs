//! How long each text may be. A form refuses a longer text with a message
//! and an import names the record and field, instead of storing a title of
//! thousands of lines or a megabyte a field that every screen then draws.
//! Lengths count characters (Unicode scalar values), as a user counts them.

/// A text field of a record, for the message that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextField {
    /// A deal's title.
    Title,
    /// The name of a client, salesperson, pipeline or stage.
    Name,
    /// A client's company.
    Company,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A website address.
    Website,
    /// A postal address.
    Address,
    /// A lead source.
    Source,
    /// Who decides on the client's side.
    DecisionMakers,
    /// Competitors the client also talks to.
    Competitors,
    /// The client's needs and expectations.
    Needs,
    /// The agreed next step.
    NextStep,
    /// Free notes on a client.
    Notes,
    /// What a task is about.
    TaskNote,
    /// What came of a task.
    TaskOutcome,
    /// The note of a lost reason.
    LostNote,
}

/// Names, titles and one-line values.
pub const MAX_SHORT: usize = 200;
/// Lines that may hold a sentence or two.
pub const MAX_LINE: usize = 1_000;
/// Free notes.
pub const MAX_NOTES: usize = 10_000;

impl TextField {
    /// The most characters the field holds.
    pub fn max_chars(self) -> usize {
        use TextField::*;
        match self {
            Title | Name | Company | Email | Phone | Source => MAX_SHORT,
            // Web addresses with a path and a query run longer than names.
            Website | Address | DecisionMakers | Competitors | NextStep | TaskNote => MAX_LINE,
            Needs | Notes | TaskOutcome | LostNote => MAX_NOTES,
        }
    }
}

/// Whether `text` is longer than `field` allows; counting stops at the limit,
/// so a megabyte of text is not walked to the end.
pub fn too_long(field: TextField, text: &str) -> bool {
    let max = field.max_chars();
    // A character takes at least one byte: a short text cannot be too long.
    text.len() > max && text.chars().nth(max).is_some()
}
