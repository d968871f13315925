//! Strings that YAML parsers like to reinterpret survive kairn's YAML writer and the real
//! parsers unchanged, as strings, both as ConfigMap values and as ConfigMap keys.
//!
//! A ConfigMap holding every string in [`TRICKY`] is written with `dsl::yaml::to_yaml`
//! (serde-saphyr) and read back by:
//! 1. `kubectl annotate --local -f FILE k=v -o json`: how kubectl itself (go-yaml, YAML 1.1
//!    rules as under `kubectl apply`) decodes the file, offline;
//! 2. `kubectl kustomize DIR` (kustomize's kyaml), its output decoded again by kubectl and
//!    by PyYAML;
//! 3. PyYAML `safe_load` (YAML 1.1) from the pinned venv;
//! 4. kairn's own reader, `dsl::yaml::from_multiple` (serde-saphyr's parser, YAML 1.2 core
//!    schema): what `kairn` reads `Chart.yaml`, kustomizations and its object files with,
//!    and the reader the other tests use;
//! 5. `kairn lint`'s loader, `dsl::validate::parse_str` (its own fast path and serde-saphyr
//!    with YAML 1.1 rules, as Kubernetes reads manifests).
//!
//! Readers 1 to 3 are independent of serde-saphyr, kairn's writer: kubectl's go-yaml,
//! kustomize's kyaml (go-yaml v3) and PyYAML (libyaml rules).
//!
//! A few strings kairn writes correctly that kustomize itself cannot pass through
//! ([`KUSTOMIZE_LIMITS`]: DEL and C1 controls, NEL, plain `=` and `<<`) are checked with
//! every reader but kustomize.
//!
//! A negative control writes the same ConfigMap with a writer that follows the YAML 1.2
//! core schema alone, as the archived `serde_yaml` 0.9 did (it quotes a string only if a
//! YAML 1.2 reader would read it plain as something else), and shows that kubectl then
//! decodes values differently (`on` becomes `true`), kustomize turns `1_000` into `1000`
//! and `kairn lint`'s loader reads `on` as `true` too, so these checks can fail.

use std::collections::BTreeMap;
use std::path::Path;

use integration::support::{
    kubectl, kubectl_decode, kustomize, parse_yaml_docs, run, try_pyyaml_docs, TempDir,
};
use serde_json::{json, Value};

/// Strings a YAML 1.1 or 1.2 parser, go-yaml, kyaml or PyYAML may read as something other
/// than the same string.
#[rustfmt::skip]
const TRICKY: &[&str] = &[
    // booleans (YAML 1.1 and 1.2)
    "on", "off", "On", "OFF", "yes", "no", "Yes", "NO", "y", "n", "Y", "N", "true", "false",
    "True", "FALSE", "TRUE",
    // nulls
    "~", "null", "Null", "NULL", "", " ",
    // numbers
    "1_000", "0755", "0o755", "0x1F", "0b101", "1e3", "1E3", ".5", "+1", "-1", "1.0", "-0",
    "007", "1:20", "190:20:30", "1_000.5", ".inf", "-.Inf", "+.INF", ".NaN", "NaN", "nan",
    "12e03", "0.", "0", "1", "-1.5e-3", "0x", "1.2.3", "v1", "1.0.0",
    // timestamps, times
    "2026-01-01", "2026-01-01T10:00:00Z", "2026-01-01 10:00:00", "2001-12-14t21:59:43.10-05:00",
    "12:30", "12:30:45",
    // YAML syntax characters
    "- item", "-", "--", "---", "...", "key: value", "key:", ":", "a: b: c", "#comment",
    "a #b", "a# b", "@x", "`x", "!tag", "!!str", "!!bool true", "&anchor", "*alias", "%x",
    "|", ">", "|-\n  x", "'", "\"", "''", "{}", "[]", "{a: 1}", "[1, 2]", ",", "?", "? x",
    "a,b", "x]", "x}",
    // whitespace
    "multi\nline", "multi\nline\n", "\n", "trailing\n\n", "trailing ", " leading",
    "tab\t", "\tlead tab", "cr\rlf", "crlf\r\n", "  two leading",
    // escapes and control characters
    "back\\slash", "\\n", "bell\u{7}", "nul\u{0}byte", "esc\u{1b}", "vt\u{b}ff\u{c}",
    "line sep\u{2028}", "para sep\u{2029}", "bom\u{feff}",
    // unicode
    "héllo", "日本語", "emoji 🎉", "ünïcødé: yes", "\u{200b}zero-width",
];

/// Strings kairn writes correctly (kubectl and PyYAML read kairn's file unchanged) but
/// that `kubectl kustomize` cannot pass through, with what kustomize does to them. They are
/// checked with every reader except kustomize. Seen with kubectl v1.32 / kustomize v5.5.0.
const KUSTOMIZE_LIMITS: &[(&str, &str)] = &[
    // kustomize's YAML encoder (go-yaml v3) refuses DEL and C1 control characters.
    (
        "del\u{7f}",
        "fails: yaml: control characters are not allowed",
    ),
    (
        "csi\u{9b}",
        "fails: yaml: control characters are not allowed",
    ),
    // Written raw inside a single-quoted scalar, where it is a line break: read back as a space.
    ("nel\u{85}", "turns NEL (U+0085) into a space"),
    // Written as a plain `=`, which YAML 1.1 (PyYAML) reads as the `!!value` type, not a string.
    ("=", "writes it plain; PyYAML cannot read that"),
    // Written plain, which YAML 1.1 (PyYAML) reads as the merge key `!!merge`.
    ("<<", "writes it plain; PyYAML cannot read that"),
];

/// Whether `s` is a valid ConfigMap key (`[-._a-zA-Z0-9]+`, at most 253 characters).
fn valid_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `data` of the probe ConfigMap: `v000`.. keys for every string, plus every tricky
/// string that is a valid key, mapped to itself.
fn tricky_data() -> BTreeMap<String, String> {
    let mut data = BTreeMap::new();
    for (i, s) in TRICKY.iter().enumerate() {
        data.insert(format!("v{i:03}"), (*s).to_owned());
    }
    for s in TRICKY.iter().filter(|s| valid_key(s)) {
        data.insert((*s).to_owned(), (*s).to_owned());
    }
    data
}

fn config_map(data: &BTreeMap<String, String>) -> dsl::Object {
    config_map_with(data, true)
}

/// The probe ConfigMap; `tricky_metadata` also puts tricky strings in labels and annotations.
fn config_map_with(data: &BTreeMap<String, String>, tricky_metadata: bool) -> dsl::Object {
    let metadata = if tricky_metadata {
        json!({
            "name": "tricky",
            "namespace": "probe",
            "labels": {"enabled": "on", "count": "1_000", "date": "2026-01-01", "y": "n"},
            "annotations": {"yes": "no", "time": "12:30", "nan": "NaN", "on": "off"},
        })
    } else {
        json!({"name": "tricky", "namespace": "probe"})
    };
    let value = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata,
        "data": data,
    });
    dsl::Object::from_value(value)
        .expect("valid ConfigMap")
        .expect("ConfigMap is a kind kairn knows")
}

/// What the ConfigMap must look like to every reader.
fn expected_json(data: &BTreeMap<String, String>) -> Value {
    serde_json::to_value(config_map(data)).expect("JSON")
}

/// Differences in `data` (keys and values, with types) between what was written and what a
/// parser read, plus a whole-object comparison.
fn report(reader: &str, expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(e), Some(a)) = (expected["data"].as_object(), actual["data"].as_object()) else {
        return vec![format!("{reader}: no data map in {actual}")];
    };
    for (k, v) in e {
        match a.get(k) {
            Some(got) if got == v => {}
            Some(got) => out.push(format!("{reader}: data[{k:?}] = {got} (expected {v})")),
            None => out.push(format!("{reader}: key {k:?} missing")),
        }
    }
    for (k, v) in a {
        if !e.contains_key(k) {
            out.push(format!("{reader}: unexpected key {k:?} = {v}"));
        }
    }
    if out.is_empty() && expected != actual {
        for d in integration::support::differences(expected, actual) {
            out.push(format!("{reader}: {d}"));
        }
    }
    out
}

fn pyyaml_report(reader: &str, yaml: &str, expected: &Value) -> Vec<String> {
    match try_pyyaml_docs(yaml) {
        Ok(docs) => report(reader, expected, &single(docs, reader)),
        Err(e) => vec![format!("{reader}: cannot read the document: {e}")],
    }
}

fn single(mut docs: Vec<Value>, reader: &str) -> Value {
    assert_eq!(docs.len(), 1, "{reader} returned {} objects", docs.len());
    docs.remove(0)
}

/// Every reader, on one written file. Returns all differences.
fn read_back_everywhere(yaml: &str, expected: &Value) -> Vec<String> {
    read_back(yaml, expected, true)
}

fn read_back(yaml: &str, expected: &Value, with_kustomize: bool) -> Vec<String> {
    let dir = TempDir::new("yaml-strings");
    let file = dir.path().join("configmap-tricky.yaml");
    std::fs::write(&file, yaml).expect("write");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- configmap-tricky.yaml\n",
    )
    .expect("write");
    let mut problems = Vec::new();

    let kubectl = single(
        kubectl_decode(file.to_str().expect("UTF-8"), None),
        "kubectl",
    );
    problems.extend(report(
        "kubectl annotate --local -f FILE",
        expected,
        &kubectl,
    ));

    if with_kustomize {
        problems.extend(through_kustomize(dir.path(), expected));
    }

    problems.extend(pyyaml_report("PyYAML safe_load", yaml, expected));

    let ours = single(parse_yaml_docs(yaml), "dsl::yaml");
    problems.extend(report(
        "dsl::yaml::from_multiple (YAML 1.2)",
        expected,
        &ours,
    ));

    problems.extend(lint_report(yaml, expected));
    problems
}

/// What `kairn lint`'s loader reads (YAML 1.1, as Kubernetes), compared with `expected`.
fn lint_report(yaml: &str, expected: &Value) -> Vec<String> {
    let reader = "kairn lint's loader (YAML 1.1)";
    match lint_docs(yaml) {
        Ok(docs) => report(reader, expected, &single(docs, reader)),
        Err(e) => vec![format!("{reader}: cannot read the document: {e}")],
    }
}

/// The documents of `yaml` as `kairn lint` reads them.
fn lint_docs(yaml: &str) -> Result<Vec<Value>, String> {
    dsl::validate::parse_str("configmap-tricky.yaml", yaml)
        .map(|loaded| {
            loaded
                .documents
                .into_iter()
                .map(|d| d.into_value())
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// A YAML writer that follows the YAML 1.2 core schema alone, as the archived `serde_yaml`
/// 0.9 did: a mapping of strings and mappings, each string plain unless kairn's YAML 1.2
/// reader would read it plain (as a value and as a key) as something else. Strings that
/// are not plain are double-quoted with every non-ASCII character escaped.
fn yaml_1_2_writer(value: &Value) -> String {
    fn scalar(s: &str) -> String {
        let plain_value = dsl::yaml::from_str::<Value>(&format!("k: {s}\n")).ok();
        let plain_key = dsl::yaml::from_str::<Value>(&format!("{s}: v\n")).ok();
        let printable = s.chars().all(|c| (' '..='~').contains(&c));
        if printable && plain_value == Some(json!({"k": s})) && plain_key == Some(json!({s: "v"})) {
            return s.to_owned();
        }
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                ' '..='~' => out.push(c),
                c if u32::from(c) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
            }
        }
        out.push('"');
        out
    }
    fn mapping(value: &Value, indent: usize, out: &mut String) {
        for (k, v) in value.as_object().expect("a mapping") {
            out.push_str(&format!("{:indent$}{}:", "", scalar(k)));
            match v {
                Value::String(s) => out.push_str(&format!(" {}\n", scalar(s))),
                Value::Object(_) => {
                    out.push('\n');
                    mapping(v, indent + 2, out);
                }
                other => panic!("only strings and mappings: {other}"),
            }
        }
    }
    let mut out = String::new();
    mapping(value, 0, &mut out);
    out
}

fn through_kustomize(dir: &Path, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let built = kustomize(dir);
    let via_kustomize = single(kubectl_decode("-", Some(&built)), "kubectl");
    problems.extend(report(
        "kubectl kustomize | kubectl annotate --local -f -",
        expected,
        &via_kustomize,
    ));
    problems.extend(pyyaml_report(
        "kubectl kustomize | PyYAML",
        &built,
        expected,
    ));
    problems
}

#[test]
fn the_list_is_long_enough() {
    assert!(TRICKY.len() >= 65, "{} strings", TRICKY.len());
    let keys = TRICKY.iter().filter(|s| valid_key(s)).count();
    assert!(keys >= 30, "{keys} of the strings are ConfigMap keys");
    for k in [
        "on",
        "yes",
        "y",
        "n",
        "no",
        "true",
        "1_000",
        "0755",
        "NaN",
        "2026-01-01",
    ] {
        assert!(valid_key(k), "{k} is used as a key");
    }
}

#[test]
fn tricky_strings_survive_kubectl_kustomize_and_pyyaml() {
    let data = tricky_data();
    let object = config_map(&data);
    let yaml = dsl::yaml::to_yaml(&object).expect("YAML");
    let expected = expected_json(&data);
    // Sanity: every written value is a string.
    assert!(expected["data"]
        .as_object()
        .unwrap()
        .values()
        .all(Value::is_string));
    let problems = read_back_everywhere(&yaml, &expected);
    assert!(
        problems.is_empty(),
        "strings changed on the way through the parsers ({} problems):\n  {}\n\nYAML written by dsl::yaml::to_yaml:\n{yaml}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn to_stream_output_survives_too() {
    let data = tricky_data();
    let object = config_map(&data);
    let stream = dsl::yaml::to_stream([&object]).expect("YAML");
    let problems = read_back_everywhere(&stream, &expected_json(&data));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Negative control: a YAML 1.2 writer (as `serde_yaml` 0.9) leaves `on`, `yes`, `y`,
/// `1_000`, `0755`, ... unquoted, and kubectl (YAML 1.1), kustomize and `kairn lint`'s
/// loader read them as something else. If this stops failing, the checks above prove
/// nothing.
#[test]
fn yaml_1_2_output_is_misread_so_the_check_has_teeth() {
    // Values only, plain keys and metadata, so kubectl can decode the file at all.
    let data: BTreeMap<String, String> = TRICKY
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("v{i:03}"), (*s).to_owned()))
        .collect();
    let object = config_map_with(&data, false);
    let expected = serde_json::to_value(&object).expect("JSON");
    let yaml = yaml_1_2_writer(&expected);
    // The writer is faithful to YAML 1.2: kairn's YAML 1.2 reader reads it back unchanged.
    let ours = single(parse_yaml_docs(&yaml), "dsl::yaml");
    assert_eq!(ours, expected, "YAML:\n{yaml}");
    let dir = TempDir::new("yaml-strings-negative");
    let file = dir.path().join("configmap-tricky.yaml");
    std::fs::write(&file, &yaml).expect("write");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n- configmap-tricky.yaml\n",
    )
    .expect("write");

    // kubectl itself: `on` comes back as the boolean true.
    let decoded = single(kubectl_decode(file.to_str().unwrap(), None), "kubectl");
    let on = TRICKY.iter().position(|s| *s == "on").unwrap();
    assert_eq!(
        decoded["data"][format!("v{on:03}")],
        Value::Bool(true),
        "kubectl should read the unquoted `on` as true\nYAML:\n{yaml}"
    );
    let changed = report("kubectl", &expected, &decoded);
    assert!(changed.len() >= 5, "{changed:#?}");

    // kairn lint's loader (YAML 1.1) too.
    let linted = single(lint_docs(&yaml).expect("lint reads it"), "lint");
    assert_eq!(
        linted["data"][format!("v{on:03}")],
        Value::Bool(true),
        "kairn lint's loader should read the unquoted `on` as true\nYAML:\n{yaml}"
    );

    // kustomize: `1_000` becomes a number (or kustomize fails outright).
    let ran = run(
        &kubectl(),
        &["kustomize", dir.path().to_str().unwrap()],
        None,
    );
    if ran.success() {
        let built = single(kubectl_decode("-", Some(&ran.stdout())), "kubectl");
        let changed = report("kustomize", &expected, &built);
        let n = TRICKY.iter().position(|s| *s == "1_000").unwrap();
        assert!(
            changed
                .iter()
                .any(|c| c.starts_with(&format!("kustomize: data[\"v{n:03}\"] = 1000"))),
            "kustomize should turn the unquoted 1_000 into 1000: {changed:#?}"
        );
    }

    // With the tricky keys and metadata too, kubectl fails or changes the data.
    let full = tricky_data();
    let yaml = yaml_1_2_writer(&expected_json(&full));
    std::fs::write(&file, &yaml).expect("write");
    let ran = run(
        &kubectl(),
        &[
            "annotate",
            "--local",
            "-f",
            file.to_str().unwrap(),
            "a=b",
            "-o",
            "json",
        ],
        None,
    );
    if ran.success() {
        let got: Value = serde_json::from_str(&ran.stdout()).expect("JSON");
        assert_ne!(
            got["data"],
            expected_json(&full)["data"],
            "kubectl should misread the unquoted keys"
        );
    }
}

/// Strings kustomize cannot pass through still survive kairn's writer and every other reader.
#[test]
fn kustomize_limited_strings_survive_kubectl_and_pyyaml() {
    let mut data = BTreeMap::new();
    for (i, (s, _)) in KUSTOMIZE_LIMITS.iter().enumerate() {
        data.insert(format!("k{i}"), (*s).to_owned());
        if valid_key(s) {
            data.insert((*s).to_owned(), (*s).to_owned());
        }
    }
    let object = config_map(&data);
    let yaml = dsl::yaml::to_yaml(&object).expect("YAML");
    let problems = read_back(&yaml, &expected_json(&data), false);
    assert!(
        problems.is_empty(),
        "{}\nYAML:\n{yaml}",
        problems.join("\n")
    );
}

/// kustomize's encoder refuses DEL and C1 control characters, whatever the input: a
/// kustomize limitation, not a kairn one. If this starts failing, kustomize learned to
/// write them: move them from KUSTOMIZE_LIMITS into TRICKY.
#[test]
fn kustomize_refuses_control_characters() {
    for (value, what) in KUSTOMIZE_LIMITS {
        if !what.contains("control characters") {
            continue;
        }
        let one = BTreeMap::from([("k".to_owned(), (*value).to_owned())]);
        let dir = TempDir::new("yaml-strings-control");
        std::fs::write(
            dir.path().join("cm.yaml"),
            dsl::yaml::to_yaml(&config_map(&one)).expect("YAML"),
        )
        .expect("write");
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            "resources:\n- cm.yaml\n",
        )
        .expect("write");
        let ran = run(
            &kubectl(),
            &["kustomize", dir.path().to_str().unwrap()],
            None,
        );
        assert!(
            !ran.success() && ran.stderr().contains("control characters are not allowed"),
            "kustomize now writes {value:?}; move it into TRICKY. stdout: {}",
            ran.stdout()
        );
    }
}
