//! Every clerk and admin route is guarded (issue 19): the routes are read from the router's
//! source, so a route added under `/clerk` or `/admin` without a `SignedIn` or `Admin`
//! argument fails here, not in production. Without a session each answers the way to the
//! sign-in; a clerk without the admin role gets 403 on every admin route.
use crate::common;

use axum::http::StatusCode;
use serde_json::json;

use common::{call, get, post};

/// The routes anyone may call: signing in and out.
const OPEN: &[&str] = &["/clerk/login", "/clerk/logout"];

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// The web crate's source: every feature module keeps its own routes.
fn sources() -> String {
    let mut text = String::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(&path).expect("source"));
            }
        }
    }
    text
}

/// `(method, path)` of every `.route(...)` in the web crate's source.
fn routes() -> Vec<(&'static str, String)> {
    let src = sources();
    let mut out = Vec::new();
    for (at, _) in src.match_indices(".route(") {
        // The call's own text, up to its closing parenthesis.
        let rest = &src[at + ".route(".len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("closed .route(");
        let call = &rest[..end];
        let path = call.split('"').nth(1).expect("a path literal").to_owned();
        for method in METHODS {
            let named = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0 || !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if named {
                out.push((*method, path.clone()));
            }
        }
    }
    out
}

/// The route's path with every parameter filled in (the guard answers before they are read).
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn request(method: &str, path: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    match method {
        "get" => get(path, cookie),
        "post" => post(path, "", cookie),
        other => panic!("no request for {other} yet"),
    }
}

fn guarded() -> Vec<(&'static str, String)> {
    let all = routes();
    assert!(
        all.iter().any(|(m, p)| *m == "get" && p == "/clerk")
            && all
                .iter()
                .any(|(m, p)| *m == "post" && p == "/admin/clerks"),
        "the routes were read: {all:?}"
    );
    all.into_iter()
        .filter(|(_, p)| {
            p == "/clerk" || p.starts_with("/clerk/") || p == "/admin" || p.starts_with("/admin/")
        })
        .filter(|(_, p)| !OPEN.contains(&p.as_str()))
        .collect()
}

#[tokio::test]
async fn every_clerk_and_admin_route_wants_a_session() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let routes = guarded();
    assert!(routes.len() >= 20, "{routes:?}");
    // No cookie, and a cookie of no session (expired, forged, signed out).
    for cookie in ["", "vamt_clerk=no-such-session"] {
        for (method, path) in &routes {
            let resp = call(&stack, request(method, &concrete(path), cookie)).await;
            assert_eq!(
                (resp.status, resp.location.as_str()),
                (StatusCode::SEE_OTHER, "/clerk/login"),
                "{method} {path} with {cookie:?}"
            );
        }
    }
}

#[tokio::test]
async fn every_admin_route_refuses_a_clerk_without_the_role() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    vamt_booking::clerk::create(
        &stack.state.db,
        "jonas",
        "Jonas Berg",
        "pw-jonas-1234",
        stack.clock.now(),
    )
    .await
    .expect("clerk");
    let clerk = common::sign_in(&stack, "jonas", "pw-jonas-1234").await;
    for (method, path) in guarded().iter().filter(|(_, p)| p.starts_with("/admin")) {
        let resp = call(&stack, request(method, &concrete(path), &clerk)).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
}
