//! Showing amounts and times the way the reader expects: in their language's
//! number style and in the browser's local time (data stays in UTC).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use wasm_bindgen::JsValue;

use super::i18n::Locale;
use crate::domain::{format_minor, Money};

/// An amount in minor units with its currency, e.g. `12 500.00 EUR` or `12 500,00 EUR`.
pub fn money(locale: Locale, minor: i64, currency: &str) -> String {
    format!("{} {currency}", amount(locale, minor))
}

/// A [`Money`] value in the reader's style.
pub fn money_of(locale: Locale, m: &Money) -> String {
    money(locale, m.minor, &m.currency)
}

/// An amount in minor units without its currency.
pub fn amount(locale: Locale, minor: i64) -> String {
    let text = format_minor(minor);
    match locale {
        Locale::pl => text.replace('.', ","),
        Locale::en => text,
    }
}

/// An amount for an input field: no grouping, the locale's decimal mark.
pub fn amount_input(locale: Locale, minor: i64) -> String {
    let text = format!("{}.{:02}", minor / 100, (minor % 100).abs());
    match locale {
        Locale::pl => text.replace('.', ","),
        Locale::en => text,
    }
}

/// A share as a whole percentage, e.g. `42 %`.
pub fn percent(share: f64) -> String {
    format!("{:.0}\u{a0}%", share * 100.0)
}

/// Minutes the local time zone is ahead of UTC at `at`.
fn offset_minutes(at: DateTime<Utc>) -> i32 {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    -(date.get_timezone_offset() as i32)
}

/// The browser's UTC offset at `at`.
pub fn local_offset(at: DateTime<Utc>) -> FixedOffset {
    FixedOffset::east_opt(offset_minutes(at) * 60).unwrap_or(FixedOffset::east_opt(0).unwrap())
}

/// `at` as a local date and time.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&local_offset(at)).naive_local()
}

/// Today's local date.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    local(now).date()
}

// Dates are printed field by field rather than through a chrono format
// string, which is parsed anew at each call: every card shows a date.

/// A local date and time for reading: `2026-03-10 14:30`.
pub fn date_time(at: DateTime<Utc>) -> String {
    let t = local(at);
    let (y, mo, d, h, mi) = (t.year(), t.month(), t.day(), t.hour(), t.minute());
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}

/// A date for reading: `2026-03-10`.
pub fn date(day: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// A day as a heading, in the reader's language: `Thursday, 4 December 2026`.
pub fn day_heading(locale: Locale, day: NaiveDate) -> String {
    let date = js_sys::Date::new_with_year_month_day(
        day.year() as u32,
        day.month0() as i32,
        day.day() as i32,
    );
    let options = js_sys::Object::new();
    for (key, value) in [
        ("weekday", "long"),
        ("day", "numeric"),
        ("month", "long"),
        ("year", "numeric"),
    ] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_date_string(leptos_i18n::Locale::as_str(locale), &options)
        .into()
}

/// The value of a `datetime-local` input for `at`.
pub fn datetime_input(at: DateTime<Utc>) -> String {
    let t = local(at);
    let (y, mo, d, h, mi) = (t.year(), t.month(), t.day(), t.hour(), t.minute());
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}")
}

/// The local midnight that ends `day`, as a UTC instant.
pub fn local_midnight_after(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    utc_of_local(next.and_time(chrono::NaiveTime::MIN))
}

/// Reads a `datetime-local` input value (local time) as UTC.
pub fn parse_datetime_input(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(utc_of_local(naive))
}

/// A local date and time as UTC.
fn utc_of_local(naive: NaiveDateTime) -> DateTime<Utc> {
    // The offset at that local time; a guess from the naive time read as UTC
    // is corrected once, which settles around daylight-saving changes.
    let guess = naive.and_utc();
    let first = naive - chrono::Duration::minutes(offset_minutes(guess).into());
    let offset = offset_minutes(first.and_utc());
    (naive - chrono::Duration::minutes(offset.into())).and_utc()
}

/// Reads a `date` input value; empty means none.
pub fn parse_date_input(text: &str) -> Result<Option<NaiveDate>, chrono::ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_year_month_day() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
            "2026-03-05"
        );
        assert_eq!(
            date(NaiveDate::from_ymd_opt(987, 12, 31).unwrap()),
            "0987-12-31"
        );
    }
}
