//! Assignments on real objects: each case starts from a source object with one field blanked
//! (or whole), runs the statements `import::typed::assign` writes inside a
//! `|d: &mut T| { .. }` closure, and compares with what the source with that change is.
//! The generated `typed_corpus/assign.rs` holds the code; `support.rs` checks it.

use std::fmt::Write as _;

use import::typed::{assign, expr, parse_path, rust_type_path, PathSeg};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::support::{sets, with_uses, Set};

/// What a case does.
pub enum Op {
    /// Remove `blank` from the source, then set `path` to the source's value there.
    Set { blank: &'static str },
    /// Remove `path` from the source object (`assign(.., None)`).
    Remove,
}

/// One case: a set, an object (`Kind/name`), a path, an operation, what it shows.
pub struct Case(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub Op,
    pub &'static str,
);

const NGINX: &str = "fixtures/ingress-nginx";
const NGINX_DEPLOYMENT: &str = "Deployment/ingress-nginx-controller";

pub const CASES: &[Case] = &[
    Case(
        "shared/guestbook",
        "Deployment/frontend",
        "spec.replicas",
        Op::Set {
            blank: "spec.replicas",
        },
        "an optional scalar under an optional struct",
    ),
    Case(
        "shared/guestbook",
        "Deployment/frontend",
        "spec.template.spec.containers[0].resources.requests.cpu",
        Op::Set {
            blank: "spec.template.spec.containers[0].resources",
        },
        "Options created on the way, a map entry, a Quantity",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "metadata.labels[\"app.kubernetes.io/component\"]",
        Op::Set {
            blank: "metadata.labels",
        },
        "a map key with dots and a slash, the map created",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "metadata.labels[\"app.kubernetes.io/version\"]",
        Op::Remove,
        "a map key removed",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers[0].args",
        Op::Set {
            blank: "spec.template.spec.containers[0].args",
        },
        "a list replaced whole, under a Vec index",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers[0].livenessProbe.httpGet.port",
        Op::Set {
            blank: "spec.template.spec.containers[0].livenessProbe",
        },
        "a required IntOrString::Int under created Options",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers[0].securityContext",
        Op::Remove,
        "an optional struct removed (= None)",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers[0].ports[1]",
        Op::Remove,
        "a list element removed",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers[0].name",
        Op::Remove,
        "a required string removed (= Default::default())",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.template.spec.containers",
        Op::Remove,
        "a required list removed (.clear())",
    ),
    Case(
        NGINX,
        NGINX_DEPLOYMENT,
        "spec.selector",
        Op::Remove,
        "a required struct removed (= Default::default())",
    ),
    Case(
        NGINX,
        "Service/ingress-nginx-controller",
        "spec.ports[0].targetPort",
        Op::Set {
            blank: "spec.ports[0].targetPort",
        },
        "IntOrString::String",
    ),
    Case(
        NGINX,
        "ClusterRole/ingress-nginx",
        "rules[0].verbs",
        Op::Set {
            blank: "rules[0].verbs",
        },
        "a field of an extra object kind (ClusterRole)",
    ),
    Case(
        "fixtures/kube-prometheus-node-exporter",
        "DaemonSet/node-exporter",
        "spec.template.spec.hostNetwork",
        Op::Set {
            blank: "spec.template.spec.hostNetwork",
        },
        "a bool",
    ),
    Case(
        "fixtures/kube-prometheus-node-exporter",
        "DaemonSet/node-exporter",
        "spec.template.spec.volumes[0].hostPath.path",
        Op::Set {
            blank: "spec.template.spec.volumes[0].hostPath.path",
        },
        "a required string under an optional struct in a list",
    ),
    Case(
        "crates/import/tests/typed_corpus/kairn/terrapod",
        "ConfigMap/terrapod-api-config",
        "data[\"config.yaml\"]",
        Op::Set { blank: "data" },
        "a text of several lines (concat!) as a map value",
    ),
];

// ---- JSON edits on the source ----------------------------------------------------------

fn path(text: &str) -> Vec<PathSeg> {
    parse_path(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn get<'a>(v: &'a Value, path: &[PathSeg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        PathSeg::Key(k) => v.get(k),
        PathSeg::Index(i) => v.get(i),
    })
}

fn remove(v: &mut Value, path: &[PathSeg]) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for seg in init {
        let next = match seg {
            PathSeg::Key(k) => cur.get_mut(k),
            PathSeg::Index(i) => cur.get_mut(i),
        };
        let Some(next) = next else { return };
        cur = next;
    }
    match (last, cur) {
        (PathSeg::Key(k), Value::Object(m)) => {
            m.remove(k);
        }
        (PathSeg::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

fn set(v: &mut Value, path: &[PathSeg], value: Value) {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            PathSeg::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Default::default());
                }
                cur.as_object_mut()
                    .expect("an object")
                    .entry(k.clone())
                    .or_insert(Value::Null)
            }
            PathSeg::Index(i) => &mut cur[*i],
        };
    }
    *cur = value;
}

/// `(start, expected)` JSON of a case on `source`.
pub fn start_and_expected(case: &Case, source: &Value) -> (Value, Value) {
    let p = path(case.2);
    match case.3 {
        Op::Set { blank } => {
            let value = get(source, &p)
                .unwrap_or_else(|| panic!("{}: {} has no {}", case.0, case.1, case.2))
                .clone();
            let mut start = source.clone();
            remove(&mut start, &path(blank));
            let mut expected = start.clone();
            set(&mut expected, &p, value);
            (start, expected)
        }
        Op::Remove => {
            assert!(
                get(source, &p).is_some(),
                "{}: {} has no {}",
                case.0,
                case.1,
                case.2
            );
            let mut expected = source.clone();
            remove(&mut expected, &p);
            (source.clone(), expected)
        }
    }
}

/// Applies a `customize` closure, as kairn does.
pub fn apply<T>(object: &mut T, customize: impl FnOnce(&mut T)) {
    customize(object);
}

/// Checks case `n`'s built object against the source with the case's change.
pub fn check<T: Serialize + DeserializeOwned>(n: usize, built: T) {
    let case = &CASES[n];
    let set = Set::load(case.0);
    let Some(set) = set else { return };
    let (_, _, source) = set.find(case.1);
    let (_, expected) = start_and_expected(case, source.value());
    let expected: T = lint::source::from_json(expected).expect("the expected object parses");
    assert_eq!(
        serde_json::to_value(&built).expect("serializes"),
        serde_json::to_value(&expected).expect("serializes"),
        "case {n} ({} {} {}: {})",
        case.0,
        case.1,
        case.2,
        case.4
    );
}

/// The text of `typed_corpus/assign.rs`, or `None` when a set is not there.
pub fn file() -> Option<String> {
    let mut t = String::from("#[test]\nfn assign_on_real_objects() {\n");
    let mut fns = String::new();
    for (n, case) in CASES.iter().enumerate() {
        let set = Set::load(case.0)?;
        let (index, def, doc) = set.find(case.1);
        let (start, _) = start_and_expected(case, doc.value());
        let value = match case.3 {
            Op::Set { .. } => get(doc.value(), &path(case.2)),
            Op::Remove => None,
        };
        let stmts =
            assign(def, "d", &path(case.2), value).unwrap_or_else(|e| panic!("case {n}: {e}"));
        // The source object itself is the set's `object_N()` (proved by the set's test).
        let start = match case.3 {
            Op::Remove => {
                let module = sets()
                    .into_iter()
                    .find(|(_, l)| l == case.0)
                    .map(|(m, _)| m)
                    .expect("a set");
                format!("super::{module}::object_{index}()")
            }
            Op::Set { .. } => expr(def, &start).unwrap_or_else(|e| panic!("case {n}: {e}")),
        };
        let ty = rust_type_path(def);
        let _ = writeln!(t, "    check({n}, case_{n}());");
        let _ = write!(
            fns,
            "\n/// {} `{}`: {}\nfn case_{n}() -> {ty} {{\n    let mut o = {start};\n    \
             apply(&mut o, |d: &mut {ty}| {{\n        {stmts}\n    }});\n    o\n}}\n",
            case.1, case.2, case.4
        );
    }
    t.push_str("}\n");
    t.push_str(&fns);
    let doc = "//! Assignments written by `import::typed::assign` on real objects (cases in `cases.rs`).\n";
    Some(with_uses(
        doc,
        &["use super::cases::{apply, check};"],
        &t,
        &["apply", "check"],
    ))
}
