//! The creation time of an artifact (`org.opencontainers.image.created`): checking an
//! RFC 3339 date-time (`--created`) and printing `SOURCE_DATE_EPOCH` seconds as one.
//!
//! The calendar is [`jiff`]'s: days per month, leap years, the ranges of hours, minutes,
//! seconds and offsets, and the printing. jiff's own parser reads more than RFC 3339 (the
//! ISO 8601 and RFC 9557 forms: a space for the `T`, no seconds, `+01` offsets, basic
//! format, bracketed time zones), while the OCI image spec asks for RFC 3339 in this
//! annotation; so `rfc3339_form` first holds the input to the fixed shape of RFC 3339's
//! `date-time` (section 5.6), and jiff then judges the values.

use jiff::civil::{date, DateTime};
use jiff::fmt::temporal::Pieces;
use jiff::SignedDuration;

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod tests;

/// Checks an RFC 3339 date-time (`2026-01-25T14:30:22Z`, `...22.5+01:00`).
pub fn check_created(s: &str) -> Result<(), String> {
    let bad = || format!("--created {s:?} is not an RFC 3339 date-time like 2026-01-25T14:30:22Z");
    let form = rfc3339_form(s).ok_or_else(bad)?;
    // `Pieces` keeps the civil date-time and the offset apart: a `Timestamp` would also
    // refuse valid instants near its range ends (it stops at 9999-12-30T22:00:00Z).
    let pieces = Pieces::parse(form.as_str()).map_err(|_| bad())?;
    if pieces.time().is_none()
        || pieces.offset().is_none()
        || pieces.time_zone_annotation().is_some()
    {
        return Err(bad());
    }
    Ok(())
}

/// `s` in the form jiff reads, if it has the shape of RFC 3339's `date-time`:
/// `YYYY-MM-DD` `T` `HH:MM:SS`, an optional `.` and one or more digits, then `Z` or
/// `+HH:MM`/`-HH:MM` (`T` and `Z` in either case). Only the shape is checked here, and
/// the offset hour's range, which RFC 3339 keeps to 00-23 (`time-numoffset`) and jiff
/// allows to 25; every other range is jiff's. The form is upper case, with at most the
/// nine fraction digits jiff reads (RFC 3339 allows any number; the rest cannot make a
/// date-time invalid).
fn rfc3339_form(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shaped = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shaped {
        return None;
    }
    let mut rest = &s[19..];
    let mut fraction = "";
    if let Some(after_dot) = rest.strip_prefix('.') {
        let n = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        fraction = &after_dot[..n.min(9)];
        rest = &after_dot[n..];
    }
    let offset_ok = match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
        }
        _ => false,
    };
    if !offset_ok {
        return None;
    }
    let dot = if fraction.is_empty() { "" } else { "." };
    Some(format!("{}{dot}{fraction}{rest}", &s[..19]).to_ascii_uppercase())
}

/// `SOURCE_DATE_EPOCH` seconds as an RFC 3339 UTC date-time (`1970-01-01T00:00:00Z`);
/// an error past 9999-12-31T23:59:59Z, which RFC 3339's four-digit year cannot write.
pub fn rfc3339_utc(epoch_seconds: u64) -> Result<String, String> {
    // A civil date-time, not a `Timestamp`: that one stops at 9999-12-30T22:00:00Z (so
    // every offset can apply to it), a UTC date-time goes on to the year's last second.
    let utc: Option<DateTime> = i64::try_from(epoch_seconds).ok().and_then(|s| {
        date(1970, 1, 1)
            .at(0, 0, 0, 0)
            .checked_add(SignedDuration::from_secs(s))
            .ok()
    });
    match utc {
        Some(utc) => Ok(utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        None => Err(format!(
            "{epoch_seconds} seconds since 1970-01-01 is after 9999-12-31T23:59:59Z, \
             the last time RFC 3339 can write"
        )),
    }
}
