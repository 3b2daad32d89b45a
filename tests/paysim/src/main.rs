//! `vamt-paysim`: runs the payment simulators for the browser tests (`tests/e2e`).
//!
//! Prints one JSON line with the base URLs, e.g.
//! `{"xbezahldienste":"http://127.0.0.1:40123","paypal":"http://127.0.0.1:40124"}`, then
//! serves until killed. With neither `--xbezahldienste` nor `--paypal`, both run.

use std::io::Write;

use clap::Parser;
use vamt_paysim::{PayPalConfig, XbdConfig};

#[derive(Parser, Debug)]
#[command(
    name = "vamt-paysim",
    about = "Payment provider simulators for vamt's tests"
)]
struct Args {
    /// Run the XBezahldienste simulator.
    #[arg(long)]
    xbezahldienste: bool,
    /// Run the PayPal simulator.
    #[arg(long)]
    paypal: bool,
    /// XBezahldienste `originatorId` accepted in paths.
    #[arg(long, default_value = "vamt-test")]
    xbd_originator: String,
    /// XBezahldienste `endPointId` accepted in paths.
    #[arg(long, default_value = "09162000")]
    xbd_endpoint: String,
    /// XBezahldienste OAuth client ID.
    #[arg(long, default_value = "vamt-test-client")]
    xbd_client_id: String,
    /// XBezahldienste OAuth client secret.
    #[arg(long, default_value = "vamt-test-secret")]
    xbd_client_secret: String,
    /// PayPal REST client ID.
    #[arg(long, default_value = "vamt-test-paypal-client")]
    paypal_client_id: String,
    /// PayPal REST secret.
    #[arg(long, default_value = "vamt-test-paypal-secret")]
    paypal_client_secret: String,
    /// PayPal webhook ID (part of every signed message).
    #[arg(long, default_value = "8PT597110X687430LKGECATA")]
    paypal_webhook_id: String,
    /// Where PayPal webhooks go (can be set later with `POST /_sim/webhook_url`).
    #[arg(long)]
    paypal_webhook_url: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let both = !args.xbezahldienste && !args.paypal;
    let mut urls = serde_json::Map::new();
    let mut sims = Vec::new();
    if both || args.xbezahldienste {
        let sim = vamt_paysim::xbezahldienste(XbdConfig {
            originator_id: args.xbd_originator,
            endpoint_id: args.xbd_endpoint,
            client_id: args.xbd_client_id,
            client_secret: args.xbd_client_secret,
        })
        .await?;
        urls.insert("xbezahldienste".into(), sim.url().into());
        sims.push(sim);
    }
    if both || args.paypal {
        let sim = vamt_paysim::paypal(PayPalConfig {
            client_id: args.paypal_client_id,
            client_secret: args.paypal_client_secret,
            webhook_id: args.paypal_webhook_id,
            webhook_url: args.paypal_webhook_url,
        })
        .await?;
        urls.insert("paypal".into(), sim.url().into());
        sims.push(sim);
    }
    // One line, flushed: the node harness reads it to learn the ports.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::Value::Object(urls))?;
    out.flush()?;
    drop(out);
    // Serve until killed; the simulators stop with their handles, which live until here.
    tokio::signal::ctrl_c().await?;
    drop(sims);
    Ok(())
}
