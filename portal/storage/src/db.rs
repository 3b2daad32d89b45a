//! The database: SQLite (one host, `sqlite://…`) or PostgreSQL (several portal nodes,
//! `postgres://…`), chosen by the URL, opened, created and migrated at start.
//!
//! Both engines get the same schema (`migrations/sqlite` and `migrations/postgres` move in
//! step, version for version; a test compares their tables and columns) and the same SQL:
//! `$1` placeholders (in statements built at run time, [`Engine::placeholder`]), text
//! timestamps, integers for flags, no engine-specific functions.
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

pub use vamt_portal_core::sql::{parse_ts, placeholders, ts, values_sql, Engine};

/// A database: the connection pool to either engine, and what this process keeps for it
/// (the SQLite writer's turn, caches and write queues of the domains). Cheap to clone; the
/// clones share both. Queries run on [`Db::pool`]; the pool's own methods (`begin`,
/// `close`) are reached through it by `Deref`.
///
/// What a domain keeps per database lives here, not in a process-wide `static` keyed by
/// the URL as it did before: two databases in one process (the test suite, a migration
/// tool) keep theirs apart, and it goes when the database is dropped.
#[derive(Clone)]
pub struct Db {
    pool: sqlx::AnyPool,
    shared: Arc<Shared>,
}

struct Shared {
    engine: Engine,
    /// SQLite's one writer at a time, taken in turn by this process (see [`Db::writer_turn`]).
    writer: tokio::sync::Mutex<()>,
    /// One value per type, made on first use (see [`Db::kept`]).
    kept: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Db {
    fn new(pool: sqlx::AnyPool, engine: Engine) -> Self {
        Self {
            pool,
            shared: Arc::new(Shared {
                engine,
                writer: tokio::sync::Mutex::new(()),
                kept: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The pool, to run statements on.
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.pool
    }

    /// The engine this database runs on.
    pub fn engine(&self) -> Engine {
        self.shared.engine
    }

    /// The value of type `T` this process keeps for this database (a domain's cache or
    /// write queue), made by `make` the first time it is asked for.
    pub fn kept<T: Send + Sync + 'static>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let mut kept = self.shared.kept.lock().unwrap_or_else(|p| p.into_inner());
        let value = kept
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(make()))
            .clone();
        drop(kept);
        // The entry of `TypeId::of::<T>()` holds a `T`: it was made by this function.
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("a kept value is of its own type"))
    }

    /// On SQLite, waits for this process's turn to write and holds it until dropped; on
    /// PostgreSQL, `None` at once. SQLite takes one writer at a time: waiting here, in
    /// turn, is cheaper than waiting in its busy handler, which sleeps 1, 2, 5, 10 … ms
    /// between tries. The group writers of a storm take it; a lone write elsewhere may
    /// skip it.
    pub async fn writer_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.engine() {
            Engine::Sqlite => Some(self.shared.writer.lock().await),
            Engine::Postgres => None,
        }
    }
}

impl std::ops::Deref for Db {
    type Target = sqlx::AnyPool;
    fn deref(&self) -> &sqlx::AnyPool {
        &self.pool
    }
}

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
    Ok(Db::new(pool, engine))
}
