//! The network namespace a server under test runs in: a veth pair, `10.77.0.1` on the host
//! side (the load generator's address) and `10.77.0.2` inside, `lo` up, no default route.
//! Janus offers no loopback candidates, so both servers run this way and the path is equal.
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

/// The generator's address (host side of the veth pair).
pub const HOST_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
/// The server's address inside the namespace.
pub const INNER_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);

const NAME: &str = "vamt-bench";
const HOST_LINK: &str = "vamtb-host";
const INNER_LINK: &str = "vamtb-inner";

/// A namespace made for one bench run; removed on drop.
pub struct Namespace;

impl Namespace {
    /// Makes the namespace (removing a stale one a killed run left behind).
    pub fn create() -> anyhow::Result<Self> {
        teardown();
        let host = format!("{HOST_IP}/24");
        let inner = format!("{INNER_IP}/24");
        let steps: [&[&str]; 8] = [
            &["netns", "add", NAME],
            &[
                "link", "add", HOST_LINK, "type", "veth", "peer", "name", INNER_LINK,
            ],
            &["link", "set", INNER_LINK, "netns", NAME],
            &["addr", "add", &host, "dev", HOST_LINK],
            &["link", "set", HOST_LINK, "up"],
            &["-n", NAME, "addr", "add", &inner, "dev", INNER_LINK],
            &["-n", NAME, "link", "set", INNER_LINK, "up"],
            &["-n", NAME, "link", "set", "lo", "up"],
        ];
        let ns = Namespace;
        for args in steps {
            let status = Command::new("ip")
                .args(args)
                .stderr(Stdio::inherit())
                .status()
                .context("running ip (iproute2)")?;
            if !status.success() {
                bail!(
                    "ip {} failed (the bench needs root for network namespaces)",
                    args.join(" ")
                );
            }
        }
        Ok(ns)
    }

    /// `program` inside the namespace, pinned to `cpu` when given.
    pub fn command(&self, cpu: Option<usize>, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", NAME]);
        if let Some(cpu) = cpu {
            // `ip netns exec` and `taskset` both exec, so the child's PID is the server's.
            c.args(["taskset", "-c", &cpu.to_string()]);
        }
        c.arg(program);
        c
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        teardown();
    }
}

fn teardown() {
    for args in [&["link", "del", HOST_LINK][..], &["netns", "del", NAME][..]] {
        let _ = Command::new("ip")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
