//! The portal's layers depend one way: `web/` calls the domain, the domain never calls
//! `web/` nor knows axum (issue 19). Before, the hold and reminder jobs reached into
//! `web::booking` for their mails, so a domain change could not be made or tested without
//! the HTTP layer; this keeps it from creeping back.
use std::path::{Path, PathBuf};

/// Files outside `web/` that are part of the HTTP edge themselves.
const EDGE: &[&str] = &[
    // The server that accepts connections and serves `web::app` on them.
    "server.rs",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "web") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_domain_does_not_know_the_web_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("booking.rs")),
        "the walk found the domain modules"
    );
    let mut offences = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        if EDGE.iter().any(|e| relative == Path::new(e)) {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            if line.contains("crate::web") || line.contains("axum") {
                offences.push(format!("{}:{}: {}", relative.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "domain code reaching into the web layer (issue 19: domain <- web only):\n{}",
        offences.join("\n")
    );
}

/// The portal reaches media only through signalling, and the ICE credentials come from a
/// function the binary hands in (issue 19): neither the SFU nor the TURN relay is a
/// dependency of the portal itself (its tests may still bind a real SFU).
#[test]
fn the_portal_depends_on_neither_the_sfu_nor_the_relay() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("portal/Cargo.toml");
    let mut in_dependencies = false;
    let mut named = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies
            && ["vamt-sfu", "vamt-turn", "vamt_sfu", "vamt_turn"]
                .iter()
                .any(|forbidden| line.starts_with(forbidden))
        {
            named.push(line.to_owned());
        }
    }
    assert!(
        manifest.contains("[dependencies]"),
        "the manifest has a [dependencies] section"
    );
    assert!(
        named.is_empty(),
        "portal/Cargo.toml's [dependencies] names the media or relay crate (issue 19: the \
         portal reaches media through signalling, TURN credentials are handed in):\n{}",
        named.join("\n")
    );
}
