//! Cron schedules (the five fields of a CronJob, names of months and weekdays, macros)
//! and time zone names, as the API server accepts them.

/// Whether `b[start..end]` equals `word`, ignoring ASCII case.
const fn eq_ignore_case(b: &[u8], start: usize, end: usize, word: &[u8]) -> bool {
    if end - start != word.len() {
        return false;
    }
    let mut i = 0;
    while i < word.len() {
        if !b[start + i].eq_ignore_ascii_case(&word[i]) {
            return false;
        }
        i += 1;
    }
    true
}

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const WEEKDAYS: [&[u8]; 7] = [b"sun", b"mon", b"tue", b"wed", b"thu", b"fri", b"sat"];

/// Bounds of cron field `field` (0 minute, 1 hour, 2 day of month, 3 month, 4 day of week).
const fn cron_bounds(field: usize) -> (u32, u32) {
    match field {
        0 => (0, 59),
        1 => (0, 23),
        2 => (1, 31),
        3 => (1, 12),
        _ => (0, 6),
    }
}

/// The message for a value outside field `field`'s range.
const fn cron_range_error(field: usize) -> &'static str {
    match field {
        0 => "cron schedule: the minute (1st field) must be 0-59",
        1 => "cron schedule: the hour (2nd field) must be 0-23",
        2 => "cron schedule: the day of month (3rd field) must be 1-31",
        3 => "cron schedule: the month (4th field) must be 1-12 or JAN-DEC",
        _ => "cron schedule: the day of week (5th field) must be 0-6 (Sunday is 0) or SUN-SAT",
    }
}

/// One value of a cron field: a number, or a month or weekday name where allowed.
const fn cron_value(b: &[u8], start: usize, end: usize, field: usize) -> Result<u32, &'static str> {
    if start == end {
        return Err("cron schedule: a range or step is missing a number (e.g. \"1-5\", \"*/15\")");
    }
    if b[start].is_ascii_alphabetic() {
        let mut i = 0;
        if field == 3 {
            while i < MONTHS.len() {
                if eq_ignore_case(b, start, end, MONTHS[i]) {
                    return Ok(i as u32 + 1);
                }
                i += 1;
            }
        } else if field == 4 {
            while i < WEEKDAYS.len() {
                if eq_ignore_case(b, start, end, WEEKDAYS[i]) {
                    return Ok(i as u32);
                }
                i += 1;
            }
        }
        return Err(match field {
            3 => "cron schedule: a month name is one of JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC",
            4 => "cron schedule: a weekday name is one of SUN MON TUE WED THU FRI SAT",
            _ => "cron schedule: names are allowed only for the month (JAN-DEC) and day of week (SUN-SAT)",
        });
    }
    let mut n: u32 = 0;
    let mut i = start;
    while i < end {
        if !b[i].is_ascii_digit() {
            return Err("cron schedule: a field may contain only numbers, names, '*', '?', ',', '-' and '/'");
        }
        if n > 1000 {
            return Err(cron_range_error(field));
        }
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    Ok(n)
}

/// One cron field `b[start..end]`: a comma-separated list of `*`, `?`, `a`, `a-b`, each
/// with an optional `/step`.
const fn cron_field(b: &[u8], start: usize, end: usize, field: usize) -> Option<&'static str> {
    let (min, max) = cron_bounds(field);
    let mut part = start;
    while part <= end {
        let mut part_end = part;
        while part_end < end && b[part_end] != b',' {
            part_end += 1;
        }
        if part_end == part {
            return Some("cron schedule: a list has an empty element (\"1,,2\" or a trailing ',')");
        }
        let mut slash = part;
        while slash < part_end && b[slash] != b'/' {
            slash += 1;
        }
        let stepped = slash < part_end;
        if stepped {
            let step = match cron_value(b, slash + 1, part_end, 0) {
                Ok(n) => n,
                Err(_) => {
                    return Some("cron schedule: a step (after '/') must be a positive number")
                }
            };
            if step == 0 {
                return Some("cron schedule: a step (after '/') must be a positive number");
            }
        }
        let star = slash - part == 1 && (b[part] == b'*' || b[part] == b'?');
        if !star {
            let mut dash = part;
            while dash < slash && b[dash] != b'-' {
                dash += 1;
            }
            let lo = match cron_value(b, part, dash, field) {
                Ok(n) => n,
                Err(e) => return Some(e),
            };
            let hi = if dash < slash {
                match cron_value(b, dash + 1, slash, field) {
                    Ok(n) => n,
                    Err(e) => return Some(e),
                }
            } else {
                lo
            };
            if lo < min || hi > max {
                return Some(cron_range_error(field));
            }
            if lo > hi {
                return Some(
                    "cron schedule: a range must go from low to high (\"1-5\", not \"5-1\")",
                );
            }
        }
        part = part_end + 1;
    }
    None
}

/// A Kubernetes CronJob schedule: five fields (minute, hour, day of month, month, day of
/// week) of numbers, ranges, steps, lists, `*` and month/weekday names, or one of the
/// macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`
/// (the standard parser of `robfig/cron` that the API server uses). A time zone goes in
/// the CronJob's `timeZone`, never in the schedule.
pub const fn cron(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a cron schedule must not be empty; write five fields, e.g. \"0 3 * * *\"");
    }
    if b[0] == b'@' {
        let macros: [&[u8]; 7] = [
            b"@yearly",
            b"@annually",
            b"@monthly",
            b"@weekly",
            b"@daily",
            b"@midnight",
            b"@hourly",
        ];
        let mut i = 0;
        while i < macros.len() {
            if eq_ignore_case(b, 0, b.len(), macros[i]) {
                return None;
            }
            i += 1;
        }
        return Some("unknown cron macro: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, or five fields such as \"0 3 * * *\"");
    }
    if (b.len() >= 3 && eq_ignore_case(b, 0, 3, b"tz="))
        || (b.len() >= 8 && eq_ignore_case(b, 0, 8, b"cron_tz="))
    {
        return Some("a cron schedule must not name a time zone (TZ= or CRON_TZ=): Kubernetes rejects it; set the job's time zone instead");
    }
    let mut field = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\t' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        if field == 5 {
            return Some("a cron schedule has exactly five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"; seconds are not supported");
        }
        if let Some(e) = cron_field(b, start, i, field) {
            return Some(e);
        }
        field += 1;
    }
    if field != 5 {
        return Some("a cron schedule has exactly five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"");
    }
    None
}

/// An IANA time zone name, checked loosely: `UTC`, or `Area/Location` parts of letters,
/// digits, `_`, `-` and `+`, each starting with a letter (`Europe/Berlin`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`). Whether the zone exists is up to the
/// cluster's time zone database; `Local` is rejected as Kubernetes does.
pub const fn time_zone(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return Some(
            "a time zone is an IANA name of 1-64 characters, e.g. \"Europe/Berlin\" or \"UTC\"",
        );
    }
    if eq_ignore_case(b, 0, b.len(), b"local") {
        return Some("the time zone \"Local\" depends on the controller's host and is rejected by Kubernetes; name an IANA zone such as \"Europe/Berlin\"");
    }
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'/' {
            if i == start {
                return Some("a time zone must not have empty parts (\"Europe//Berlin\" or a leading/trailing '/')");
            }
            if !b[start].is_ascii_alphabetic() {
                return Some(
                    "each part of a time zone name starts with a letter (\"Europe/Berlin\")",
                );
            }
            start = i + 1;
        } else if !(b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-' || b[i] == b'+') {
            return Some("a time zone is an IANA name of letters, digits, '_', '-', '+' and '/', e.g. \"America/New_York\"");
        }
        i += 1;
    }
    None
}
