//! The committed `generated/` is exactly what the declarations render today: every
//! registered app and environment is rendered in-process (as `kairn emit` does, with no
//! `--set` inputs) and compared byte for byte with the files on disk, and `generated/`
//! holds no other file. (`tests/shop_example.rs` does the same for the shop example.)

use integration::support::{assert_tree_current, generated_root, rendered_tree};

#[test]
fn committed_generated_tree_is_current() {
    assert_tree_current(
        &rendered_tree(&apps::registry()),
        &generated_root(),
        dsl::output::DEFAULT_EMIT_COMMAND,
    );
}
