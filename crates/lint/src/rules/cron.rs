//! CronJob schedules as the API server reads them: `cron.ParseStandard` of
//! robfig/cron v3 (five fields, or a descriptor such as `@daily` or `@every 1h30m`), and
//! no `TZ=`/`CRON_TZ=` (Kubernetes 1.33 `validateScheduleFormat`: use `spec.timeZone`).

/// Why the schedule is rejected, or `None` when it is valid.
pub(super) fn schedule_problem(schedule: &str) -> Option<String> {
    if schedule.contains("TZ") {
        return Some(
            "cannot use TZ or CRON_TZ in schedule, use the timeZone field instead".to_owned(),
        );
    }
    if schedule.is_empty() {
        return Some("empty schedule".to_owned());
    }
    if let Some(d) = schedule.strip_prefix('@') {
        return descriptor(d);
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}",
            fields.len()
        ));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let bounds: [(&str, u64, u64, &[&str], u64); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, MONTHS, 1),
        ("day of week", 0, 6, DAYS, 0),
    ];
    for (f, (what, min, max, names, first)) in fields.iter().zip(bounds) {
        for expr in f.split(',').filter(|e| !e.is_empty()) {
            if let Err(e) = range(expr, min, max, names, first) {
                return Some(format!("{what}: {e}"));
            }
        }
    }
    None
}

fn descriptor(d: &str) -> Option<String> {
    match d {
        "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => None,
        _ => match d.strip_prefix("every ") {
            Some(duration) if go_duration(duration) => None,
            Some(duration) => Some(format!("`{duration}` is not a Go duration (e.g. 1h30m)")),
            None => Some(format!("unrecognized descriptor `@{d}`")),
        },
    }
}

/// One comma-separated part of a field, as robfig/cron's `getRange`.
fn range(expr: &str, min: u64, max: u64, names: &[&str], first: u64) -> Result<(), String> {
    let parts: Vec<&str> = expr.split('/').collect();
    let bounds: Vec<&str> = parts[0].split('-').collect();
    let (start, mut end) = if bounds[0] == "*" || bounds[0] == "?" {
        (min, max)
    } else {
        let start = int_or_name(bounds[0], names, first)?;
        match bounds.len() {
            1 => (start, start),
            2 => (start, int_or_name(bounds[1], names, first)?),
            _ => return Err(format!("too many hyphens in `{expr}`")),
        }
    };
    match parts.len() {
        1 => {}
        2 => {
            let step = int(parts[1])?;
            if bounds.len() == 1 {
                end = max;
            }
            if step == 0 {
                return Err(format!("step of `{expr}` must be a positive number"));
            }
        }
        _ => return Err(format!("too many slashes in `{expr}`")),
    }
    if start < min {
        return Err(format!("{start} is below the minimum {min} in `{expr}`"));
    }
    if end > max {
        return Err(format!("{end} is above the maximum {max} in `{expr}`"));
    }
    if start > end {
        return Err(format!("the range `{expr}` begins after its end"));
    }
    Ok(())
}

fn int_or_name(s: &str, names: &[&str], first: u64) -> Result<u64, String> {
    let lower = s.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        Some(i) => Ok(i as u64 + first),
        None => int(s),
    }
}

/// `strconv.Atoi`, then no negative numbers.
fn int(s: &str) -> Result<u64, String> {
    match s.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("negative number `{s}`")),
        Ok(n) => Ok(n.unsigned_abs()),
        Err(_) => Err(format!("`{s}` is not a number or a name")),
    }
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?unit)+` or `0`.
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return false;
        }
        rest = &rest[unit..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::schedule_problem;

    #[test]
    fn schedules_as_robfig_cron_reads_them() {
        for ok in [
            "*/5 * * * *",
            "0 3 * * 1-5",
            "0 0 1 jan,JUL *",
            "15 2 * * sun",
            "0 0 * * ?",
            "5/15 * * * *",
            "@daily",
            "@every 1h30m",
            "@every 1.5s",
            "0 0 1,,15 * *",
        ] {
            assert_eq!(schedule_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "* * * *",
            "0 0 * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "1-2-3 * * * *",
            "a * * * *",
            "-1 * * * *",
            "@fortnightly",
            "@every 5",
            "@every",
            "TZ=UTC 0 0 * * *",
            "CRON_TZ=Europe/Paris @daily",
        ] {
            assert!(schedule_problem(bad).is_some(), "{bad:?} accepted");
        }
    }
}

#[cfg(test)]
mod exhaustive {
    /// Every string of up to five characters over the grammar's alphabet: no panic, and
    /// the same answer twice.
    #[test]
    fn short_strings_never_panic() {
        let alphabet = ['*', '/', '-', ',', '0', '7', ' ', '@', '?', 'j', '5'];
        let mut level = vec![String::new()];
        let mut n = 0;
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            for s in &level {
                assert_eq!(super::schedule_problem(s), super::schedule_problem(s));
                n += 1;
            }
        }
        assert!(n > 100_000);
    }
}
