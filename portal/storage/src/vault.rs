//! Encryption of personal data at rest: names and e-mail addresses are stored sealed with
//! XChaCha20-Poly1305 under a key that lives outside the database. A copied database file
//! alone reveals no one.
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The key is not 32 bytes of hex.
    #[error("data key must be 64 hexadecimal characters")]
    BadKey,
    /// Not a value this vault sealed (format).
    #[error("sealed value has an unknown format")]
    Format,
    /// Wrong key, wrong field, or the value was altered.
    #[error("sealed value does not open with this key")]
    Open,
}

/// Seals and opens personal data fields.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
    /// For blind indexes: derived from the data key, never the key itself.
    index_key: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    /// A vault from a 64-character hex key.
    pub fn from_hex(hex_key: &str) -> Result<Self, VaultError> {
        let key = crate::config::parse_data_key(hex_key).ok_or(VaultError::BadKey)?;
        use sha2::Digest;
        let index_key: [u8; 32] = sha2::Sha256::new()
            .chain_update(b"vamt blind index v1")
            .chain_update(key)
            .finalize()
            .into();
        Ok(Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
            index_key,
        })
    }

    /// Seals `plaintext` for the field named by `context` (e.g. `bookings.email:BK_…`): a
    /// sealed value copied into another row or column does not open there.
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption only fails for inputs beyond 256 GiB.
        let ct = self
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out))
    }

    /// A blind index of `value` for `context`: equal values give equal indexes, so the
    /// database can find "the bookings of this e-mail address" without holding the address;
    /// without the data key the index reveals nothing (HMAC-SHA-256 under a derived key).
    pub fn blind_index(&self, context: &str, value: &str) -> String {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.index_key) else {
            // HMAC takes keys of any length; this never happens.
            return String::new();
        };
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        format!("i1:{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// Opens a value sealed for `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, VaultError> {
        let b64 = sealed.strip_prefix(PREFIX).ok_or(VaultError::Format)?;
        let raw = STANDARD_NO_PAD
            .decode(b64)
            .map_err(|_| VaultError::Format)?;
        if raw.len() < NONCE_LEN {
            return Err(VaultError::Format);
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| VaultError::Format)?;
        let payload = Payload {
            msg: ct,
            aad: context.as_bytes(),
        };
        let pt = self
            .cipher
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| VaultError::Open)?;
        String::from_utf8(pt).map_err(|_| VaultError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn blind_indexes_match_equal_values_only_and_depend_on_the_key() {
        let v = Vault::from_hex(KEY).expect("key");
        let a = v.blind_index("bookings.email", "erika@example.org");
        assert_eq!(a, v.blind_index("bookings.email", "erika@example.org"));
        assert_ne!(a, v.blind_index("bookings.email", "erik@example.org"));
        assert_ne!(a, v.blind_index("clerks.email", "erika@example.org"));
        assert!(!a.contains("erika"));
        let other = Vault::from_hex(&"ab".repeat(32)).expect("key");
        assert_ne!(a, other.blind_index("bookings.email", "erika@example.org"));
    }

    #[test]
    fn seals_and_opens_with_context() {
        let v = Vault::from_hex(KEY).expect("key");
        let sealed = v.seal("bookings.email:BK_1", "erika@example.org");
        assert!(!sealed.contains("erika"));
        assert_ne!(
            sealed,
            v.seal("bookings.email:BK_1", "erika@example.org"),
            "fresh nonce each time"
        );
        assert_eq!(
            v.open("bookings.email:BK_1", &sealed).as_deref(),
            Ok("erika@example.org")
        );
    }

    #[test]
    fn refuses_other_context_key_or_tampering() {
        let v = Vault::from_hex(KEY).expect("key");
        let sealed = v.seal("bookings.email:BK_1", "erika@example.org");
        assert_eq!(
            v.open("bookings.email:BK_2", &sealed),
            Err(VaultError::Open)
        );
        assert_eq!(
            v.open("bookings.citizen_name:BK_1", &sealed),
            Err(VaultError::Open)
        );
        let other = Vault::from_hex(&"ab".repeat(32)).expect("key");
        assert_eq!(
            other.open("bookings.email:BK_1", &sealed),
            Err(VaultError::Open)
        );
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert_eq!(
            v.open("bookings.email:BK_1", &tampered),
            Err(VaultError::Open)
        );
        assert_eq!(v.open("x", "plain text"), Err(VaultError::Format));
        assert_eq!(v.open("x", "v1:!!"), Err(VaultError::Format));
        assert_eq!(v.open("x", "v1:AAAA"), Err(VaultError::Format));
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(Vault::from_hex("abc").is_err());
        assert!(Vault::from_hex(&"zz".repeat(32)).is_err());
        assert!(Vault::from_hex(&"ab".repeat(16)).is_err());
    }
}
