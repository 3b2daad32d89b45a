//! A zero-copy STUN message reader and a small writer (RFC 8489 §5, §14).
use std::net::{IpAddr, SocketAddr};

/// The fixed magic cookie of RFC 5389 and later.
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
/// The size of the STUN header.
pub const HEADER_LEN: usize = 20;

/// Method Binding.
pub const METHOD_BINDING: u16 = 0x001;
/// Class bits of a request.
pub const CLASS_REQUEST: u16 = 0x0000;
/// Class bits of an indication.
pub const CLASS_INDICATION: u16 = 0x0010;
/// Class bits of a success response.
pub const CLASS_SUCCESS: u16 = 0x0100;
/// Class bits of an error response.
pub const CLASS_ERROR: u16 = 0x0110;

/// Attribute XOR-MAPPED-ADDRESS.
pub const ATTR_XOR_MAPPED_ADDRESS: u16 = 0x0020;
/// Attribute SOFTWARE.
pub const ATTR_SOFTWARE: u16 = 0x8022;
/// Attribute FINGERPRINT.
pub const ATTR_FINGERPRINT: u16 = 0x8028;
/// Attribute ERROR-CODE.
pub const ATTR_ERROR_CODE: u16 = 0x0009;
/// Attribute UNKNOWN-ATTRIBUTES.
pub const ATTR_UNKNOWN_ATTRIBUTES: u16 = 0x000A;

/// Method Allocate (RFC 8656).
pub const METHOD_ALLOCATE: u16 = 0x003;
/// Method Refresh.
pub const METHOD_REFRESH: u16 = 0x004;
/// Method Send (indication).
pub const METHOD_SEND: u16 = 0x006;
/// Method Data (indication).
pub const METHOD_DATA: u16 = 0x007;
/// Method CreatePermission.
pub const METHOD_CREATE_PERMISSION: u16 = 0x008;
/// Method ChannelBind.
pub const METHOD_CHANNEL_BIND: u16 = 0x009;

/// Attribute USERNAME.
pub const ATTR_USERNAME: u16 = 0x0006;
/// Attribute MESSAGE-INTEGRITY (HMAC-SHA1).
pub const ATTR_MESSAGE_INTEGRITY: u16 = 0x0008;
/// Attribute MESSAGE-INTEGRITY-SHA256.
pub const ATTR_MESSAGE_INTEGRITY_SHA256: u16 = 0x001C;
/// Attribute REALM.
pub const ATTR_REALM: u16 = 0x0014;
/// Attribute NONCE.
pub const ATTR_NONCE: u16 = 0x0015;
/// Attribute PASSWORD-ALGORITHM.
pub const ATTR_PASSWORD_ALGORITHM: u16 = 0x001D;
/// Attribute USERHASH.
pub const ATTR_USERHASH: u16 = 0x001E;
/// Attribute PASSWORD-ALGORITHMS.
pub const ATTR_PASSWORD_ALGORITHMS: u16 = 0x8002;
/// Attribute CHANNEL-NUMBER.
pub const ATTR_CHANNEL_NUMBER: u16 = 0x000C;
/// Attribute LIFETIME.
pub const ATTR_LIFETIME: u16 = 0x000D;
/// Attribute XOR-PEER-ADDRESS.
pub const ATTR_XOR_PEER_ADDRESS: u16 = 0x0012;
/// Attribute DATA.
pub const ATTR_DATA: u16 = 0x0013;
/// Attribute XOR-RELAYED-ADDRESS.
pub const ATTR_XOR_RELAYED_ADDRESS: u16 = 0x0016;
/// Attribute REQUESTED-ADDRESS-FAMILY.
pub const ATTR_REQUESTED_ADDRESS_FAMILY: u16 = 0x0017;
/// Attribute EVEN-PORT.
pub const ATTR_EVEN_PORT: u16 = 0x0018;
/// Attribute REQUESTED-TRANSPORT.
pub const ATTR_REQUESTED_TRANSPORT: u16 = 0x0019;
/// Attribute DONT-FRAGMENT.
pub const ATTR_DONT_FRAGMENT: u16 = 0x001A;
/// Attribute RESERVATION-TOKEN.
pub const ATTR_RESERVATION_TOKEN: u16 = 0x0022;
/// Attribute ADDITIONAL-ADDRESS-FAMILY.
pub const ATTR_ADDITIONAL_ADDRESS_FAMILY: u16 = 0x8000;
/// Attribute ADDRESS-ERROR-CODE.
pub const ATTR_ADDRESS_ERROR_CODE: u16 = 0x8001;
/// Attribute ICMP.
pub const ATTR_ICMP: u16 = 0x8004;

const FINGERPRINT_XOR: u32 = 0x5354_554e;

/// Why bytes are not a STUN message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StunError {
    /// Fewer bytes than a header, or than the header's length field says.
    #[error("truncated message")]
    Truncated,
    /// The first two bits are not zero (RTP, DTLS or junk).
    #[error("not a STUN message")]
    NotStun,
    /// The magic cookie is missing (RFC 3489 clients are not served).
    #[error("bad magic cookie")]
    BadCookie,
    /// The length is not a multiple of four or attributes overrun the message.
    #[error("bad length")]
    BadLength,
    /// FINGERPRINT present but wrong.
    #[error("bad fingerprint")]
    BadFingerprint,
    /// MESSAGE-INTEGRITY(-SHA256) of the wrong size or not matching the key.
    #[error("bad message integrity")]
    BadIntegrity,
}

/// A parsed STUN message borrowing the input buffer.
#[derive(Debug, Clone, Copy)]
pub struct StunMessage<'a> {
    raw: &'a [u8],
    typ: u16,
}

impl<'a> StunMessage<'a> {
    /// Parses and validates header, attribute layout and FINGERPRINT (if present).
    pub fn parse(raw: &'a [u8]) -> Result<Self, StunError> {
        if raw.len() < HEADER_LEN {
            return Err(StunError::Truncated);
        }
        if raw[0] & 0xC0 != 0 {
            return Err(StunError::NotStun);
        }
        let typ = u16::from_be_bytes([raw[0], raw[1]]);
        let len = u16::from_be_bytes([raw[2], raw[3]]) as usize;
        if u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]) != MAGIC_COOKIE {
            return Err(StunError::BadCookie);
        }
        if !len.is_multiple_of(4) {
            return Err(StunError::BadLength);
        }
        if raw.len() < HEADER_LEN + len {
            return Err(StunError::Truncated);
        }
        let msg = Self {
            raw: &raw[..HEADER_LEN + len],
            typ,
        };
        // Walk the attributes once so later lookups cannot overrun.
        let mut last = None;
        for item in msg.attribute_offsets() {
            let (at, t, l) = item?;
            last = Some((at, t, l));
        }
        if let Some((at, ATTR_FINGERPRINT, 4)) = last {
            let got = u32::from_be_bytes([
                msg.raw[at + 4],
                msg.raw[at + 5],
                msg.raw[at + 6],
                msg.raw[at + 7],
            ]);
            if fingerprint(&msg.raw[..at]) != got {
                return Err(StunError::BadFingerprint);
            }
        }
        Ok(msg)
    }

    /// The method (class bits removed).
    pub fn method(&self) -> u16 {
        let t = self.typ;
        (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
    }

    /// The class bits (`CLASS_*`).
    pub fn class(&self) -> u16 {
        self.typ & 0x0110
    }

    /// The 12-byte transaction ID.
    pub fn transaction_id(&self) -> &'a [u8] {
        &self.raw[8..20]
    }

    /// The value of the first attribute of type `typ`.
    pub fn attribute(&self, typ: u16) -> Option<&'a [u8]> {
        self.attribute_offsets()
            .filter_map(Result::ok)
            .find(|(_, t, _)| *t == typ)
            .map(|(at, _, len)| &self.raw[at + 4..at + 4 + len])
    }

    /// The whole message as received.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Every value of attribute `typ`, in order (CreatePermission may name several peers).
    pub fn attributes(&self, typ: u16) -> impl Iterator<Item = &'a [u8]> + 'a {
        let raw = self.raw;
        self.attribute_offsets()
            .filter_map(Result::ok)
            .filter(move |(_, t, _)| *t == typ)
            .map(move |(at, _, len)| &raw[at + 4..at + 4 + len])
    }

    /// Checks MESSAGE-INTEGRITY-SHA256 (preferred) or MESSAGE-INTEGRITY with the long-term
    /// `key` (RFC 8489 §14.5, §14.6). `Ok(Some(sha256))` says which one matched; `Ok(None)`
    /// that the message carries neither.
    pub fn verify_integrity(&self, key: &[u8]) -> Result<Option<bool>, StunError> {
        let found = |typ: u16| {
            self.attribute_offsets()
                .filter_map(Result::ok)
                .find(|(_, t, _)| *t == typ)
        };
        let (at, sha256) = match (
            found(ATTR_MESSAGE_INTEGRITY_SHA256),
            found(ATTR_MESSAGE_INTEGRITY),
        ) {
            (Some((at, _, 32)), _) => (at, true),
            (Some(_), _) => return Err(StunError::BadIntegrity),
            (None, Some((at, _, 20))) => (at, false),
            (None, Some(_)) => return Err(StunError::BadIntegrity),
            (None, None) => return Ok(None),
        };
        let size = if sha256 { 32 } else { 20 };
        let expected = &self.raw[at + 4..at + 4 + size];
        if integrity_matches(&self.raw[..at], key, sha256, expected) {
            Ok(Some(sha256))
        } else {
            Err(StunError::BadIntegrity)
        }
    }

    /// Types of comprehension-required attributes (below 0x8000) that this server does not
    /// understand, given the ones it does.
    pub fn unknown_required(&self, known: &[u16]) -> Vec<u16> {
        self.attribute_offsets()
            .filter_map(Result::ok)
            .map(|(_, t, _)| t)
            .filter(|t| *t < 0x8000 && !known.contains(t))
            .collect()
    }

    fn attribute_offsets(
        &self,
    ) -> impl Iterator<Item = Result<(usize, u16, usize), StunError>> + 'a {
        let raw = self.raw;
        let mut at = HEADER_LEN;
        std::iter::from_fn(move || {
            if at >= raw.len() {
                return None;
            }
            if at + 4 > raw.len() {
                at = raw.len();
                return Some(Err(StunError::BadLength));
            }
            let t = u16::from_be_bytes([raw[at], raw[at + 1]]);
            let l = u16::from_be_bytes([raw[at + 2], raw[at + 3]]) as usize;
            let padded = (l + 3) & !3;
            if at + 4 + padded > raw.len() {
                at = raw.len();
                return Some(Err(StunError::BadLength));
            }
            let item = (at, t, l);
            at += 4 + padded;
            Some(Ok(item))
        })
    }
}

/// The header of `covered` (a message up to an integrity attribute) with its length field set
/// as if the message ended right after that attribute.
fn integrity_header(covered: &[u8], sha256: bool) -> [u8; HEADER_LEN] {
    let size = if sha256 { 32 } else { 20 };
    let len = (covered.len() - HEADER_LEN + 4 + size) as u16;
    let mut header = [0u8; HEADER_LEN];
    header.copy_from_slice(&covered[..HEADER_LEN]);
    header[2..4].copy_from_slice(&len.to_be_bytes());
    header
}

/// The HMAC over `covered` (a message up to an integrity attribute), see [`integrity_header`].
fn integrity(covered: &[u8], key: &[u8], sha256: bool) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let header = integrity_header(covered, sha256);
    let mut out = [0u8; 32];
    if sha256 {
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
            return out;
        };
        mac.update(&header);
        mac.update(&covered[HEADER_LEN..]);
        out.copy_from_slice(&mac.finalize().into_bytes());
    } else {
        let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key) else {
            return out;
        };
        mac.update(&header);
        mac.update(&covered[HEADER_LEN..]);
        out[..20].copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// Whether `expected` is the HMAC over `covered` (see [`integrity`]), checked by `hmac`'s
/// constant-time `verify_slice`.
fn integrity_matches(covered: &[u8], key: &[u8], sha256: bool, expected: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    let header = integrity_header(covered, sha256);
    if sha256 {
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
            return false;
        };
        mac.update(&header);
        mac.update(&covered[HEADER_LEN..]);
        mac.verify_slice(expected).is_ok()
    } else {
        let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key) else {
            return false;
        };
        mac.update(&header);
        mac.update(&covered[HEADER_LEN..]);
        mac.verify_slice(expected).is_ok()
    }
}

/// CRC-32 of `bytes` XOR 0x5354554e (RFC 8489 §14.7).
pub fn fingerprint(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes) ^ FINGERPRINT_XOR
}

/// Builds a STUN message into a reusable buffer.
pub struct StunWriter<'b> {
    buf: &'b mut Vec<u8>,
}

impl<'b> StunWriter<'b> {
    /// Starts a message of `method`/`class` with `transaction_id` (12 bytes).
    pub fn new(buf: &'b mut Vec<u8>, method: u16, class: u16, transaction_id: &[u8]) -> Self {
        buf.clear();
        let m = method;
        let typ = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | class;
        buf.extend_from_slice(&typ.to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        buf.extend_from_slice(transaction_id);
        Self { buf }
    }

    /// Appends an attribute, padded to four bytes.
    pub fn attribute(&mut self, typ: u16, value: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(&typ.to_be_bytes());
        self.buf
            .extend_from_slice(&(value.len() as u16).to_be_bytes());
        self.buf.extend_from_slice(value);
        while !self.buf.len().is_multiple_of(4) {
            self.buf.push(0);
        }
        self.set_len();
        self
    }

    /// Appends XOR-MAPPED-ADDRESS for `addr`.
    pub fn xor_mapped_address(&mut self, addr: SocketAddr) -> &mut Self {
        let mut v = Vec::with_capacity(20);
        let cookie = MAGIC_COOKIE.to_be_bytes();
        v.push(0);
        v.push(if addr.is_ipv4() { 0x01 } else { 0x02 });
        v.extend_from_slice(&(addr.port() ^ (MAGIC_COOKIE >> 16) as u16).to_be_bytes());
        match addr.ip() {
            IpAddr::V4(ip) => {
                for (i, b) in ip.octets().iter().enumerate() {
                    v.push(b ^ cookie[i]);
                }
            }
            IpAddr::V6(ip) => {
                let mut key = [0u8; 16];
                key[..4].copy_from_slice(&cookie);
                key[4..].copy_from_slice(&self.buf[8..20]);
                for (i, b) in ip.octets().iter().enumerate() {
                    v.push(b ^ key[i]);
                }
            }
        }
        self.attribute(ATTR_XOR_MAPPED_ADDRESS, &v)
    }

    /// Appends ERROR-CODE with `code` (300..=699) and a reason phrase.
    pub fn error_code(&mut self, code: u16, reason: &str) -> &mut Self {
        let mut v = vec![0, 0, (code / 100) as u8, (code % 100) as u8];
        v.extend_from_slice(reason.as_bytes());
        self.attribute(ATTR_ERROR_CODE, &v)
    }

    /// Appends an XOR-encoded address attribute (XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS).
    pub fn xor_address(&mut self, typ: u16, addr: SocketAddr) -> &mut Self {
        self.xor_mapped_address(addr);
        // Same encoding as XOR-MAPPED-ADDRESS: retype the attribute just written.
        let at = self.buf.len() - if addr.is_ipv4() { 12 } else { 24 };
        self.buf[at..at + 2].copy_from_slice(&typ.to_be_bytes());
        self
    }

    /// Appends MESSAGE-INTEGRITY (HMAC-SHA1) or, with `sha256`, MESSAGE-INTEGRITY-SHA256,
    /// keyed with the long-term `key`. Only FINGERPRINT may follow.
    pub fn integrity(&mut self, key: &[u8], sha256: bool) -> &mut Self {
        let mac = integrity(self.buf, key, sha256);
        if sha256 {
            self.attribute(ATTR_MESSAGE_INTEGRITY_SHA256, &mac)
        } else {
            self.attribute(ATTR_MESSAGE_INTEGRITY, &mac[..20])
        }
    }

    /// Appends FINGERPRINT; must come last.
    pub fn fingerprint(&mut self) -> &mut Self {
        // The length field must already count the FINGERPRINT attribute it covers.
        let len_with_fp = self.buf.len() - HEADER_LEN + 8;
        self.buf[2..4].copy_from_slice(&(len_with_fp as u16).to_be_bytes());
        let fp = fingerprint(self.buf);
        self.attribute(ATTR_FINGERPRINT, &fp.to_be_bytes())
    }

    fn set_len(&mut self) {
        let len = (self.buf.len() - HEADER_LEN) as u16;
        self.buf[2..4].copy_from_slice(&len.to_be_bytes());
    }
}

/// Decodes an XOR-MAPPED-ADDRESS value, given the message's transaction ID.
pub fn decode_xor_address(value: &[u8], transaction_id: &[u8]) -> Option<SocketAddr> {
    if value.len() < 8 {
        return None;
    }
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let port = u16::from_be_bytes([value[2], value[3]]) ^ (MAGIC_COOKIE >> 16) as u16;
    match value[1] {
        0x01 => {
            let mut o = [0u8; 4];
            for i in 0..4 {
                o[i] = value[4 + i] ^ cookie[i];
            }
            Some(SocketAddr::new(IpAddr::from(o), port))
        }
        0x02 if value.len() >= 20 && transaction_id.len() == 12 => {
            let mut key = [0u8; 16];
            key[..4].copy_from_slice(&cookie);
            key[4..].copy_from_slice(transaction_id);
            let mut o = [0u8; 16];
            for i in 0..16 {
                o[i] = value[4 + i] ^ key[i];
            }
            Some(SocketAddr::new(IpAddr::from(o), port))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5769 §2.2: sample IPv4 response.
    const RFC5769_IPV4_RESPONSE: &[u8] = &[
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76,
        0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1,
        0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
        0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00,
        0x04, 0xc0, 0x7d, 0x4c, 0x96,
    ];

    #[test]
    fn rfc5769_ipv4_response_parses_with_fingerprint_and_address() {
        let m = StunMessage::parse(RFC5769_IPV4_RESPONSE).expect("valid vector");
        assert_eq!(m.method(), METHOD_BINDING);
        assert_eq!(m.class(), CLASS_SUCCESS);
        assert_eq!(m.attribute(ATTR_SOFTWARE), Some(&b"test vector"[..]));
        let xma = m
            .attribute(ATTR_XOR_MAPPED_ADDRESS)
            .expect("xor-mapped-address");
        assert_eq!(
            decode_xor_address(xma, m.transaction_id()),
            Some("192.0.2.1:32853".parse().expect("addr"))
        );
    }

    /// RFC 5769 §2.1: sample request with short-term credentials.
    const RFC5769_REQUEST: &[u8] = &[
        0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74,
        0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e,
        0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
        0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20,
        0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e,
        0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5,
        0x7a, 0x3b, 0xcf,
    ];
    const RFC5769_PASSWORD: &[u8] = b"VOkJxbRl1RmTxUk/WvJxBt";

    #[test]
    fn rfc5769_message_integrity_verifies_and_a_wrong_key_or_byte_does_not() {
        for vector in [RFC5769_REQUEST, RFC5769_IPV4_RESPONSE] {
            let m = StunMessage::parse(vector).expect("valid vector");
            assert_eq!(m.verify_integrity(RFC5769_PASSWORD), Ok(Some(false)));
            assert_eq!(m.verify_integrity(b"wrong"), Err(StunError::BadIntegrity));
        }
        let m = StunMessage::parse(RFC5769_REQUEST).expect("valid vector");
        assert_eq!(m.attribute(ATTR_USERNAME), Some(&b"evtj:h6vY"[..]));
        // A flipped byte in the covered part (fingerprint recomputed) fails integrity.
        let mut tampered = RFC5769_REQUEST[..RFC5769_REQUEST.len() - 8].to_vec();
        tampered[30] ^= 1;
        let at = tampered.len();
        tampered[2..4].copy_from_slice(&((at + 8 - HEADER_LEN) as u16).to_be_bytes());
        let fp = fingerprint(&tampered);
        tampered.extend_from_slice(&[0x80, 0x28, 0, 4]);
        tampered.extend_from_slice(&fp.to_be_bytes());
        let m = StunMessage::parse(&tampered).expect("still well-formed");
        assert_eq!(
            m.verify_integrity(RFC5769_PASSWORD),
            Err(StunError::BadIntegrity)
        );
    }

    #[test]
    fn written_integrity_verifies_with_sha1_and_sha256() {
        for sha256 in [false, true] {
            let mut buf = Vec::new();
            StunWriter::new(&mut buf, METHOD_ALLOCATE, CLASS_SUCCESS, &[3u8; 12])
                .xor_address(
                    ATTR_XOR_RELAYED_ADDRESS,
                    "198.51.100.7:50000".parse().expect("a"),
                )
                .integrity(b"key", sha256)
                .fingerprint();
            let m = StunMessage::parse(&buf).expect("parses");
            assert_eq!(m.verify_integrity(b"key"), Ok(Some(sha256)));
            assert!(m.verify_integrity(b"other").is_err());
            let v = m.attribute(ATTR_XOR_RELAYED_ADDRESS).expect("relayed");
            assert_eq!(
                decode_xor_address(v, &[3u8; 12]),
                Some("198.51.100.7:50000".parse().expect("a"))
            );
        }
    }

    /// RFC 5769 §2.3: sample IPv6 response.
    const RFC5769_IPV6_RESPONSE: &[u8] = &[
        0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76,
        0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01,
        0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
        0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9,
        0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb,
        0x0b, 0x4c,
    ];

    #[test]
    fn rfc5769_ipv6_response_parses_verifies_and_decodes() {
        let m = StunMessage::parse(RFC5769_IPV6_RESPONSE).expect("valid vector");
        assert_eq!((m.method(), m.class()), (METHOD_BINDING, CLASS_SUCCESS));
        assert_eq!(m.verify_integrity(RFC5769_PASSWORD), Ok(Some(false)));
        let xma = m
            .attribute(ATTR_XOR_MAPPED_ADDRESS)
            .expect("xor-mapped-address");
        assert_eq!(
            decode_xor_address(xma, m.transaction_id()),
            Some(
                "[2001:db8:1234:5678:11:2233:4455:6677]:32853"
                    .parse()
                    .expect("addr")
            )
        );
        // And the writer encodes that address to the vector's bytes.
        let mut buf = Vec::new();
        StunWriter::new(&mut buf, METHOD_BINDING, CLASS_SUCCESS, m.transaction_id())
            .xor_mapped_address(
                "[2001:db8:1234:5678:11:2233:4455:6677]:32853"
                    .parse()
                    .expect("addr"),
            );
        assert_eq!(&buf[HEADER_LEN + 4..], xma);
    }

    /// RFC 5769 §2.4: sample request with long-term authentication; the username is
    /// "マトリックス", the password "The\u{AD}M\u{AA}tr\u{2168}", which SASLprep turns into
    /// "TheMatrIX".
    const RFC5769_LONG_TERM_REQUEST: &[u8] = &[
        0x00, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, 0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72,
        0xc0, 0x29, 0xda, 0x41, 0x2e, 0x00, 0x06, 0x00, 0x12, 0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88,
        0xe3, 0x83, 0xaa, 0xe3, 0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00, 0x00,
        0x15, 0x00, 0x1c, 0x66, 0x2f, 0x2f, 0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36,
        0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46, 0x53, 0x54, 0x76, 0x79, 0x36, 0x34, 0x73,
        0x41, 0x00, 0x14, 0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72,
        0x67, 0x00, 0x00, 0x08, 0x00, 0x14, 0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6, 0x4a, 0x3e, 0x02,
        0xb8, 0xe0, 0x71, 0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66,
    ];

    #[test]
    fn rfc5769_long_term_request_verifies_with_the_saslprepped_key() {
        let m = StunMessage::parse(RFC5769_LONG_TERM_REQUEST).expect("valid vector");
        let username =
            std::str::from_utf8(m.attribute(ATTR_USERNAME).expect("username")).expect("utf-8");
        assert_eq!(username, "マトリックス");
        assert_eq!(m.attribute(ATTR_REALM), Some(&b"example.org"[..]));
        assert_eq!(
            m.attribute(ATTR_NONCE),
            Some(&b"f//499k954d6OL34oL9FSTvy64sA"[..])
        );
        let key = crate::auth::long_term_key(username, "example.org", "The\u{AD}M\u{AA}tr\u{2168}");
        assert_eq!(
            key,
            crate::auth::long_term_key(username, "example.org", "TheMatrIX"),
            "SASLprep maps the password to TheMatrIX"
        );
        assert_eq!(m.verify_integrity(&key), Ok(Some(false)));
        let raw = crate::auth::long_term_key(username, "example.org", "wrong");
        assert_eq!(m.verify_integrity(&raw), Err(StunError::BadIntegrity));
    }

    #[test]
    fn corrupted_fingerprint_is_rejected() {
        let mut bad = RFC5769_IPV4_RESPONSE.to_vec();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(
            StunMessage::parse(&bad).err(),
            Some(StunError::BadFingerprint)
        );
    }

    #[test]
    fn malformed_inputs_are_rejected_without_panic() {
        assert_eq!(
            StunMessage::parse(&[0; 5]).err(),
            Some(StunError::Truncated)
        );
        assert_eq!(
            StunMessage::parse(&[0x80; 40]).err(),
            Some(StunError::NotStun)
        );
        let mut no_cookie = RFC5769_IPV4_RESPONSE.to_vec();
        no_cookie[4] = 0;
        assert_eq!(
            StunMessage::parse(&no_cookie).err(),
            Some(StunError::BadCookie)
        );
        let mut overrun = RFC5769_IPV4_RESPONSE.to_vec();
        overrun[22] = 0xff; // SOFTWARE length beyond the message
        assert_eq!(
            StunMessage::parse(&overrun).err(),
            Some(StunError::BadLength)
        );
        let mut long = RFC5769_IPV4_RESPONSE.to_vec();
        long[3] = 0x40; // claims more than present
        assert_eq!(StunMessage::parse(&long).err(), Some(StunError::Truncated));
    }

    #[test]
    fn written_message_parses_back_with_both_address_families() {
        let tid = [7u8; 12];
        for addr in ["203.0.113.9:5000", "[2001:db8::1]:443"] {
            let addr: SocketAddr = addr.parse().expect("addr");
            let mut buf = Vec::new();
            StunWriter::new(&mut buf, METHOD_BINDING, CLASS_SUCCESS, &tid)
                .xor_mapped_address(addr)
                .fingerprint();
            let m = StunMessage::parse(&buf).expect("parses");
            assert_eq!(m.class(), CLASS_SUCCESS);
            let v = m.attribute(ATTR_XOR_MAPPED_ADDRESS).expect("attr");
            assert_eq!(decode_xor_address(v, &tid), Some(addr));
        }
    }
}
