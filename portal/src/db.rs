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

/// A connection pool to either engine.
pub type Db = sqlx::AnyPool;

/// A row from either engine.
pub type DbRow = sqlx::any::AnyRow;

/// Which engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite file (or memory).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Engine {
    /// The engine of `url`, or `None` for any other scheme.
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

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

impl Engine {
    /// The `n`-th (from 1) bind placeholder of a statement built at run time: `$n` on
    /// PostgreSQL, a bare `?` on SQLite. SQLite keeps named placeholders (`$n`, `?n`) in a
    /// list it searches linearly, once per placeholder while parsing and again per value
    /// while binding: quadratic in a multi-row insert of 1,800 values, 14 % of a release
    /// storm's CPU. Bare `?`s are numbered in order of appearance, so a statement built with
    /// this uses it for every placeholder, in order.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Self::Sqlite => "?".to_owned(),
            Self::Postgres => format!("${n}"),
        }
    }
}

/// `n` placeholders numbered on from `first`, comma-separated: an `IN (…)` list whose
/// values are bound, never spliced (see [`Engine::placeholder`]).
pub fn placeholders(engine: Engine, first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| engine.placeholder(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `head` followed by `rows` tuples of `binds` placeholders each, numbered on from 1 (see
/// [`Engine::placeholder`]); `literals` are (position, SQL) pairs put into every tuple
/// before that bind position. Only generated placeholders and fixed literals go into the
/// text: values are bound.
pub fn values_sql(
    engine: Engine,
    head: &str,
    rows: usize,
    binds: usize,
    literals: &[(usize, &str)],
) -> String {
    let mut sql = String::from(head);
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        let mut first = true;
        for b in 0..binds {
            for (_, lit) in literals.iter().filter(|(at, _)| *at == b) {
                sql.push_str(if first { "" } else { ", " });
                sql.push_str(lit);
                first = false;
            }
            n += 1;
            sql.push_str(if first { "" } else { ", " });
            sql.push_str(&engine.placeholder(n));
            first = false;
        }
        sql.push(')');
    }
    sql
}

/// Formats a UTC time the way the schema stores it.
pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a stored time.
pub fn parse_ts(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
