//! The dashboards and the metrics docs name exactly what the processes export.
use std::collections::BTreeSet;

use prometheus::core::Collector;
use prometheus::Registry;

fn exported() -> BTreeSet<String> {
    let registry = Registry::new();
    let sfu = vamt_sfu::SfuMetrics::new(&registry).expect("sfu metrics register");
    let sig =
        vamt_signalling::SignallingMetrics::new(&registry).expect("signalling metrics register");
    let turn = vamt_turn::TurnMetrics::new(&registry).expect("turn metrics register");
    let portal = vamt_portal::metrics::WebMetrics::new(&registry).expect("web metrics register");
    let booking =
        vamt_booking::metrics::BookingMetrics::new(&registry).expect("booking metrics register");
    let outbox = vamt_portal_storage::outbox::OutboxMetrics::new(&registry)
        .expect("outbox metrics register");
    let collectors: Vec<&dyn Collector> = vec![
        &sfu.rooms,
        &sfu.participants,
        &sfu.forwarded_frames,
        &sfu.forwarded_bytes,
        &sfu.data_messages,
        &sfu.data_bytes,
        &sfu.datagrams,
        &sfu.rtp_packets,
        &sfu.rtp_bytes,
        &sfu.nacks,
        &sfu.keyframe_requests,
        &sfu.ingress_loss,
        &sfu.ingress_jitter,
        &sfu.rtt,
        &sfu.estimated_bandwidth,
        &sfu.layer_switches,
        &sfu.forwarding_latency,
        &sfu.shard_participants,
        &sfu.handoff_dropped,
        &sig.connections,
        &sig.messages,
        &sig.errors,
        &sig.time_to_join,
        &sig.resumes,
        &turn.allocations,
        &turn.allocations_created,
        &turn.allocation_failures,
        &turn.auth_failures,
        &turn.auth_rate_limited,
        &turn.peer_denied,
        &turn.dropped,
        &turn.relayed_packets,
        &turn.relayed_bytes,
        &portal.http_requests,
        &portal.http_duration,
        &booking.bookings,
        &outbox.mails,
        &outbox.waiting,
        &booking.cancellations,
        &booking.erased,
        &booking.confirmations,
        &booking.unconfirmed_released,
        &portal.refused,
        &portal.proofs,
        &booking.waitlist_joined,
        &booking.waitlist_offers,
        &booking.no_shows,
        &booking.rebookings,
        &booking.utilisation,
        &booking.requested,
        &booking.no_show_ratio,
    ];
    collectors
        .iter()
        .flat_map(|c| c.desc())
        .map(|d| d.fq_name.clone())
        .collect()
}

fn metric_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("vamt_") {
        let start = i + pos;
        let end = text[start..]
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .map(|e| start + e)
            .unwrap_or(text.len());
        let preceded_by_word =
            start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !preceded_by_word {
            out.insert(text[start..end].to_owned());
        }
        i = end;
    }
    out
}

#[test]
fn every_metric_follows_the_naming_scheme_and_is_documented() {
    let doc = include_str!("../../docs/metrics.md");
    let names = exported();
    assert!(names.len() >= 12);
    for name in &names {
        let parts: Vec<&str> = name.split('_').collect();
        assert!(
            parts.len() >= 3 && parts[0] == "vamt",
            "{name} is not vamt_<component>_<what>"
        );
        assert!(
            ["portal", "signalling", "sfu", "turn"].contains(&parts[1]),
            "{name}: unknown component"
        );
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/metrics.md lacks {name}"
        );
    }
}

#[test]
fn dashboards_query_only_exported_metrics() {
    let names = exported();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/dashboards");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("dashboards folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let json: serde_json::Value = serde_json::from_str(&text).expect("dashboard is JSON");
        assert!(
            json["uid"].as_str().is_some_and(|u| !u.is_empty()),
            "{path:?} needs a stable uid"
        );
        assert!(
            json.get("__inputs").is_none(),
            "{path:?}: no __inputs, use the datasource variable"
        );
        let vars = json["templating"]["list"].as_array().expect("templating");
        assert!(
            vars.iter().any(|v| v["type"] == "datasource"),
            "{path:?} needs a datasource variable"
        );
        for panel in json["panels"].as_array().expect("panels") {
            assert_eq!(
                panel["datasource"]["uid"], "${datasource}",
                "{path:?}: panel {} hard-codes a datasource",
                panel["title"]
            );
            for target in panel["targets"].as_array().expect("targets") {
                let expr = target["expr"].as_str().expect("expr");
                for m in metric_names(expr) {
                    let base = ["_bucket", "_sum", "_count"]
                        .iter()
                        .find_map(|s| m.strip_suffix(s))
                        .filter(|b| names.contains(*b))
                        .unwrap_or(&m);
                    assert!(
                        names.contains(base),
                        "{path:?}: panel {} queries unknown metric {m}",
                        panel["title"]
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 12, "only {checked} queries checked");
}

#[test]
fn alert_rules_use_only_exported_metrics() {
    let names = exported();
    let rules = include_str!("../../dashboards/alerts.yml");
    let used = metric_names(rules);
    assert!(used.len() >= 6, "only {used:?}");
    for m in used {
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| m.strip_suffix(s))
            .filter(|b| names.contains(*b))
            .unwrap_or(&m);
        assert!(names.contains(base), "alerts.yml uses unknown metric {m}");
    }
}
