//! jiff against the hand-written code it replaced ([`super::oracle`]): the same strings
//! accepted and refused, the same bytes printed.

use super::oracle::{old_check_created, old_rfc3339_utc};
use super::{check_created, rfc3339_utc};

/// The last second RFC 3339 can write: 9999-12-31T23:59:59Z.
const LAST: u64 = 253_402_300_799;

#[test]
fn printed_times_are_pinned() {
    for (epoch, text) in [
        (0, "1970-01-01T00:00:00Z"),
        (1, "1970-01-01T00:00:01Z"),
        (315_532_800, "1980-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_769_351_422, "2026-01-25T14:30:22Z"),
        (4_102_444_799, "2099-12-31T23:59:59Z"),
        (4_107_542_400, "2100-03-01T00:00:00Z"),
        (LAST, "9999-12-31T23:59:59Z"),
    ] {
        assert_eq!(rfc3339_utc(epoch).as_deref(), Ok(text), "{epoch}");
    }
    for past in [LAST + 1, i64::MAX as u64, u64::MAX] {
        let e = rfc3339_utc(past).unwrap_err();
        assert!(e.contains("9999-12-31T23:59:59Z"), "{e}");
    }
}

#[test]
fn printed_times_match_the_hand_written_printer() {
    // Every day boundary and the second before it from 1970 to 2200, then a stride
    // through the rest of the range (a prime step, so every time of day comes up).
    let mut epochs: Vec<u64> = (0..=84_000u64)
        .flat_map(|d| [d * 86_400, (d * 86_400).saturating_sub(1)])
        .collect();
    epochs.extend((0..=LAST).step_by(7_919_993));
    epochs.push(LAST);
    for epoch in epochs {
        assert_eq!(
            rfc3339_utc(epoch).unwrap(),
            old_rfc3339_utc(epoch),
            "{epoch}"
        );
    }
}

#[test]
fn the_same_strings_are_accepted_as_by_the_hand_written_checker() {
    let mut inputs: Vec<String> = [
        "2026-01-25T14:30:22Z",
        "2026-01-25t14:30:22z",
        "2026-01-25T14:30:22.123Z",
        "2026-01-25T14:30:22.1234567890123Z",
        "2026-01-25T14:30:22+01:00",
        "2026-01-25T14:30:22-23:59",
        "2026-01-25T14:30:22+24:00",
        "2026-01-25T14:30:22+23:60",
        "2026-01-25T14:30:60Z",
        "2026-01-25T14:30:61Z",
        "2026-01-25T14:60:00Z",
        "2026-01-25T24:00:00Z",
        "2024-02-29T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "0000-02-29T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "2026-01-25",
        "2026-01-25 14:30:22Z",
        "2026-01-25T14:30Z",
        "2026-01-25T14:30:22",
        "2026-01-25T14:30:22.Z",
        "2026-01-25T14:30:22+01",
        "2026-01-25T14:30:22+0100",
        "2026-01-25T14:30:22Z[UTC]",
        "2026-01-25T14:30:22+01:00[Europe/Paris]",
        "20260125T143022Z",
        "+2026-01-25T14:30:22Z",
        "2026-1-25T14:30:22Z",
        "2026-01-25T14:30:22,5Z",
        "2026-01-25T14:30:22ZZ",
        " 2026-01-25T14:30:22Z",
        "2026-01-25T14:30:22Z ",
        "yesterday",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every day of a leap and a common year, and of a century year that is not leap.
    for year in [2024, 2026, 2100] {
        for month in 0..=13 {
            for day in 0..=32 {
                inputs.push(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
            }
        }
    }
    for hour in [0, 23, 24, 25, 99] {
        for minute in [0, 59, 60, 99] {
            inputs.push(format!("2026-01-25T{hour:02}:{minute:02}:00Z"));
            inputs.push(format!("2026-01-25T12:00:00+{hour:02}:{minute:02}"));
            inputs.push(format!("2026-01-25T12:00:00-{hour:02}:{minute:02}"));
        }
    }
    let mut accepted = 0;
    for input in &inputs {
        let new = check_created(input);
        assert_eq!(new, old_check_created(input), "{input:?}");
        accepted += usize::from(new.is_ok());
    }
    // Both sides of the line come up.
    assert!(
        accepted > 100 && accepted < inputs.len() - 100,
        "{accepted} of {}",
        inputs.len()
    );
}
