//! The database: SQLite (one host, `sqlite://…`) or PostgreSQL (several portal nodes,
//! `postgres://…`), chosen by the URL, opened, created and migrated at start.
//!
//! Both engines get the same schema (`migrations/sqlite` and `migrations/postgres` move in
//! step, version for version; a test compares their tables and columns) and the same SQL:
//! `$1` placeholders (in statements built at run time, [`Engine::placeholder`]), text
//! timestamps, integers for flags, no engine-specific functions.
use std::sync::Once;

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

pub use vamt_portal_core::sql::{parse_ts, placeholders, ts, values_sql, Engine};

/// A connection pool to either engine.
pub type Db = sqlx::AnyPool;

/// A row from either engine.
pub type DbRow = sqlx::any::AnyRow;

static DRIVERS: Once = Once::new();

/// Opens (creating a missing SQLite file) and migrates the database at `url`.
pub async fn open(url: &str) -> Result<Db, sqlx::Error> {
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    let engine = Engine::of(url).ok_or_else(|| {
        sqlx::Error::Configuration(
            format!("database URL must start with sqlite: or postgres://, not {url:?}").into(),
        )
    })?;
    let url = match engine {
        // The file is created on a first start.
        Engine::Sqlite if !url.contains("mode=") => {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        }
        _ => url.to_owned(),
    };
    let connections = match engine {
        Engine::Sqlite => 8,
        Engine::Postgres => 16,
    };
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        // Kept open through quiet hours: the release storm comes after a quiet night, and a
        // PostgreSQL connection opened in it (a new backend process, authentication) costs
        // milliseconds that 500 waiting citizens feel.
        .min_connections(connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    // WAL lets readers go on while a booking commits; NORMAL is durable with
                    // WAL. A writer waits for another's commit rather than failing.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    match engine {
        Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
        Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
    }
    Ok(pool)
}

static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// On SQLite, waits for this process's turn to write and holds it until dropped; on
/// PostgreSQL, `None` at once. SQLite takes one writer at a time: waiting here, in turn, is
/// cheaper than waiting in its busy handler, which sleeps 1, 2, 5, 10 … ms between tries.
/// The group writers of a storm take it; a lone write elsewhere may skip it.
pub async fn writer_turn(db: &Db) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    match engine(db) {
        Engine::Sqlite => Some(SQLITE_WRITER.lock().await),
        Engine::Postgres => None,
    }
}

/// The engine `db` was opened on ([`open`] takes no other URL).
pub fn engine(db: &Db) -> Engine {
    Engine::of(db.connect_options().database_url.as_str()).unwrap_or(Engine::Sqlite)
}
