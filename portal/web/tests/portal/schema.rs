//! SQLite and PostgreSQL get the same schema: the migrations move in step, and the tables,
//! columns and indexes they leave are the same on both.
use crate::common;

use std::collections::BTreeSet;

use sqlx::Row;

fn migration_names(engine: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../storage/migrations")
        .join(engine);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("migrations directory")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_engines_have_the_same_migrations_version_for_version() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

type Columns = BTreeSet<(String, String)>;

async fn sqlite_schema(db: &vamt_portal_storage::db::Db) -> (Columns, BTreeSet<String>) {
    let mut columns = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .expect("tables");
    for t in &tables {
        let rows = sqlx::query("SELECT name FROM pragma_table_info($1)")
            .bind(t)
            .fetch_all(db.pool())
            .await
            .expect("columns");
        for r in rows {
            columns.insert((t.clone(), r.get::<String, _>(0)));
        }
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await
    .expect("indexes");
    (columns, indexes.into_iter().collect())
}

async fn postgres_schema(db: &vamt_portal_storage::db::Db) -> (Columns, BTreeSet<String>) {
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .expect("columns");
    let columns = rows
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect();
    // Indexes created by name (the primary keys' and unique constraints' own are named by
    // each engine its way).
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
    )
    .fetch_all(db.pool())
    .await
    .expect("indexes");
    (columns, indexes.into_iter().collect())
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_have_the_same_tables_columns_and_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let sqlite = vamt_portal_storage::db::open(&url).await.expect("sqlite");
    let (columns, indexes) = sqlite_schema(&sqlite).await;
    assert!(columns.contains(&("booking_claims".into(), "unit_start".into())));
    assert!(indexes.contains("bookings_by_start"));
    let Some(admin) = common::postgres_admin_url() else {
        // Without a PostgreSQL server named, only the SQLite side is read; scripts/test
        // names the one on 127.0.0.1.
        return;
    };
    let pg = common::PgDatabase::create(&admin).await;
    let postgres = vamt_portal_storage::db::open(&pg.url)
        .await
        .expect("postgres");
    let (pg_columns, pg_indexes) = postgres_schema(&postgres).await;
    assert_eq!(
        columns
            .symmetric_difference(&pg_columns)
            .collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "columns differ between the engines"
    );
    assert_eq!(
        indexes
            .symmetric_difference(&pg_indexes)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "indexes differ between the engines"
    );
    postgres.close().await;
}
