//! The portal's crates depend one way, and the build's tests say so (issue 19):
//! core ← storage ← domains (booking, documents, payments, hearing) ← web ← the
//! binary. A domain knows no HTTP, page templates, signalling or media; the web crate
//! reaches media only through signalling, and the ICE credentials come from a function the
//! binary hands in. Before the split, the hold and reminder jobs reached into
//! `web::booking` for their mails, so a domain change could not be made or tested without
//! the HTTP layer; this keeps it from creeping back.
//!
//! The rules are read off `cargo metadata`, the graph Cargo builds from, so they hold for
//! what is compiled, not for what a comment says.
use std::collections::BTreeMap;
use std::path::Path;

/// The portal's crates by layer: a crate may depend on crates of lower layers only.
const LAYERS: &[(&str, u8)] = &[
    ("vamt-portal-core", 0),
    ("vamt-portal-storage", 1),
    ("vamt-booking", 2),
    ("vamt-documents", 2),
    ("vamt-payments", 2),
    ("vamt-hearing", 2),
    ("vamt-portal", 3),
];

/// Crates a layer below the web crate must not depend on: the web framework and its
/// server, the API description, and the media side. `hyper` and `hyper-util` are not among
/// them: an HTTP *client* to the payment providers (`vamt-payments`' adapters) is I/O at
/// the domain's edge, like SMTP in storage; the server side (axum, tower) stays in the web
/// crate.
const NOT_BELOW_WEB: &[&str] = &[
    "axum",
    "axum-core",
    "axum-extra",
    "tower",
    "tower-http",
    "utoipa",
    "vamt-signalling",
    "vamt-sfu",
    "vamt-turn",
];

/// Crates no part of the portal depends on: the media plane and the relay (the web crate
/// reaches media through signalling; the binary hands it TURN credentials).
const NOT_IN_PORTAL: &[&str] = &["vamt-sfu", "vamt-turn", "vamt-loadtest"];

/// Crates the core, which does no I/O, must not depend on.
const NOT_IN_CORE: &[&str] = &["sqlx", "tokio", "prometheus"];

/// Each workspace package's normal (not dev, not build) dependencies.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(&workspace)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let mut graph = BTreeMap::new();
    for package in meta["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().expect("name").to_owned();
        let deps = package["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().expect("dependency name").to_owned())
            .collect();
        graph.insert(name, deps);
    }
    graph
}

/// What `graph` breaks of the rules, one line each.
fn offences(graph: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let layer = |name: &str| LAYERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l);
    let mut out = Vec::new();
    for (name, l) in LAYERS {
        let Some(deps) = graph.get(*name) else {
            out.push(format!("{name}: not in the workspace"));
            continue;
        };
        for dep in deps {
            if let Some(dl) = layer(dep) {
                if dl >= *l {
                    out.push(format!(
                        "{name} depends on {dep}, a layer at or above its own"
                    ));
                }
            }
            if *l < 3 && NOT_BELOW_WEB.contains(&dep.as_str()) {
                out.push(format!(
                    "{name} depends on {dep}, which only the web crate may"
                ));
            }
            if NOT_IN_PORTAL.contains(&dep.as_str()) {
                out.push(format!(
                    "{name} depends on {dep}, which no portal crate may"
                ));
            }
            if *l == 0 && NOT_IN_CORE.contains(&dep.as_str()) {
                out.push(format!("{name} depends on {dep}: the core does no I/O"));
            }
        }
    }
    out
}

#[test]
fn the_portal_crates_depend_one_way() {
    let graph = dependencies();
    let offences = offences(&graph);
    assert!(
        offences.is_empty(),
        "the portal's layers are crossed (portal/web/tests/portal/layers.rs; \
         CONTRIBUTING.md, \"One-way rules\"):\n{}",
        offences.join("\n")
    );
}

/// The check itself catches what it is for: a domain that takes axum, a core that takes
/// the database, a storage that calls a domain, a web crate that binds the SFU.
#[test]
fn the_rules_catch_a_crossing() {
    let mut graph = dependencies();
    assert!(offences(&graph).is_empty());
    graph
        .get_mut("vamt-booking")
        .expect("booking")
        .push("axum".into());
    graph
        .get_mut("vamt-portal-core")
        .expect("core")
        .push("sqlx".into());
    graph
        .get_mut("vamt-portal-storage")
        .expect("storage")
        .push("vamt-booking".into());
    graph
        .get_mut("vamt-portal")
        .expect("web")
        .push("vamt-sfu".into());
    let found = offences(&graph);
    assert_eq!(found.len(), 4, "{found:#?}");
}

/// A domain's source names no web or media crate, even in a doc example the manifest
/// would not catch.
#[test]
fn domain_sources_name_no_web_or_media_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for dir in [
        "core/src",
        "storage/src",
        "booking/src",
        "documents/src",
        "payments/src",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("source directory") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source");
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if [
                        "axum::",
                        "vamt_signalling",
                        "vamt_sfu",
                        "vamt_turn",
                        "vamt_portal::",
                    ]
                    .iter()
                    .any(|c| code.contains(c))
                    {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
