//! Tests of the format rules.

use super::*;

#[test]
fn labels() {
    assert_eq!(dns_label("triage-warden"), None);
    assert!(dns_label("Bad_Name").is_some());
    assert!(dns_label("-a").is_some());
    assert!(dns_label(&"a".repeat(64)).is_some());
    assert_eq!(dns_label(&"a".repeat(63)), None);
}

#[test]
fn port_names() {
    assert_eq!(port_name("http"), None);
    assert_eq!(port_name("raft"), None);
    assert!(port_name("8080").is_some());
    assert!(port_name("a--b").is_some());
    assert!(port_name("way-too-long-port-name").is_some());
}

#[test]
fn quantities() {
    assert_eq!(cpu_millis("250m"), Ok(250));
    assert_eq!(cpu_millis("2"), Ok(2000));
    assert_eq!(cpu_millis("1.5"), Ok(1500));
    assert!(cpu_millis("250x").is_err());
    assert!(cpu_millis("0").is_err());
    assert_eq!(bytes("512Mi"), Ok(512 << 20));
    assert_eq!(bytes("1G"), Ok(1_000_000_000));
    assert!(bytes("512MB").is_err());
    assert!(bytes("Mi").is_err());
}

#[test]
fn hosts_and_keys() {
    assert_eq!(dns_subdomain("api.gorax.io"), None);
    assert!(dns_subdomain("api..io").is_some());
    assert_eq!(data_key("database-url"), None);
    assert_eq!(data_key("TW_JWT_SECRET"), None);
    assert!(data_key("a/b").is_some());
    assert_eq!(env_name("RUST_LOG"), None);
    assert!(env_name("1X").is_some());
    assert_eq!(env_name_check("RUST_LOG"), EnvNameCheck::Portable);
    for accepted in ["1X", "my.var", "my-var", "a b", "x:y~"] {
        assert!(
            matches!(env_name_check(accepted), EnvNameCheck::NotPortable(_)),
            "{accepted}"
        );
        assert_eq!(
            env_name(accepted),
            match env_name_check(accepted) {
                EnvNameCheck::NotPortable(why) => Some(why),
                _ => None,
            }
        );
    }
    for rejected in ["", "A=B", "tab\there", "caf\u{e9}"] {
        assert!(
            matches!(env_name_check(rejected), EnvNameCheck::Rejected(_)),
            "{rejected:?}"
        );
        assert!(env_name(rejected).is_some());
    }
    assert_eq!(label_value("sha-abc"), None);
    assert!(label_value("-x").is_some());
}

#[test]
fn label_keys_never_override_derived_labels() {
    assert_eq!(label_key("team"), None);
    assert_eq!(label_key("kairn.dev/git-commit"), None);
    assert_eq!(label_key("example.com/cost-center"), None);
    for derived in DERIVED_LABEL_KEYS {
        assert!(label_key(derived).is_some(), "{derived}");
    }
    assert!(label_key("").is_some());
    assert!(label_key("/x").is_some());
    assert!(label_key("a/b/c").is_some());
    assert!(label_key("Example.com/x").is_some());
    assert!(label_key("x/-y").is_some());
    assert!(label_key("x/y z").is_some());
}

#[test]
fn cron_schedules() {
    for ok in [
        "0 3 * * *",
        "*/15 * * * *",
        "0 9-17/2 * * MON-FRI",
        "30 2 1,15 * *",
        "0 0 1 jan,jul *",
        "5/10 * ? * sun",
        "0  4 * *  6",
        "@daily",
        "@Hourly",
        "@midnight",
        "59 23 31 12 6",
    ] {
        assert_eq!(cron(ok), None, "{ok}");
    }
    for (bad, why) in [
        ("", "empty"),
        ("0 3 * *", "five fields"),
        ("0 0 3 * * *", "seconds"),
        ("60 * * * *", "minute"),
        ("0 24 * * *", "hour"),
        ("0 0 0 * *", "day of month"),
        ("0 0 1 13 *", "month"),
        ("0 0 * * 7", "day of week"),
        ("0 0 * FOO *", "month name"),
        ("0 0 * * MONDAY", "weekday name"),
        ("MON * * * *", "names are allowed only"),
        ("*/0 * * * *", "step"),
        ("5-1 * * * *", "low to high"),
        ("1,,2 * * * *", "empty element"),
        ("1- * * * *", "missing a number"),
        ("@every 5m", "macro"),
        ("@often", "macro"),
        ("CRON_TZ=UTC 0 3 * * *", "time zone"),
        ("0 3 * * * #", "five fields"),
        ("0 L * * *", "names are allowed only"),
    ] {
        let e = cron(bad).unwrap_or_else(|| panic!("{bad:?} must be rejected"));
        assert!(e.contains(why), "{bad:?}: {e}");
    }
}

#[test]
fn time_zones() {
    for ok in [
        "UTC",
        "Europe/Berlin",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
        "America/Port-au-Prince",
    ] {
        assert_eq!(time_zone(ok), None, "{ok}");
    }
    for bad in [
        "",
        "Local",
        "Europe//Berlin",
        "/UTC",
        "Europe/Berlin ",
        "+05:00",
        "Europe/1Berlin",
    ] {
        assert!(time_zone(bad).is_some(), "{bad:?}");
    }
}
