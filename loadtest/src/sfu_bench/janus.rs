//! Clients of Janus VideoRoom over its HTTP/JSON API (the comparison peer). One Janus session
//! carries every handle; one long poll delivers asynchronous replies (matched by
//! transaction) and trickled candidates (matched by handle).
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

use super::peer::{self, Command, Stats};

enum Route {
    Buffered(Vec<String>),
    Peer(mpsc::UnboundedSender<Command>),
}

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>;

/// A Janus session and its long poll.
pub struct Janus {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    session: u64,
    next_tx: AtomicU64,
    pending: Pending,
    routes: Arc<Mutex<HashMap<u64, Route>>>,
}

impl Janus {
    /// Creates a session at `base` (e.g. `http://10.77.0.2:8088/janus`) and starts polling.
    pub async fn connect(base: &str) -> anyhow::Result<Arc<Self>> {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let mut j = Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            session: 0,
            next_tx: AtomicU64::new(1),
            pending: Arc::default(),
            routes: Arc::default(),
        };
        let created = j.post(&j.base.clone(), json!({"janus": "create"})).await?;
        j.session = created["data"]["id"]
            .as_u64()
            .ok_or_else(|| anyhow!("no session in {created}"))?;
        let j = Arc::new(j);
        tokio::spawn(poll(j.clone()));
        Ok(j)
    }

    fn transaction(&self) -> String {
        format!("t{}", self.next_tx.fetch_add(1, Ordering::Relaxed))
    }

    async fn post(&self, url: &str, mut body: Value) -> anyhow::Result<Value> {
        if body.get("transaction").is_none() {
            body["transaction"] = json!(self.transaction());
        }
        let req = Request::post(url)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))?;
        let resp = self.client.request(req).await.context("Janus HTTP")?;
        let bytes = resp.into_body().collect().await?.to_bytes();
        let v: Value = serde_json::from_slice(&bytes)?;
        if v["janus"] == "error" {
            bail!("Janus: {}", v["error"]);
        }
        Ok(v)
    }

    /// Attaches a VideoRoom handle.
    pub async fn attach(&self) -> anyhow::Result<u64> {
        let url = format!("{}/{}", self.base, self.session);
        let v = self
            .post(
                &url,
                json!({"janus": "attach", "plugin": "janus.plugin.videoroom"}),
            )
            .await?;
        v["data"]["id"]
            .as_u64()
            .ok_or_else(|| anyhow!("no handle in {v}"))
    }

    /// A synchronous plugin request (e.g. `create`); returns the plugin's data.
    pub async fn request(&self, handle: u64, body: Value) -> anyhow::Result<Value> {
        let url = format!("{}/{}/{}", self.base, self.session, handle);
        let v = self
            .post(&url, json!({"janus": "message", "body": body}))
            .await?;
        let data = v["plugindata"]["data"].clone();
        if data.get("error").is_some() {
            bail!("VideoRoom: {}", data["error"]);
        }
        Ok(data)
    }

    /// An asynchronous plugin request (with an optional JSEP); returns the event that
    /// answers it, whole (plugin data and JSEP).
    pub async fn request_async(
        &self,
        handle: u64,
        body: Value,
        jsep: Option<Value>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}/{}/{}", self.base, self.session, handle);
        let tx = self.transaction();
        let (done, wait) = oneshot::channel();
        if let Ok(mut p) = self.pending.lock() {
            p.insert(tx.clone(), done);
        }
        let mut msg = json!({"janus": "message", "body": body, "transaction": tx});
        if let Some(jsep) = jsep {
            msg["jsep"] = jsep;
        }
        self.post(&url, msg).await?;
        let ev = tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .map_err(|_| anyhow!("Janus did not answer in 20 s"))??;
        if let Some(e) = ev["plugindata"]["data"].get("error") {
            bail!("VideoRoom: {e}");
        }
        Ok(ev)
    }

    /// Sends `handle`'s trickled candidates to `peer` (those that came early, then the rest).
    pub fn route(&self, handle: u64, peer: mpsc::UnboundedSender<Command>) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        if let Some(Route::Buffered(early)) = routes.remove(&handle) {
            for c in early {
                let _ = peer.send(Command::Candidate(c));
            }
        }
        routes.insert(handle, Route::Peer(peer));
    }

    fn dispatch(&self, ev: Value) {
        if ev["janus"] == "trickle" {
            let (Some(handle), Some(line)) =
                (ev["sender"].as_u64(), ev["candidate"]["candidate"].as_str())
            else {
                return;
            };
            let line = line.to_owned();
            let Ok(mut routes) = self.routes.lock() else {
                return;
            };
            match routes
                .entry(handle)
                .or_insert_with(|| Route::Buffered(Vec::new()))
            {
                Route::Buffered(v) => v.push(line),
                Route::Peer(p) => {
                    let _ = p.send(Command::Candidate(line));
                }
            }
            return;
        }
        if ev["janus"] != "event" {
            return;
        }
        let Some(tx) = ev["transaction"].as_str() else {
            return;
        };
        let waiter = self.pending.lock().ok().and_then(|mut p| p.remove(tx));
        if let Some(w) = waiter {
            let _ = w.send(ev);
        }
    }
}

async fn poll(j: Arc<Janus>) {
    let url = format!("{}/{}?maxev=50", j.base, j.session);
    loop {
        let Ok(uri) = url.parse::<hyper::Uri>() else {
            return;
        };
        let Ok(resp) = j.client.get(uri).await else {
            return;
        };
        let Ok(body) = resp.into_body().collect().await else {
            return;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&body.to_bytes()) else {
            continue;
        };
        match v {
            Value::Array(evs) => evs.into_iter().for_each(|e| j.dispatch(e)),
            ev => j.dispatch(ev),
        }
    }
}

/// Publishes one consultation: a room and its two participants' audio and camera. Returns
/// the two feed IDs; subscribe once the publishers' connections are up (Janus knows a feed
/// only then).
pub async fn publish(
    j: &Arc<Janus>,
    room: u64,
    local_ip: IpAddr,
    stats: &Arc<Stats>,
    opus: &Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<[u64; 2]> {
    let admin = j.attach().await?;
    j.request(
        admin,
        json!({
            "request": "create", "room": room, "publishers": 2, "bitrate": 0,
            "fir_freq": 0, "audiocodec": "opus", "videocodec": "vp8",
            "notify_joining": false, "permanent": false,
        }),
    )
    .await?;
    let feeds = [room * 10 + 1, room * 10 + 2];
    for feed in feeds {
        let handle = j.attach().await?;
        let p = peer::start(local_ip, true, stats.clone(), opus.clone()).await?;
        j.route(handle, p.commands.clone());
        let offer = p.offer.ok_or_else(|| anyhow!("no offer"))?;
        let ev = j
            .request_async(
                handle,
                json!({"request": "joinandconfigure", "ptype": "publisher", "room": room,
                       "id": feed, "audio": true, "video": true}),
                Some(json!({"type": "offer", "sdp": offer, "trickle": false})),
            )
            .await?;
        let answer = ev["jsep"]["sdp"]
            .as_str()
            .ok_or_else(|| anyhow!("publisher got no answer: {ev}"))?;
        let _ = p.commands.send(Command::Answer(answer.to_owned()));
    }
    Ok(feeds)
}

/// Subscribes each participant of a consultation to the other's feed.
pub async fn subscribe(
    j: &Arc<Janus>,
    room: u64,
    feeds: [u64; 2],
    local_ip: IpAddr,
    stats: &Arc<Stats>,
    opus: &Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<()> {
    for i in 0..2 {
        let other = feeds[1 - i];
        let handle = j.attach().await?;
        let p = peer::start(local_ip, false, stats.clone(), opus.clone()).await?;
        j.route(handle, p.commands.clone());
        let ev = j
            .request_async(
                handle,
                json!({"request": "join", "ptype": "subscriber", "room": room,
                       "streams": [{"feed": other}]}),
                None,
            )
            .await?;
        let offer = ev["jsep"]["sdp"]
            .as_str()
            .ok_or_else(|| anyhow!("subscriber got no offer: {ev}"))?;
        let (tx, rx) = oneshot::channel();
        let _ = p.commands.send(Command::Offer(offer.to_owned(), tx));
        let answer = rx.await?.map_err(|e| anyhow!("answering Janus: {e}"))?;
        j.request_async(
            handle,
            json!({"request": "start"}),
            Some(json!({"type": "answer", "sdp": answer, "trickle": false})),
        )
        .await?;
    }
    Ok(())
}
