//! The Binding method: tell a client the address its request came from.
use std::net::SocketAddr;

use crate::stun::{
    StunMessage, StunWriter, ATTR_FINGERPRINT, ATTR_SOFTWARE, ATTR_UNKNOWN_ATTRIBUTES, CLASS_ERROR,
    CLASS_REQUEST, CLASS_SUCCESS, METHOD_BINDING,
};

/// What to do with one datagram.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// Send the response written into the buffer.
    Send,
    /// Drop silently (not STUN, not a request, malformed: RFC 8489 §6.3).
    Drop,
}

/// Answers a Binding request from `source` into `out`.
pub fn handle(packet: &[u8], source: SocketAddr, out: &mut Vec<u8>) -> Reply {
    let Ok(msg) = StunMessage::parse(packet) else {
        return Reply::Drop;
    };
    if msg.class() != CLASS_REQUEST || msg.method() != METHOD_BINDING {
        return Reply::Drop;
    }
    let unknown = msg.unknown_required(&[]);
    if !unknown.is_empty() {
        let list: Vec<u8> = unknown.iter().flat_map(|t| t.to_be_bytes()).collect();
        StunWriter::new(out, METHOD_BINDING, CLASS_ERROR, msg.transaction_id())
            .error_code(420, "Unknown Attribute")
            .attribute(ATTR_UNKNOWN_ATTRIBUTES, &list)
            .fingerprint();
        return Reply::Send;
    }
    let mut w = StunWriter::new(out, METHOD_BINDING, CLASS_SUCCESS, msg.transaction_id());
    w.xor_mapped_address(source)
        .attribute(ATTR_SOFTWARE, b"vamt");
    // Mirror the client: add FINGERPRINT when it sent one (ICE always does).
    if msg.attribute(ATTR_FINGERPRINT).is_some() {
        w.fingerprint();
    }
    Reply::Send
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stun::{decode_xor_address, ATTR_ERROR_CODE, ATTR_XOR_MAPPED_ADDRESS};

    fn request(extra: Option<(u16, &[u8])>) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut w = StunWriter::new(&mut buf, METHOD_BINDING, CLASS_REQUEST, &[1; 12]);
        if let Some((t, v)) = extra {
            w.attribute(t, v);
        }
        w.fingerprint();
        buf
    }

    #[test]
    fn binding_request_gets_source_address() {
        let src: SocketAddr = "198.51.100.7:40000".parse().expect("addr");
        let mut out = Vec::new();
        assert_eq!(handle(&request(None), src, &mut out), Reply::Send);
        let m = StunMessage::parse(&out).expect("response parses");
        assert_eq!(m.class(), CLASS_SUCCESS);
        assert_eq!(m.transaction_id(), &[1; 12]);
        let v = m.attribute(ATTR_XOR_MAPPED_ADDRESS).expect("attr");
        assert_eq!(decode_xor_address(v, m.transaction_id()), Some(src));
    }

    #[test]
    fn unknown_required_attribute_gets_420() {
        let src: SocketAddr = "198.51.100.7:40000".parse().expect("addr");
        let mut out = Vec::new();
        assert_eq!(
            handle(&request(Some((0x0077, b"zz"))), src, &mut out),
            Reply::Send
        );
        let m = StunMessage::parse(&out).expect("response parses");
        assert_eq!(m.class(), CLASS_ERROR);
        assert_eq!(
            m.attribute(ATTR_ERROR_CODE).map(|v| (v[2], v[3])),
            Some((4, 20))
        );
    }

    #[test]
    fn non_requests_and_junk_are_dropped() {
        let src: SocketAddr = "198.51.100.7:40000".parse().expect("addr");
        let mut out = Vec::new();
        assert_eq!(handle(b"hello world, not stun", src, &mut out), Reply::Drop);
        let mut resp = Vec::new();
        StunWriter::new(&mut resp, METHOD_BINDING, CLASS_SUCCESS, &[2; 12]).fingerprint();
        assert_eq!(handle(&resp, src, &mut out), Reply::Drop);
    }
}
