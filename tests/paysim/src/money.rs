//! Decimal amounts as integer minor units, never through `f64`: the simulators compare
//! sums the way a bookkeeping system does, so that a client rounding through floats is
//! caught rather than imitated.

/// Why a decimal text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Not a number in the accepted syntax.
    Syntax,
    /// More decimals than the scale allows (and not just trailing zeros).
    TooPrecise,
    /// Too many digits to be an amount at all.
    TooLarge,
}

/// `text` (a JSON number token: sign, digits, optional fraction and exponent) as an
/// integer count of `10^-scale` units. `"29.00"`, `"29"`, `"2.9e1"` are all 2900 at scale 2;
/// `"0.001"` is `TooPrecise`.
pub(crate) fn parse_decimal(text: &str, scale: u32) -> Result<i128, DecimalError> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => {
            let exp_text = &rest[i + 1..];
            let exp_text = exp_text.strip_prefix('+').unwrap_or(exp_text);
            let (exp_neg, digits) = match exp_text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, exp_text),
            };
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(DecimalError::Syntax);
            }
            let value: i32 = digits.parse().map_err(|_| DecimalError::Syntax)?;
            (&rest[..i], if exp_neg { -value } else { value })
        }
        None => (rest, 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => {
            if f.is_empty() {
                return Err(DecimalError::Syntax);
            }
            (i, f)
        }
        None => (mantissa, ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(DecimalError::Syntax);
    }
    let digits: String = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    // The value is digits × 10^-(point); scaled to units it is digits × 10^(scale - point).
    let point =
        i64::try_from(frac.len()).map_err(|_| DecimalError::TooLarge)? - i64::from(exponent);
    let shift = i64::from(scale) - point;
    if digits.is_empty() {
        return Ok(0);
    }
    let (digits, shift) = if shift < 0 {
        // Dropping decimals is allowed only where they are zeros.
        let drop = usize::try_from(-shift).map_err(|_| DecimalError::TooPrecise)?;
        if drop >= digits.len() || !digits[digits.len() - drop..].bytes().all(|b| b == b'0') {
            return Err(DecimalError::TooPrecise);
        }
        (&digits[..digits.len() - drop], 0)
    } else {
        (digits, shift)
    };
    let shift = usize::try_from(shift).map_err(|_| DecimalError::TooLarge)?;
    if digits.len() + shift > 30 {
        return Err(DecimalError::TooLarge);
    }
    let mut value: i128 = digits.parse().map_err(|_| DecimalError::Syntax)?;
    for _ in 0..shift {
        value *= 10;
    }
    Ok(if negative { -value } else { value })
}

/// Minor units (scale 2) as the decimal text PayPal and the pay pages use: `2900` → `"29.00"`.
pub(crate) fn format_minor(minor: i128) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Whether `text` is a PayPal money value: digits with an optional fraction, nothing else
/// (no sign, no exponent: PayPal's `value` is a string, not a JSON number).
pub(crate) fn is_plain_decimal(text: &str) -> bool {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    !int.is_empty()
        && int.len() <= 10
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("29.00", 2), Ok(2900));
        assert_eq!(parse_decimal("29", 2), Ok(2900));
        assert_eq!(parse_decimal("2.9e1", 2), Ok(2900));
        assert_eq!(parse_decimal("290E-1", 2), Ok(2900));
        assert_eq!(parse_decimal("0.1", 2), Ok(10));
        assert_eq!(parse_decimal("0", 2), Ok(0));
        assert_eq!(parse_decimal("-1.5", 2), Ok(-150));
        assert_eq!(parse_decimal("1.500", 2), Ok(150));
        assert_eq!(parse_decimal("0.001", 2), Err(DecimalError::TooPrecise));
        assert_eq!(parse_decimal("1.", 2), Err(DecimalError::Syntax));
        assert_eq!(parse_decimal("\"1\"", 2), Err(DecimalError::Syntax));
        assert_eq!(parse_decimal("1e9999", 2), Err(DecimalError::Syntax));
        assert_eq!(parse_decimal("1e99", 2), Err(DecimalError::TooLarge));
        assert_eq!(parse_decimal("3", 0), Ok(3));
        assert_eq!(parse_decimal("3.5", 0), Err(DecimalError::TooPrecise));
        assert_eq!(format_minor(2900), "29.00");
        assert_eq!(format_minor(5), "0.05");
        assert!(is_plain_decimal("29.00"));
        assert!(!is_plain_decimal("-1"));
        assert!(!is_plain_decimal("1e2"));
        assert!(!is_plain_decimal("1."));
    }
}
