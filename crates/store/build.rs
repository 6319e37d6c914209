//! `sqlx::migrate!` embeds the migrations when the crate compiles; this makes a new or edited
//! migration file recompile it (as sqlx advises), not only a change to the Rust sources.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
