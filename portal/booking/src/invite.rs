//! Guests in one call: the clerk invites an interpreter (or a colleague who follows the
//! call) by a link with its own role. The guest waits in the waiting room like the citizen
//! and is let in by the clerk; the link works until two hours after the appointment's end
//! or until the clerk withdraws it. The key is stored only hashed, the name sealed.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_storage::db::Db;
use vamt_portal_storage::secret::{hash_token, random_id, random_token};
use vamt_portal_storage::vault::Vault;

use crate::booking::{self, Booking, BookingError};

/// How long after the appointment's end an invitation still works: a consultation that
/// runs over keeps its interpreter.
pub const GRACE: chrono::Duration = chrono::Duration::hours(2);

/// The part a guest takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuestRole {
    /// Hears and speaks for the citizen; sees documents only as the clerk shows them.
    Interpreter,
    /// A colleague who follows the call: receives only.
    Observer,
}

impl GuestRole {
    /// The stored word (and the signalling role's).
    pub fn as_str(self) -> &'static str {
        match self {
            GuestRole::Interpreter => "interpreter",
            GuestRole::Observer => "observer",
        }
    }

    fn parse(word: &str) -> Option<GuestRole> {
        Some(match word {
            "interpreter" => GuestRole::Interpreter,
            "observer" => GuestRole::Observer,
            _ => return None,
        })
    }
}

/// An invitation.
#[derive(Debug, Clone, Serialize)]
pub struct Invite {
    /// `IV_…`
    pub id: String,
    /// The booking whose call it opens.
    pub booking_id: String,
    /// The part the guest takes.
    pub role: GuestRole,
    /// The guest's name as the others see it.
    pub name: String,
    /// Until when the link works.
    pub expires_at: DateTime<Utc>,
}

fn name_context(id: &str) -> String {
    format!("call_invites.name:{id}")
}

/// Invites `name` as `role` into the call of `b`, by clerk `clerk`; returns the invitation
/// and the link's key (shown once, to the clerk).
pub async fn create(
    db: &Db,
    vault: &Vault,
    b: &Booking,
    role: GuestRole,
    name: &str,
    clerk: i64,
    now: DateTime<Utc>,
) -> Result<(Invite, String), BookingError> {
    let name = booking::valid_name(name)?;
    let id = random_id("IV_");
    let key = random_token(24);
    let expires_at = b.ends_at + GRACE;
    sqlx::query(
        "INSERT INTO call_invites (id, booking_id, role, name_sealed, key_hash, created_by, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&b.id)
    .bind(role.as_str())
    .bind(vault.seal(&name_context(&id), &name))
    .bind(hash_token(&key))
    .bind(clerk)
    .bind(ts(now))
    .bind(ts(expires_at))
    .execute(db.pool())
    .await?;
    Ok((
        Invite {
            id,
            booking_id: b.id.clone(),
            role,
            name,
            expires_at,
        },
        key,
    ))
}

/// The invitation `id` for booking `booking` if `key` is its key and it still works.
pub async fn find_by_key(
    db: &Db,
    vault: &Vault,
    booking: &str,
    id: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Invite>, BookingError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        role: String,
        name_sealed: String,
        key_hash: String,
        expires_at: String,
        revoked_at: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT role, name_sealed, key_hash, expires_at, revoked_at FROM call_invites \
         WHERE id = $1 AND booking_id = $2",
    )
    .bind(id)
    .bind(booking)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let expires_at = parse_ts(&row.expires_at).unwrap_or_default();
    let right = vamt_portal_storage::secret::constant_time_eq(&row.key_hash, &hash_token(key));
    if !right || row.revoked_at.is_some() || now >= expires_at {
        return Ok(None);
    }
    let (Some(role), Ok(name)) = (
        GuestRole::parse(&row.role),
        vault.open(&name_context(id), &row.name_sealed),
    ) else {
        return Ok(None);
    };
    Ok(Some(Invite {
        id: id.to_owned(),
        booking_id: booking.to_owned(),
        role,
        name,
        expires_at,
    }))
}

/// Withdraws invitation `id` of `booking`; false if there is none.
pub async fn revoke(
    db: &Db,
    booking: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, BookingError> {
    let done = sqlx::query(
        "UPDATE call_invites SET revoked_at = $1 WHERE id = $2 AND booking_id = $3 \
         AND revoked_at IS NULL",
    )
    .bind(ts(now))
    .bind(id)
    .bind(booking)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(done == 1)
}
