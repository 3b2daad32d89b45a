// `sqlx::migrate!` reads the migration files when db.rs compiles; without this, a migration
// added or edited after the last build is not embedded until db.rs itself changes (the
// schema test then fails against a stale binary, as 0020 did).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
