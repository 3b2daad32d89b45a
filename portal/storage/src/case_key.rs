//! The key of one case. Every byte of the case's files, and their names, is sealed under it
//! (XChaCha20-Poly1305); the key itself is stored only wrapped, sealed by the vault's data
//! key. Erasing the wrapped key erases the case: what is left in the database, in a backup or
//! on a disk's free blocks no longer opens.
use crate::vault::Vault;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const NONCE_LEN: usize = 24;

/// Sealed bytes that do not open: another key, another place, or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed data does not open")]
pub struct SealError;

/// A case's key.
#[derive(Clone)]
pub struct CaseKey {
    cipher: XChaCha20Poly1305,
    raw: [u8; 32],
}

impl std::fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseKey(..)")
    }
}

impl CaseKey {
    /// A fresh random key.
    pub fn generate() -> CaseKey {
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        CaseKey::from_raw(raw)
    }

    fn from_raw(raw: [u8; 32]) -> CaseKey {
        CaseKey {
            cipher: XChaCha20Poly1305::new(&raw.into()),
            raw,
        }
    }

    /// The key sealed by `vault` for case `case` (a wrapped key copied to another case does
    /// not open there).
    pub fn wrap(&self, vault: &Vault, case: &str) -> String {
        vault.seal(&format!("cases.key:{case}"), &hex::encode(self.raw))
    }

    /// The key of case `case` from its wrapped form.
    pub fn unwrap(vault: &Vault, case: &str, wrapped: &str) -> Result<CaseKey, SealError> {
        let hex_key = vault
            .open(&format!("cases.key:{case}"), wrapped)
            .map_err(|_| SealError)?;
        let raw: [u8; 32] = hex::decode(hex_key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or(SealError)?;
        Ok(CaseKey::from_raw(raw))
    }

    /// Seals `bytes` for the place named by `context` (e.g. a chunk's document and offset,
    /// so a chunk moved or reordered does not open).
    pub fn seal(&self, context: &str, bytes: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: bytes,
            aad: context.as_bytes(),
        };
        // Encryption only fails for inputs beyond 256 GiB; chunks are at most 1 MiB.
        let ct = self
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Opens what [`CaseKey::seal`] sealed for `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError)
    }

    /// [`CaseKey::seal`] for text, as text (base64).
    pub fn seal_text(&self, context: &str, text: &str) -> String {
        STANDARD_NO_PAD.encode(self.seal(context, text.as_bytes()))
    }

    /// Opens what [`CaseKey::seal_text`] sealed.
    pub fn open_text(&self, context: &str, sealed: &str) -> Result<String, SealError> {
        let raw = STANDARD_NO_PAD.decode(sealed).map_err(|_| SealError)?;
        String::from_utf8(self.open(context, &raw)?).map_err(|_| SealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::from_hex(&"42".repeat(32)).expect("vault")
    }

    #[test]
    fn a_wrapped_key_opens_only_for_its_case_and_seals_only_for_its_place() {
        let key = CaseKey::generate();
        let wrapped = key.wrap(&vault(), "CS_1");
        let back = CaseKey::unwrap(&vault(), "CS_1", &wrapped).expect("unwraps");
        assert!(CaseKey::unwrap(&vault(), "CS_2", &wrapped).is_err());
        let other = Vault::from_hex(&"43".repeat(32)).expect("vault");
        assert!(CaseKey::unwrap(&other, "CS_1", &wrapped).is_err());

        let sealed = key.seal("chunk:DC_1:0", b"page one");
        assert_eq!(
            back.open("chunk:DC_1:0", &sealed).expect("opens"),
            b"page one"
        );
        assert!(back.open("chunk:DC_1:1048576", &sealed).is_err());
        assert!(CaseKey::generate().open("chunk:DC_1:0", &sealed).is_err());
        let mut altered = sealed.clone();
        if let Some(b) = altered.last_mut() {
            *b ^= 1;
        }
        assert!(back.open("chunk:DC_1:0", &altered).is_err());
        let name = key.seal_text("name:DC_1", "Meldebescheinigung.pdf");
        assert_eq!(
            back.open_text("name:DC_1", &name).expect("opens"),
            "Meldebescheinigung.pdf"
        );
    }
}
