//! Differences between environments as `customize` closures: for each object of kairn's own
//! output (the frozen sample `typed_corpus/kairn/<app>/<env>`) that exists in two environments
//! of an app (`kairn/gorax/development` and `.../production`), `import::typed::diff` gives the changes from the first environment's
//! object to the other's and `assign_all` writes them; the generated `typed_corpus/diff.rs`
//! builds the first object (with the set's `object_N()`, proved equal to the source by the
//! set's own test), runs the closure, and must get the second.

use std::fmt::Write as _;

use import::typed::{assign_all, diff, rust_type_path};

use super::support::{sets, with_uses, Set, KAIRN};

/// Environment directory of a document: the first component under the set's directory.
fn env_of(set: &Set, file: &str) -> String {
    std::path::Path::new(file)
        .strip_prefix(&set.dir)
        .ok()
        .and_then(|p| p.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The text of `typed_corpus/diff.rs`.
pub fn file() -> String {
    let mut t = String::from("#[test]\nfn environments_differ_by_closures() {\n");
    let mut fns = String::new();
    let mut n = 0;
    for (module, location) in sets() {
        if !location.starts_with(KAIRN) {
            continue;
        }
        let Some(set) = Set::load(&location) else {
            continue;
        };
        let typed = set.typed();
        let envs: Vec<String> = {
            let mut e: Vec<String> = typed
                .iter()
                .map(|(_, _, d)| env_of(&set, &d.file))
                .collect();
            e.sort();
            e.dedup();
            e
        };
        let Some(first) = envs.first() else { continue };
        let mut checks = String::new();
        for (to_index, def, to) in &typed {
            let env = env_of(&set, &to.file);
            if &env == first {
                continue;
            }
            // The same object in the first environment: same name, or the same name after
            // an environment prefix (`dev-gorax-api`, `prod-gorax-api`).
            let in_first = |same: &dyn Fn(&str) -> bool| {
                let found: Vec<_> = typed
                    .iter()
                    .filter(|(_, _, d)| {
                        env_of(&set, &d.file) == *first && d.kind == to.kind && same(&d.name)
                    })
                    .collect();
                (found.len() == 1).then(|| (found[0].0, found[0].2))
            };
            let unprefixed = |name: &str| name.split_once('-').map(|(_, rest)| rest.to_owned());
            let Some((from_index, from)) = in_first(&|n| n == to.name).or_else(|| {
                let key = unprefixed(&to.name)?;
                in_first(&|n| unprefixed(n).as_deref() == Some(key.as_str()))
            }) else {
                continue;
            };
            let changes = diff(def, from.value(), to.value())
                .unwrap_or_else(|e| panic!("{location} {}/{}: {e}", to.kind, to.name));
            if changes.is_empty() {
                continue;
            }
            let stmts = assign_all(def, "d", &changes)
                .unwrap_or_else(|e| panic!("{location} {}/{}: {e}", to.kind, to.name));
            let ty = rust_type_path(def);
            let label = format!("{}/{}", to.kind, to.name);
            let _ = writeln!(
                checks,
                "        set.check({to_index}, {label:?}, pair_{n}());"
            );
            let _ = write!(
                fns,
                "\n/// {location}: {}/{}, {first} → {env} ({} changes)\nfn pair_{n}() -> {ty} {{\n\
                 let mut o = super::{module}::object_{from_index}();\napply(&mut o, |d: &mut {ty}| {{\n{stmts}\n}});\no\n}}\n",
                to.kind,
                to.name,
                changes.len()
            );
            n += 1;
        }
        if !checks.is_empty() {
            let _ = write!(
                t,
                "    if let Some(mut set) = Set::load({location:?}) {{\n{checks}        set.assert_ok();\n    }}\n"
            );
        }
    }
    t.push_str("}\n");
    t.push_str(&fns);
    let doc = "//! Objects of one environment turned into another's by the statements \
               `import::typed::diff` and `assign_all` write (see `pairs.rs`).\n";
    with_uses(
        doc,
        &["use super::cases::apply;", "use super::support::Set;"],
        &t,
        &["apply", "Set"],
    )
}
