//! Payments without I/O (issue 21): money as whole minor units of an ISO 4217 currency
//! (`money`), the fee of an appointment quoted from the catalogue's prices and options
//! (`fee`), and the payment's state machine over the providers' notifications (`payment`).
//!
//! Nothing here reads a database, a clock or the network: the storage layer passes the fee
//! schedule in as data and keeps the [`Payment`] value, the provider adapters (XBezahldienste,
//! PayPal, invoice) turn their webhooks into [`Notification`]s, and the web crate shows the
//! [`Quote`]. That keeps the rules that decide about money testable on their own, against a
//! brute-force reference.
#![forbid(unsafe_code)]

pub mod cashier;
pub mod config;
pub mod fee;
pub mod invoice;
pub mod ledger;
pub mod metrics;
/// Money is the portal's one type, from the core: fees, payments and pages share it.
pub use vamt_portal_core::money;
pub mod camt;
pub mod epc;
pub mod invoice_number;
pub mod payment;
pub mod price_list;
pub mod provider;
pub mod rf;

pub use camt::{match_statements, parse_statement, CamtError, MatchOutcome, Report};
pub use epc::{epc_payload, Beneficiary, Bic, BicError, EpcError, Iban, IbanError};
pub use fee::{Chosen, Fee, FeeError, FeeSchedule, Item, Line, OptionId, PricedOption, Quote};
pub use fee::{QuoteItem, ServiceId};
pub use invoice_number::{NumberFormat, NumberFormatError};
pub use money::{Currency, Money, MoneyError};
pub use payment::{apply, BadProviderId, Event, EventId, FailReason, Hold, Notification};
pub use payment::{Outcome, Payment, ProviderRef, RefundId, Refusal, RequestError, State, Status};
pub use provider::{
    CreateRequest, Created, Handle, Inbound, Provider, ProviderError, Rejected, Verified,
};
pub use rf::{CreditorReference, RfError};
