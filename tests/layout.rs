//! The shape of the code, checked: no source module grows past ~600 lines unless it is named
//! here with the reason it may, so a newcomer finds small modules and a reviewer sees each
//! exception argued.

use std::path::{Path, PathBuf};

/// The most lines a module may have without a stated reason.
const MAX_LINES: usize = 600;

/// Modules allowed to be longer, each with why; shrink the list, do not grow it lightly.
const LONGER: [(&str, &str); 3] = [
    (
        "crates/domain/src/hazard/lifecycle.rs",
        "the lifecycle table is one table; half the file is its exhaustive tests",
    ),
    (
        "crates/domain/src/access.rs",
        "roles, scopes and the three administrators' table, with their tests",
    ),
    (
        "src/demo.rs",
        "demo data: the county, its grids and people (data tables)",
    ),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_is_long_without_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    sources(&root.join("crates"), &mut files);
    assert!(files.len() > 50, "the sources were found");
    let mut too_long = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        let excused = LONGER.iter().any(|(path, _)| *path == relative);
        if lines > MAX_LINES && !excused {
            too_long.push(format!("{relative}: {lines} lines"));
        }
    }
    assert!(
        too_long.is_empty(),
        "modules over {MAX_LINES} lines without a stated reason: {too_long:#?}"
    );
}

#[test]
fn every_excused_module_is_still_long() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, why) in LONGER {
        let lines = std::fs::read_to_string(root.join(path)).map_or(0, |s| s.lines().count());
        assert!(
            lines > MAX_LINES,
            "{path} ({lines} lines) no longer needs its excuse ({why}): remove it from the list"
        );
    }
}
