//! Room tokens: short-lived JWTs (HS256) signed by the portal, checked at join.
use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// What a participant may do in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person the appointment is for.
    Citizen,
    /// The office's clerk who runs the consultation.
    Clerk,
    /// An interpreter for the citizen: speaks, is seen, chats.
    Interpreter,
    /// A supervisor or trainee who follows the call: receives only, says nothing.
    Observer,
}

impl Role {
    /// Whether this role may send audio, camera or screen into the room.
    pub fn may_publish(self) -> bool {
        !matches!(self, Role::Observer)
    }

    /// Whether this role may write in the call's chat.
    pub fn may_chat(self) -> bool {
        !matches!(self, Role::Observer)
    }

    /// Whether this role runs the call: admits, mutes, removes, ends, asks for documents,
    /// signatures and payment. Only the clerk.
    pub fn may_moderate(self) -> bool {
        matches!(self, Role::Clerk)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Citizen => "citizen",
            Role::Clerk => "clerk",
            Role::Interpreter => "interpreter",
            Role::Observer => "observer",
        })
    }
}

/// The claims of a room token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomClaims {
    /// Stable identity of the person within the booking (not personal data: an opaque ID).
    pub sub: String,
    /// Display name shown to the others in the call.
    pub name: String,
    /// The room (`RM_…`) the token admits to.
    pub room: String,
    /// The booking the room belongs to.
    pub booking: String,
    /// The participant's role.
    pub role: Role,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// The participant enters the waiting room and is let in by the clerk (citizens,
    /// interpreters); without it the join is direct.
    #[serde(default)]
    pub lobby: bool,
    /// The room opens for this participant then (some minutes before the appointment),
    /// seconds since the Unix epoch; an earlier join is refused with `too_early`. Also
    /// orders the office's waiting queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<u64>,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// The token's lifetime is over.
    #[error("token expired")]
    Expired,
    /// Bad signature, bad format, or missing claims.
    #[error("token invalid")]
    Invalid,
    /// The token could not be signed (key problem).
    #[error("token could not be signed")]
    Signing,
}

/// The shared HS256 key that signs and checks room tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs `claims` into a compact JWT.
    pub fn sign(&self, claims: &RoomClaims) -> Result<String, TokenError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| TokenError::Signing)
    }

    /// Checks signature and expiry against `now` (seconds since the Unix epoch).
    pub fn verify(&self, token: &str, now: u64) -> Result<RoomClaims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the injected clock, so tests need no sleeping.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<RoomClaims>(token, &self.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_clerk_moderates_and_observers_only_watch() {
        let all = [
            Role::Citizen,
            Role::Clerk,
            Role::Interpreter,
            Role::Observer,
        ];
        let moderators: Vec<Role> = all.into_iter().filter(|r| r.may_moderate()).collect();
        assert_eq!(moderators, [Role::Clerk]);
        let silent: Vec<Role> = all
            .into_iter()
            .filter(|r| !r.may_publish() && !r.may_chat())
            .collect();
        assert_eq!(silent, [Role::Observer]);
        for r in all {
            // The wire name is the display name.
            assert_eq!(serde_json::to_string(&r).expect("json"), format!("\"{r}\""));
        }
    }

    fn claims(exp: u64) -> RoomClaims {
        RoomClaims {
            sub: "citizen-1".into(),
            name: "Erika".into(),
            room: "RM_abc".into(),
            booking: "BK_1".into(),
            role: Role::Citizen,
            iat: 1000,
            exp,
            lobby: true,
            opens_at: Some(1500),
        }
    }

    #[test]
    fn signed_token_verifies_before_expiry() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign(&claims(2000)).expect("sign");
        assert_eq!(keys.verify(&token, 1999), Ok(claims(2000)));
    }

    #[test]
    fn expired_token_is_refused_as_expired() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign(&claims(2000)).expect("sign");
        assert_eq!(keys.verify(&token, 2000), Err(TokenError::Expired));
        assert_eq!(keys.verify(&token, 99_999), Err(TokenError::Expired));
    }

    #[test]
    fn token_from_another_key_or_tampered_is_invalid() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::from_secret(b"fedcba9876543210fedcba9876543210");
        let token = other.sign(&claims(2000)).expect("sign");
        assert_eq!(keys.verify(&token, 1000), Err(TokenError::Invalid));
        let good = keys.sign(&claims(2000)).expect("sign");
        let mut tampered = good.clone();
        tampered.insert(good.len() / 2, 'x');
        assert_eq!(keys.verify(&tampered, 1000), Err(TokenError::Invalid));
        assert_eq!(keys.verify("not a token", 1000), Err(TokenError::Invalid));
    }
}
