use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in integer minor units (cents, grosze) with its currency.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units, e.g. 1250 for 12.50.
    pub minor: i64,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", format_minor(self.minor), self.currency)
    }
}

/// Formats minor units as a plain amount with thousands separated by a thin space: `12 500.00`.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Why a typed amount was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number with at most two decimals.
    NotANumber,
    /// Below zero.
    Negative,
    /// Larger than the product handles.
    TooLarge,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::NotANumber => {
                "Enter an amount like 1200 or 1200.50 (at most two decimals)."
            }
            AmountError::Negative => "An amount cannot be negative.",
            AmountError::TooLarge => "That amount is too large.",
        })
    }
}

impl std::error::Error for AmountError {}

/// Parses a typed amount in major units ("1 200,50", "1200.5", "") into minor units.
/// An empty field means zero; a comma or a dot is the decimal separator and
/// spaces group thousands, as people type them in Polish and English.
pub fn parse_amount(text: &str) -> Result<i64, AmountError> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    if cleaned.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let normalised = cleaned.replace(',', ".");
    let (whole, fraction) = match normalised.split_once('.') {
        Some((w, f)) => (w, f),
        None => (normalised.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 2
    {
        return Err(AmountError::NotANumber);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::TooLarge)?
    };
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .filter(|v| *v <= MAX_MINOR)
        .ok_or(AmountError::TooLarge)
}

/// The largest amount accepted: a trillion in major units, far from i64 overflow
/// when many amounts are summed.
pub const MAX_MINOR: i64 = 100_000_000_000_000;

/// Whether `code` looks like an ISO 4217 currency code: three capital letters.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}
