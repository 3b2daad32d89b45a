//! A self-hosted proof-of-work challenge in the format of ALTCHA (which Berlin's ZMS
//! uses): the browser finds the number `n ≤ maxnumber` with `SHA-256(salt ‖ n) =
//! challenge` — a second of a phone's time for one booking, a day's CPU for a bot that wants
//! thousands — and sends it back signed as it came. No third party, no cookie, no tracking.
//!
//! Pure apart from [`spend`]: challenges are signed with a key only the server has (no
//! state while the browser works), and a solved one is spent once in the database, so it
//! cannot be replayed on this node or another.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};

use vamt_portal_storage::db::{ts, Db};
use vamt_portal_storage::secret::constant_time_eq;

/// The one algorithm offered.
pub const ALGORITHM: &str = "SHA-256";

/// What the browser gets (ALTCHA's challenge JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Challenge {
    /// `SHA-256`.
    pub algorithm: String,
    /// Hex SHA-256 of `salt` followed by the secret number in decimal.
    pub challenge: String,
    /// The number lies in `0..=maxnumber`.
    pub maxnumber: u64,
    /// Random, with `?expires=<unix seconds>` at its end.
    pub salt: String,
    /// The server's signature of `challenge`.
    pub signature: String,
}

/// What the browser sends back, base64 of this JSON (ALTCHA's payload).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Solution {
    algorithm: String,
    challenge: String,
    number: u64,
    salt: String,
    signature: String,
}

/// Why a proof is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    /// Not base64 of the solution JSON.
    #[error("malformed proof")]
    Malformed,
    /// Not signed by this server, or another algorithm.
    #[error("proof not issued here")]
    Forged,
    /// Its time is over.
    #[error("proof expired")]
    Expired,
    /// The number does not solve the challenge.
    #[error("wrong solution")]
    Wrong,
    /// Used before.
    #[error("proof used before")]
    Replayed,
    /// The database failed.
    #[error("database error: {0}")]
    Db(String),
}

fn digest(salt: &str, number: u64) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(number.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// How long a challenge stays valid: time to fill in the form. A salt that claims a later
/// expiry is refused whatever its signature, so moving a solution's digits into the salt
/// (which keeps `salt ‖ number`, hence the signed digest, the same) cannot stretch it.
pub const VALIDITY: chrono::Duration = chrono::Duration::minutes(10);

/// A new challenge that expires at `expires`, signed by `sign`. The salt is
/// `<24 hex digits>?max=<maxnumber>&expires=<unix seconds>`: the digest covers it and the
/// signature the digest, so the range and expiry the server chose cannot be changed.
pub fn issue(maxnumber: u64, expires: DateTime<Utc>, sign: impl Fn(&str) -> String) -> Challenge {
    let mut rng = rand::rng();
    let salt = format!(
        "{}?max={maxnumber}&expires={}",
        hex::encode(rng.random::<[u8; 12]>()),
        expires.timestamp()
    );
    let number = rng.random_range(0..=maxnumber);
    let challenge = digest(&salt, number);
    Challenge {
        algorithm: ALGORITHM.to_owned(),
        signature: sign(&challenge),
        challenge,
        maxnumber,
        salt,
    }
}

/// A decimal number as the server writes one: digits only, no leading zero.
fn canonical_number(s: &str) -> Option<u64> {
    let ok = !s.is_empty()
        && s.len() <= 19
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

/// The range and expiry of a salt in exactly the form [`issue`] writes, or `None`.
fn parse_salt(salt: &str) -> Option<(u64, i64)> {
    let (random, params) = salt.split_once("?max=")?;
    if random.len() != 24
        || !random
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let (max, expires) = params.split_once("&expires=")?;
    let expires = i64::try_from(canonical_number(expires)?).ok()?;
    Some((canonical_number(max)?, expires))
}

/// Checks a proof: issued here (canonical salt, signed digest), not expired and not
/// claiming more than [`VALIDITY`] from `now`, its number within the issued range, solved.
/// Returns the challenge, to [`spend`].
pub fn verify(
    payload: &str,
    now: DateTime<Utc>,
    sign: impl Fn(&str) -> String,
) -> Result<(String, DateTime<Utc>), PowError> {
    let raw = STANDARD
        .decode(payload.trim())
        .map_err(|_| PowError::Malformed)?;
    let s: Solution = serde_json::from_slice(&raw).map_err(|_| PowError::Malformed)?;
    if s.algorithm != ALGORITHM || !constant_time_eq(&sign(&s.challenge), &s.signature) {
        return Err(PowError::Forged);
    }
    let (maxnumber, expires) = parse_salt(&s.salt).ok_or(PowError::Malformed)?;
    let expires = DateTime::from_timestamp(expires, 0).ok_or(PowError::Malformed)?;
    if expires <= now {
        return Err(PowError::Expired);
    }
    // A minute's grace for a clock step between issuing and checking.
    if expires > now + VALIDITY + chrono::Duration::minutes(1) || s.number > maxnumber {
        return Err(PowError::Forged);
    }
    // The signature covers the challenge, and the challenge is the digest of the salt: a
    // salt changed to expire later no longer matches.
    if !constant_time_eq(&digest(&s.salt, s.number), &s.challenge) {
        return Err(PowError::Wrong);
    }
    Ok((s.challenge, expires))
}

/// Solves a challenge (what the browser's script does); for tests and the load generator.
pub fn solve(c: &Challenge) -> Option<String> {
    let number = (0..=c.maxnumber).find(|n| digest(&c.salt, *n) == c.challenge)?;
    let payload = serde_json::json!({
        "algorithm": c.algorithm,
        "challenge": c.challenge,
        "number": number,
        "salt": c.salt,
        "signature": c.signature,
    });
    Some(STANDARD.encode(payload.to_string()))
}

/// Marks a verified challenge used; `Replayed` if it was. Spent challenges are kept until
/// they expire (then a replay fails as expired) and pruned after.
pub async fn spend(
    db: &Db,
    challenge: &str,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PowError> {
    sqlx::query("DELETE FROM pow_spent WHERE expires_at < $1")
        .bind(ts(now))
        .execute(db.pool())
        .await
        .map_err(|e| PowError::Db(e.to_string()))?;
    match sqlx::query("INSERT INTO pow_spent (challenge, expires_at) VALUES ($1, $2)")
        .bind(challenge)
        .bind(ts(expires))
        .execute(db.pool())
        .await
    {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(PowError::Replayed),
        Err(e) => Err(PowError::Db(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(c: &str) -> String {
        format!("sig:{c}")
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).expect("time")
    }

    #[test]
    fn a_solved_challenge_verifies_until_it_expires() {
        let c = issue(2_000, at(300), sign);
        assert_eq!(c.algorithm, "SHA-256");
        assert!(c
            .salt
            .ends_with(&format!("?max=2000&expires={}", at(300).timestamp())));
        let proof = solve(&c).expect("solvable");
        assert_eq!(
            verify(&proof, at(0), sign).map(|v| v.0),
            Ok(c.challenge.clone())
        );
        assert_eq!(verify(&proof, at(300), sign), Err(PowError::Expired));
    }

    #[test]
    fn forged_tampered_and_wrong_proofs_are_refused() {
        let c = issue(500, at(300), sign);
        let proof = solve(&c).expect("solvable");
        let decoded: serde_json::Value =
            serde_json::from_slice(&STANDARD.decode(&proof).expect("b64")).expect("json");
        let with = |key: &str, value: serde_json::Value| {
            let mut v = decoded.clone();
            v[key] = value;
            STANDARD.encode(v.to_string())
        };
        assert_eq!(verify("%%%", at(0), sign), Err(PowError::Malformed));
        assert_eq!(
            verify(&STANDARD.encode("{}"), at(0), sign),
            Err(PowError::Malformed)
        );
        assert_eq!(
            verify(&with("signature", "sig:other".into()), at(0), sign),
            Err(PowError::Forged)
        );
        assert_eq!(
            verify(&with("algorithm", "SHA-1".into()), at(0), sign),
            Err(PowError::Forged)
        );
        let wrong = (decoded["number"].as_u64().expect("n") + 1) % 501;
        assert_eq!(
            verify(&with("number", wrong.into()), at(0), sign),
            Err(PowError::Wrong)
        );
        // A later expiry written into the salt breaks the digest, or claims more than a
        // challenge's validity.
        let random = c.salt.split('?').next().expect("salt");
        let later = format!("{random}?max=500&expires={}", at(9_000).timestamp());
        assert_eq!(
            verify(&with("salt", later.into()), at(400), sign),
            Err(PowError::Forged)
        );
        let later = format!("{random}?max=500&expires={}", at(500).timestamp());
        assert_eq!(
            verify(&with("salt", later.into()), at(400), sign),
            Err(PowError::Wrong)
        );
        // Salts not in the server's own form.
        for salt in [
            format!("{random}?expires={}", at(300).timestamp()),
            format!("{random}?max=0500&expires={}", at(300).timestamp()),
            format!("{random}?max=500&expires=0{}", at(300).timestamp()),
            format!("{random}x?max=500&expires={}", at(300).timestamp()),
        ] {
            assert_eq!(
                verify(&with("salt", salt.clone().into()), at(0), sign),
                Err(PowError::Malformed),
                "{salt}"
            );
        }
    }

    #[test]
    fn a_solutions_digits_moved_into_the_salt_do_not_stretch_its_expiry() {
        // The attack: `salt ‖ number` is what the signed digest covers, so the first digits
        // of the number appended to the salt keep the digest and make the expiry ten or a
        // hundred times later (centuries).
        let c = (0..)
            .map(|_| issue(5_000, at(300), sign))
            .find(|c| {
                let p = solve(c).expect("solvable");
                let v: serde_json::Value =
                    serde_json::from_slice(&STANDARD.decode(p).expect("b64")).expect("json");
                let n = v["number"].as_u64().expect("n").to_string();
                n.len() >= 3 && !n[1..].contains('0')
            })
            .expect("a challenge with a solution of three digits, no zero after the first");
        let proof = solve(&c).expect("solvable");
        let v: serde_json::Value =
            serde_json::from_slice(&STANDARD.decode(&proof).expect("b64")).expect("json");
        let number = v["number"].as_u64().expect("n").to_string();
        for moved in 1..number.len() {
            let (go, stay) = number.split_at(moved);
            let mut forged = v.clone();
            forged["salt"] = format!("{}{go}", c.salt).into();
            forged["number"] = stay.parse::<u64>().expect("digits").into();
            let forged = STANDARD.encode(forged.to_string());
            assert_eq!(
                verify(&forged, at(0), sign),
                Err(PowError::Forged),
                "{moved} digit(s) moved"
            );
        }
        // A number beyond the issued range is refused, solved or not.
        let mut big = v.clone();
        big["number"] = 5_001.into();
        assert_eq!(
            verify(&STANDARD.encode(big.to_string()), at(0), sign),
            Err(PowError::Forged)
        );
        assert!(verify(&proof, at(0), sign).is_ok());
    }
}
