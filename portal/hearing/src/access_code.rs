//! The access code printed on a hearing letter: 19 random symbols and a check symbol, from
//! an alphabet of 31 that a person reads and types without doubt, written in five groups of
//! four (`7KQ2-M9XB-…`).
//!
//! - **Strength:** 19 symbols of 31 are 94 bits (log2 31 = 4.95 per symbol), above the 80
//!   the office asked for, so the code alone withstands guessing even without the login's
//!   back-off.
//! - **Alphabet:** the digits 2–9 and the capitals without I, L and O: 0/O, 1/I/L are the
//!   pairs people mix up on paper. 31 is prime, which the check needs.
//! - **Check symbol:** the weighted sum `Σ (i+1)·v(i)` over all 20 symbols is 0 modulo 31.
//!   A substitution at position `i` changes the sum by `(i+1)·d` with `0 < d < 31`; an
//!   adjacent swap by `(v(i+1) − v(i))·((i+1) − (i+2))`. Both are products of numbers not
//!   divisible by the prime 31, so neither is ever 0: every single typo and every adjacent
//!   swap is caught (tested exhaustively below), and the page can say "typo" before any
//!   hash is spent.
//!
//! Only a slow hash of the code is stored (`hash`); the letter is the one place it exists
//! in clear.
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// The 31 symbols, in value order.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Random symbols in a code.
pub const RANDOM_SYMBOLS: usize = 19;
/// Symbols in a code, the check symbol included.
pub const SYMBOLS: usize = RANDOM_SYMBOLS + 1;
const MODULUS: u32 = 31;
const GROUP: usize = 4;

/// A well-formed access code (its check symbol holds).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode([u8; SYMBOLS]);

impl std::fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A code is a credential: never in a log line, also not by `{:?}`.
        f.write_str("AccessCode(..)")
    }
}

/// Why typed text is not an access code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Too few or too many symbols.
    #[error("an access code has {SYMBOLS} characters")]
    Length,
    /// A character the alphabet does not have.
    #[error("an access code has no such character")]
    Character,
    /// The check symbol does not hold: a typo.
    #[error("the access code has a typo")]
    Check,
}

fn value(symbol: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&s| s == symbol)
        .and_then(|p| u32::try_from(p).ok())
}

fn weighted_sum(symbols: &[u8]) -> u32 {
    symbols
        .iter()
        .zip(1u32..)
        .map(|(&s, w)| w * value(s).unwrap_or(0))
        .sum::<u32>()
        % MODULUS
}

impl AccessCode {
    /// A new random code.
    pub fn generate() -> AccessCode {
        let mut rng = rand::rng();
        let mut symbols = [0u8; SYMBOLS];
        for s in symbols.iter_mut().take(RANDOM_SYMBOLS) {
            *s = ALPHABET[rng.random_range(0..ALPHABET.len())];
        }
        symbols[RANDOM_SYMBOLS] = check_symbol(&symbols[..RANDOM_SYMBOLS]);
        AccessCode(symbols)
    }

    /// Reads a typed or scanned code: case, spaces and dashes do not matter.
    pub fn parse(typed: &str) -> Result<AccessCode, CodeError> {
        let mut symbols = Vec::with_capacity(SYMBOLS);
        for c in typed.chars() {
            if c.is_whitespace() || c == '-' || c == '\u{2010}' || c == '\u{2011}' {
                continue;
            }
            let c = c.to_ascii_uppercase();
            let byte = u8::try_from(c).map_err(|_| CodeError::Character)?;
            if value(byte).is_none() {
                return Err(if symbols.len() >= SYMBOLS {
                    CodeError::Length
                } else {
                    CodeError::Character
                });
            }
            symbols.push(byte);
            if symbols.len() > SYMBOLS {
                return Err(CodeError::Length);
            }
        }
        let symbols: [u8; SYMBOLS] = symbols.try_into().map_err(|_| CodeError::Length)?;
        if weighted_sum(&symbols) != 0 {
            return Err(CodeError::Check);
        }
        Ok(AccessCode(symbols))
    }

    /// The code as printed: five groups of four, joined by dashes.
    pub fn grouped(&self) -> String {
        self.0
            .chunks(GROUP)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The code without separators, as the QR link carries it.
    pub fn plain(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Bits of chance in a code: what a guesser faces.
    pub fn entropy_bits() -> f64 {
        RANDOM_SYMBOLS as f64 * f64::from(MODULUS).log2()
    }

    /// The code's slow hash (Argon2id, random salt) as a PHC string.
    pub fn hash(&self) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(&self.0, &salt)
            .map(|h| h.to_string())
            .map_err(|_| HashError)
    }

    /// Whether this code is the one hashed as `stored`. A stored value that is not a hash
    /// (an unknown case, a case without a letter yet) matches nothing, after the same work
    /// as a real check: one Argon2 verification either way.
    pub fn verify(&self, stored: Option<&str>) -> bool {
        let parsed = stored.and_then(|s| PasswordHash::new(s).ok());
        match parsed {
            Some(hash) => self.argon2(&hash),
            None => {
                // Against a hash nobody's code matches, so an unknown case number answers
                // as slowly as a wrong code.
                let decoy = PasswordHash::new(decoy()).map(|h| self.argon2(&h));
                let _ = std::hint::black_box(decoy);
                false
            }
        }
    }

    fn argon2(&self, hash: &PasswordHash<'_>) -> bool {
        VERIFICATIONS.with(|n| n.set(n.get() + 1));
        Argon2::default().verify_password(&self.0, hash).is_ok()
    }
}

thread_local! {
    /// Argon2 verifications run on this thread: the code path's own count, which the
    /// enumeration tests read instead of a clock.
    static VERIFICATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many Argon2 verifications [`AccessCode::verify`] has run on this thread.
pub fn verifications_on_this_thread() -> u64 {
    VERIFICATIONS.with(std::cell::Cell::get)
}

/// Hashing failed (the parameters are fixed, so only a broken system gets here).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the access code could not be hashed")]
pub struct HashError;

/// A hash of a code that was never issued, with the same parameters as real ones: the work
/// an unknown case number costs.
fn decoy() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        AccessCode::generate()
            .hash()
            .unwrap_or_else(|_| String::new())
    });
    &DECOY
}

fn check_symbol(random: &[u8]) -> u8 {
    // The check symbol has weight SYMBOLS; find v with (partial + SYMBOLS·v) ≡ 0.
    let partial = weighted_sum(random);
    let weight = u32::try_from(SYMBOLS).unwrap_or(1) % MODULUS;
    let v = (0..MODULUS)
        .find(|v| (partial + weight * v).is_multiple_of(MODULUS))
        .unwrap_or(0);
    ALPHABET[v as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_at_least_80_bits_and_reads_back_in_any_spelling() {
        assert!(AccessCode::entropy_bits() >= 80.0);
        assert!(AccessCode::entropy_bits() > 94.0);
        for _ in 0..200 {
            let code = AccessCode::generate();
            let grouped = code.grouped();
            assert_eq!(grouped.len(), SYMBOLS + SYMBOLS / GROUP - 1);
            assert_eq!(AccessCode::parse(&grouped), Ok(code.clone()));
            assert_eq!(
                AccessCode::parse(&format!(" {} ", grouped.to_lowercase().replace('-', " "))),
                Ok(code.clone())
            );
            assert_eq!(AccessCode::parse(&code.plain()), Ok(code));
        }
    }

    #[test]
    fn ambiguous_characters_are_not_in_the_alphabet() {
        for c in b"01ILO" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        let mut seen = ALPHABET.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 31);
    }

    #[test]
    fn every_single_typo_and_every_adjacent_swap_is_caught() {
        for _ in 0..50 {
            let code = AccessCode::generate();
            let symbols = code.0;
            for i in 0..SYMBOLS {
                for &other in ALPHABET {
                    if other == symbols[i] {
                        continue;
                    }
                    let mut typo = symbols;
                    typo[i] = other;
                    let text = String::from_utf8_lossy(&typo).into_owned();
                    assert_eq!(AccessCode::parse(&text), Err(CodeError::Check), "{i}");
                }
                if i + 1 < SYMBOLS && symbols[i] != symbols[i + 1] {
                    let mut swapped = symbols;
                    swapped.swap(i, i + 1);
                    let text = String::from_utf8_lossy(&swapped).into_owned();
                    assert_eq!(AccessCode::parse(&text), Err(CodeError::Check), "swap {i}");
                }
            }
        }
    }

    #[test]
    fn wrong_lengths_and_characters_are_told_apart() {
        let code = AccessCode::generate().plain();
        assert_eq!(AccessCode::parse(&code[1..]), Err(CodeError::Length));
        assert_eq!(
            AccessCode::parse(&format!("{code}2")),
            Err(CodeError::Length)
        );
        assert_eq!(
            AccessCode::parse(&format!("O{}", &code[1..])),
            Err(CodeError::Character)
        );
        assert_eq!(AccessCode::parse("Ä"), Err(CodeError::Character));
        assert_eq!(AccessCode::parse(""), Err(CodeError::Length));
    }

    #[test]
    fn an_unknown_case_costs_the_same_argon2_verification_as_a_wrong_code() {
        let code = AccessCode::generate();
        let hash = AccessCode::generate().hash().expect("hash");
        for stored in [None, Some("not a hash"), Some(hash.as_str())] {
            let before = verifications_on_this_thread();
            assert!(!code.verify(stored));
            assert_eq!(verifications_on_this_thread(), before + 1, "{stored:?}");
        }
    }

    #[test]
    fn only_the_hashed_code_verifies() {
        let code = AccessCode::generate();
        let hash = code.hash().expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains(&code.plain()));
        assert!(code.verify(Some(&hash)));
        assert!(!AccessCode::generate().verify(Some(&hash)));
        assert!(!code.verify(None));
        assert!(!code.verify(Some("not a hash")));
    }

    #[test]
    fn debug_never_shows_the_code() {
        let code = AccessCode::generate();
        assert!(!format!("{code:?}").contains(&code.plain()[..6]));
    }
}
