//! SQL text both engines share, built without a connection: which engine a URL names,
//! the placeholders of statements built at run time, and the stored form of times. The
//! database itself is `vamt-portal-storage`'s; this is what its callers need to write
//! statements for it, pure and unit-tested.

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
