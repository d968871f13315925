//! Every committed manifest survives the real Go parsers unchanged.
//!
//! - `kubectl kustomize generated/<app>/<env>` (kustomize's kyaml reader and writer) yields
//!   exactly the objects written to the files: same identities, same keys, same values,
//!   same types (a string stays a string). Its output is read back three ways: kairn's
//!   reader (`dsl::yaml::from_multiple`: serde-saphyr, YAML 1.2 core schema), `kubectl
//!   annotate --local -f - -o json` (how kubectl decodes it) and PyYAML (YAML 1.1).
//! - `kubectl annotate --local -f FILE k=v -o json` on each file (the decoder `kubectl
//!   apply` uses, YAML 1.1 rules of go-yaml v2) gives the object as written.
//! - PyYAML (YAML 1.1) reads each file as written.
//!
//! The reference is each file parsed with kairn's reader (YAML 1.2 core schema).

use std::collections::BTreeMap;
use std::path::Path;

use integration::support::{
    all_env_dirs, compare_object_sets, display, keyed, kubectl_decode, kubectl_decode_files,
    kustomize, manifest_files, parse_yaml_docs, pyyaml_docs, ObjectKey,
};
use serde_json::Value;

/// The objects of an environment directory as written, keyed by identity.
fn written_objects(dir: &Path) -> BTreeMap<ObjectKey, Value> {
    let mut all = Vec::new();
    for file in manifest_files(dir) {
        let text = std::fs::read_to_string(&file).expect("readable file");
        let docs = parse_yaml_docs(&text);
        assert_eq!(
            docs.len(),
            1,
            "{} must hold exactly one object",
            display(&file)
        );
        all.extend(docs);
    }
    keyed(all, &display(dir))
}

fn check(failures: &mut Vec<String>, what: String, report: String) {
    if !report.is_empty() {
        failures.push(format!("{what}:\n{report}"));
    }
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "objects changed on the way through the real parsers:\n\n{}",
        failures.join("\n")
    );
}

#[test]
fn kustomize_build_yields_the_written_objects() {
    let mut failures = Vec::new();
    for dir in all_env_dirs() {
        let expected = written_objects(&dir);
        let built = kustomize(&dir);
        let name = display(&dir);

        let serde = keyed(parse_yaml_docs(&built), &name);
        check(
            &mut failures,
            format!("`kubectl kustomize {name}` read with dsl::yaml (YAML 1.2)"),
            compare_object_sets(&expected, &serde),
        );

        let decoded = keyed(kubectl_decode("-", Some(&built)), &name);
        check(
            &mut failures,
            format!("`kubectl kustomize {name} | kubectl annotate --local -f - -o json`"),
            compare_object_sets(&expected, &decoded),
        );

        let pyyaml = keyed(pyyaml_docs(&built), &name);
        check(
            &mut failures,
            format!("`kubectl kustomize {name}` read with PyYAML (YAML 1.1)"),
            compare_object_sets(&expected, &pyyaml),
        );
    }
    assert_no_failures(failures);
}

#[test]
fn kubectl_decodes_each_file_as_written() {
    let mut failures = Vec::new();
    for dir in all_env_dirs() {
        let files = manifest_files(&dir);
        // One kubectl run per directory, `-f FILE` per file: each file is decoded on its own.
        let paths: Vec<&str> = files
            .iter()
            .map(|f| f.to_str().expect("UTF-8 path"))
            .collect();
        let decoded = keyed(kubectl_decode_files(&paths, None), &display(&dir));
        check(
            &mut failures,
            format!(
                "`kubectl annotate --local -f FILE ... -o json` on the files of {}",
                display(&dir)
            ),
            compare_object_sets(&written_objects(&dir), &decoded),
        );
    }
    assert_no_failures(failures);
}

#[test]
fn pyyaml_reads_each_file_as_written() {
    let mut failures = Vec::new();
    for dir in all_env_dirs() {
        let files = manifest_files(&dir);
        // One PyYAML run per directory: the files joined as one stream.
        let stream: String = files
            .iter()
            .map(|f| {
                format!(
                    "---\n{}",
                    std::fs::read_to_string(f).expect("readable file")
                )
            })
            .collect();
        let expected = written_objects(&dir);
        let pyyaml = keyed(pyyaml_docs(&stream), &display(&dir));
        check(
            &mut failures,
            format!("{} read with PyYAML (YAML 1.1)", display(&dir)),
            compare_object_sets(&expected, &pyyaml),
        );
    }
    assert_no_failures(failures);
}

/// The comparison has teeth: a value that YAML 1.1 reads as a boolean is reported.
#[test]
fn a_yaml_1_1_boolean_is_caught() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  enabled: on\n";
    let expected = keyed(parse_yaml_docs(file), "dsl::yaml");
    assert_eq!(
        expected.values().next().unwrap()["data"]["enabled"],
        Value::from("on"),
        "dsl::yaml (YAML 1.2) reads `on` as a string"
    );
    let pyyaml = keyed(pyyaml_docs(file), "PyYAML");
    let report = compare_object_sets(&expected, &pyyaml);
    assert!(
        report.contains("/data/enabled"),
        "PyYAML should read `on` as true and the comparison should say so; got: {report:?}"
    );
}
