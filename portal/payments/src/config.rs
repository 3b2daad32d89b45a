//! `[payments]` (docs/payments.md §4). Nothing is offered unless configured: a fresh
//! install takes no money until an operator names an account, and each provider's section
//! is checked at start (a wrong URL or a missing secret refuses the start, not the first
//! citizen's payment).
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;

use crate::invoice::{InvoiceConfig, InvoiceSettings};
use crate::ledger::Way;
use crate::money::Currency;
use crate::provider::paypal::{PayPal, PayPalConfig};
use crate::provider::xbezahldienste::{XBezahldienste, XbdConfig};
use crate::provider::Provider;

/// `[payments]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentsConfig {
    /// The catalogue's fee currency (ISO 4217).
    pub currency: String,
    /// Minutes an online payment may stay requested or started before the settle job
    /// times it out: longer than the platforms' own pay-page time-outs and PayPal's
    /// checkout session.
    pub settle_after_minutes: u32,
    /// Days failed online payments are asked about again, since a provider may still
    /// report the money taken.
    pub recheck_days: u32,
    /// `[payments.xbezahldienste]`: not printed by `vamt config check` (it holds secrets).
    #[serde(skip_serializing)]
    pub xbezahldienste: Option<XbdConfig>,
    /// `[payments.paypal]`: not printed either.
    #[serde(skip_serializing)]
    pub paypal: Option<PayPalConfig>,
    /// `[payments.invoice]`
    pub invoice: Option<InvoiceConfig>,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        PaymentsConfig {
            currency: "EUR".into(),
            settle_after_minutes: 120,
            recheck_days: 7,
            xbezahldienste: None,
            paypal: None,
            invoice: None,
        }
    }
}

/// The configured providers, by way.
#[derive(Clone, Default)]
pub struct Providers(pub BTreeMap<Way, Arc<dyn Provider>>);

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.keys().map(|w| w.word()))
            .finish()
    }
}

/// What `[payments]` yields.
#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// The fee currency.
    pub currency: Currency,
    /// The settle job's time-out.
    pub settle_after: chrono::Duration,
    /// How long failed payments are asked about again.
    pub recheck_for: chrono::Duration,
    /// The providers, ready to call.
    pub providers: Providers,
    /// Invoices, when offered.
    pub invoice: Option<InvoiceSettings>,
}

impl PaymentsConfig {
    /// Checks the section and builds the enabled providers.
    pub fn validate(&self) -> Result<PaymentSettings, ConfigError> {
        let currency = Currency::parse(&self.currency)
            .map_err(|e| ConfigError::new("payments.currency", e.to_string()))?;
        if !(5..=7 * 24 * 60).contains(&self.settle_after_minutes) {
            return Err(ConfigError::new(
                "payments.settle_after_minutes",
                "5 to 10080 (a week)",
            ));
        }
        if self.recheck_days > 90 {
            return Err(ConfigError::new("payments.recheck_days", "0 to 90"));
        }
        let mut providers: BTreeMap<Way, Arc<dyn Provider>> = BTreeMap::new();
        if let Some(c) = self.xbezahldienste.as_ref().filter(|c| c.enabled) {
            let p = XBezahldienste::from_config(c)
                .map_err(|e| ConfigError::new("payments.xbezahldienste", e.to_string()))?;
            providers.insert(Way::Xbezahldienste, Arc::new(p));
        }
        if let Some(c) = self.paypal.as_ref().filter(|c| c.enabled) {
            if currency.exponent() != 2 {
                return Err(ConfigError::new(
                    "payments.paypal",
                    "PayPal is offered for currencies with two decimals",
                ));
            }
            let p = PayPal::from_config(c)
                .map_err(|e| ConfigError::new("payments.paypal", e.to_string()))?;
            providers.insert(Way::Paypal, Arc::new(p));
        }
        let invoice = match self.invoice.as_ref().filter(|c| c.enabled) {
            Some(c) => Some(c.validate()?),
            None => None,
        };
        Ok(PaymentSettings {
            invoice,
            currency,
            settle_after: chrono::Duration::minutes(i64::from(self.settle_after_minutes)),
            recheck_for: chrono::Duration::days(i64::from(self.recheck_days)),
            providers: Providers(providers),
        })
    }
}
