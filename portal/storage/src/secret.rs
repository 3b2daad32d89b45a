//! Random secrets and their stored hashes.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A URL-safe random secret of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A random ID with a type prefix, e.g. `BK_…`.
pub fn random_id(prefix: &str) -> String {
    let mut buf = [0u8; 10];
    rand::rng().fill_bytes(&mut buf);
    format!("{prefix}{}", hex::encode(buf))
}

/// SHA-256 hex of a secret, for storage. Tokens are high-entropy, so no salt or slow hash is
/// needed (unlike passwords, which use Argon2id).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ (`subtle`; a length
/// difference returns early, lengths are not secret here).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Reads the secret at `path`, or creates it (32 random bytes, hex, owner-only) if missing.
pub fn load_or_create_secret(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s.trim().as_bytes().to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut buf = [0u8; 32];
            rand::rng().fill_bytes(&mut buf);
            let secret = hex::encode(buf);
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(path)?;
            std::io::Write::write_all(&mut f, secret.as_bytes())?;
            f.sync_all()?;
            Ok(secret.into_bytes())
        }
        Err(e) => Err(e),
    }
}

/// The generated key `name` in `key_dir`, created there if missing. A key that an older
/// install generated in `legacy_dir` (the data directory, where every backup of the data
/// carried it) is moved to `key_dir` first; returns whether it was.
pub fn load_or_move_key(
    key_dir: &std::path::Path,
    legacy_dir: &std::path::Path,
    name: &str,
) -> std::io::Result<(Vec<u8>, bool)> {
    crate::private_file::dir(key_dir)?;
    let path = key_dir.join(name);
    let old = legacy_dir.join(name);
    let mut moved = false;
    if !path.exists() && old.exists() {
        let key = std::fs::read(&old)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&path)?;
        std::io::Write::write_all(&mut f, &key)?;
        f.sync_all()?;
        std::fs::remove_file(&old)?;
        moved = true;
    }
    crate::private_file::restrict(&path)?;
    Ok((load_or_create_secret(&path)?, moved))
}
