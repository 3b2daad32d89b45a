//! Clerks: accounts with Argon2id passwords and login sessions.
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};

use vamt_portal_storage::db::Db;

use vamt_portal_storage::db::ts;
use vamt_portal_storage::secret::{hash_token, random_token};

/// How long a clerk stays logged in.
pub const SESSION_HOURS: i64 = 12;

/// A clerk.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Clerk {
    /// Row ID.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown to citizens.
    pub display_name: String,
    /// May change the catalogue (locations, hours, clerks, services).
    pub is_admin: bool,
    /// Still works here; a deactivated clerk cannot sign in and gets no appointments.
    pub active: bool,
    /// The location the clerk works at (row ID).
    pub location_id: Option<i64>,
}

/// A clerk as [`clerk_columns!`] reads it, by column name.
#[derive(sqlx::FromRow)]
struct ClerkRow {
    id: i64,
    username: String,
    display_name: String,
    is_admin: i64,
    active: i64,
    location_id: Option<i64>,
}

impl From<ClerkRow> for Clerk {
    fn from(r: ClerkRow) -> Self {
        Clerk {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            is_admin: r.is_admin != 0,
            active: r.active != 0,
            location_id: r.location_id,
        }
    }
}

/// A clerk with the stored password hash, as [`login`] reads it.
#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    clerk: ClerkRow,
    password_hash: String,
}

/// The columns a [`ClerkRow`] reads (a macro: queries are literals).
macro_rules! clerk_columns {
    () => {
        "c.id, c.username, c.display_name, c.is_admin, c.active, c.location_id"
    };
}

/// What of an appointment a clerk may see and do (need to know): a clerk works with the
/// appointments of their own location, an admin with every location's. Opening the call
/// of an appointment that is a colleague's takes an explicit take-over ([`take_over`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Not this clerk's business: answered as if the appointment did not exist.
    None,
    /// At the clerk's location (or the clerk is an admin): may see it, note it, mark it,
    /// move it, let its citizen in; its call is a colleague's.
    Location,
    /// The clerk's own appointment (or one without a clerk, or one taken over): may also
    /// open its call as moderator.
    Own,
}

impl Clerk {
    /// Whether this clerk sees every location's appointments.
    pub fn sees_all(&self) -> bool {
        self.is_admin
    }

    /// The location whose appointments this clerk sees; `None`: all of them.
    pub fn scope(&self) -> Option<i64> {
        if self.sees_all() {
            None
        } else {
            // A clerk without a location sees none (row IDs start at 1).
            Some(self.location_id.unwrap_or(0))
        }
    }
}

/// Where an appointment is and whose it is, as access is decided on.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// Its location.
    pub location_id: Option<i64>,
    /// Its clerk.
    pub clerk_id: Option<i64>,
}

/// What `clerk` may do with the appointment at `place`, `taken_over` if they took its call
/// over before.
pub fn access(clerk: &Clerk, place: Placement, taken_over: bool) -> Access {
    let in_scope = match clerk.scope() {
        None => true,
        Some(loc) => place.location_id == Some(loc),
    };
    if !in_scope {
        return Access::None;
    }
    if place.clerk_id.is_none_or(|c| c == clerk.id) || taken_over {
        Access::Own
    } else {
        Access::Location
    }
}

/// Where a booking is, whose it is and whether a clerk took it over, as [`access_to`] reads it.
#[derive(sqlx::FromRow)]
struct AccessRow {
    location_id: Option<i64>,
    clerk_id: Option<i64>,
    takeovers: i64,
}

/// What `clerk` may do with booking `id`; `Access::None` for an unknown booking too.
pub async fn access_to(db: &Db, clerk: &Clerk, id: &str) -> Result<Access, sqlx::Error> {
    let row = sqlx::query_as::<_, AccessRow>(
        "SELECT b.location_id, b.clerk_id, \
         (SELECT COUNT(*) FROM call_takeovers t WHERE t.booking_id = b.id AND t.clerk_id = $2) AS takeovers \
         FROM bookings b WHERE b.id = $1",
    )
    .bind(id)
    .bind(clerk.id)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        None => Access::None,
        Some(r) => access(
            clerk,
            Placement {
                location_id: r.location_id,
                clerk_id: r.clerk_id,
            },
            r.takeovers > 0,
        ),
    })
}

/// Records that `clerk` takes over the call of booking `id` from its clerk; the caller has
/// checked the booking is at the clerk's location. Taking over twice records once.
pub async fn take_over(
    db: &Db,
    clerk: &Clerk,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO call_takeovers (booking_id, clerk_id, from_clerk_id, at) \
         SELECT b.id, $2, b.clerk_id, $3 FROM bookings b WHERE b.id = $1 \
         ON CONFLICT (booking_id, clerk_id) DO NOTHING",
    )
    .bind(id)
    .bind(clerk.id)
    .bind(ts(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Clerk account errors.
#[derive(Debug, thiserror::Error)]
pub enum ClerkError {
    /// Hashing failed (should not happen with valid parameters).
    #[error("password hashing failed")]
    Hash,
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Runs `work` (a password hash) where slow hashes run (storage's `slow_hash`).
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ClerkError> {
    vamt_portal_storage::slow_hash::run(work)
        .await
        .map_err(|_| ClerkError::Hash)
}

/// Hashes a password with Argon2id and a random salt (on the blocking pool).
pub async fn hash_password(password: &str) -> Result<String, ClerkError> {
    let password = password.to_owned();
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| ClerkError::Hash)
    })
    .await?
}

/// Whether `password` matches the stored hash (on the blocking pool).
async fn verify_password(password: &str, stored: String) -> Result<bool, ClerkError> {
    let password = password.to_owned();
    hashing(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// Creates a clerk account.
pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<i64, ClerkError> {
    let hash = hash_password(password).await?;
    // A new clerk works at the virtual office (every video service, its opening hours)
    // until the catalogue says otherwise.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO clerks (username, display_name, password_hash, created_at, location_id) \
         VALUES ($1, $2, $3, $4, (SELECT id FROM locations WHERE is_virtual = 1 AND active = 1 ORDER BY id LIMIT 1)) RETURNING id",
    )
        .bind(username)
        .bind(display_name)
        .bind(hash)
        .bind(ts(now))
        .fetch_one(db.pool())
        .await?;
    crate::catalogue::invalidate(db);
    Ok(id)
}

/// Checks a login; on success opens a session and returns its cookie value.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, Clerk)>, ClerkError> {
    let row = sqlx::query_as::<_, LoginRow>(concat!(
        "SELECT ",
        clerk_columns!(),
        ", c.password_hash FROM clerks c WHERE c.username = $1 AND c.active = 1"
    ))
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        // Spend the same effort as for a real account, so timing does not reveal usernames.
        let _ = hash_password(password).await;
        return Ok(None);
    };
    if !verify_password(password, row.password_hash).await? {
        return Ok(None);
    }
    let clerk = Clerk::from(row.clerk);
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO clerk_sessions (token_hash, clerk_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(hash_token(&token))
    .bind(clerk.id)
    .bind(ts(now + Duration::hours(SESSION_HOURS)))
    .execute(db.pool())
    .await?;
    sqlx::query("DELETE FROM clerk_sessions WHERE expires_at < $1")
        .bind(ts(now))
        .execute(db.pool())
        .await?;
    Ok(Some((token, clerk)))
}

/// The clerk of a live session.
pub async fn session(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Clerk>, sqlx::Error> {
    let row = sqlx::query_as::<_, ClerkRow>(concat!(
        "SELECT ",
        clerk_columns!(),
        " FROM clerk_sessions s JOIN clerks c ON c.id = s.clerk_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND c.active = 1"
    ))
    .bind(hash_token(token))
    .bind(ts(now))
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Clerk::from))
}

/// Ends a session.
pub async fn logout(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM clerk_sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every clerk, by user name, deactivated ones included.
pub async fn list(db: &Db) -> Result<Vec<Clerk>, sqlx::Error> {
    let rows = sqlx::query_as::<_, ClerkRow>(concat!(
        "SELECT ",
        clerk_columns!(),
        " FROM clerks c ORDER BY c.username"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Clerk::from).collect())
}

/// Grants or withdraws the admin role; false if there is no such clerk.
pub async fn set_admin(db: &Db, username: &str, admin: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE clerks SET is_admin = $1 WHERE username = $2")
        .bind(i64::from(admin))
        .bind(username)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets a new password and ends the clerk's sessions; false if there is no such clerk.
pub async fn reset_password(db: &Db, username: &str, password: &str) -> Result<bool, ClerkError> {
    let hash = hash_password(password).await?;
    let mut tx = db.begin().await?;
    let id: Option<i64> =
        sqlx::query_scalar("UPDATE clerks SET password_hash = $1 WHERE username = $2 RETURNING id")
            .bind(hash)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM clerk_sessions WHERE clerk_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A fresh password for a clerk: 16 random URL-safe characters.
pub fn generate_password() -> String {
    vamt_portal_storage::secret::random_token(12)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clerk(id: i64, location: i64, admin: bool) -> Clerk {
        Clerk {
            id,
            username: format!("c{id}"),
            display_name: format!("Clerk {id}"),
            is_admin: admin,
            active: true,
            location_id: Some(location),
        }
    }

    #[test]
    fn clerks_work_with_their_locations_appointments_and_their_own_calls() {
        let at = |location, clerk_id| Placement {
            location_id: Some(location),
            clerk_id,
        };
        let me = clerk(1, 10, false);
        assert_eq!(access(&me, at(10, Some(1)), false), Access::Own);
        assert_eq!(access(&me, at(10, None), false), Access::Own, "nobody's");
        assert_eq!(access(&me, at(10, Some(2)), false), Access::Location);
        assert_eq!(
            access(&me, at(10, Some(2)), true),
            Access::Own,
            "taken over"
        );
        assert_eq!(access(&me, at(20, Some(2)), false), Access::None);
        assert_eq!(access(&me, at(20, Some(1)), true), Access::None);
        let admin = clerk(3, 10, true);
        assert_eq!(access(&admin, at(20, Some(2)), false), Access::Location);
        assert_eq!(access(&admin, at(20, Some(2)), true), Access::Own);
        let nowhere = Clerk {
            location_id: None,
            ..clerk(4, 0, false)
        };
        assert_eq!(access(&nowhere, at(10, None), false), Access::None);
    }
}
