//! A payment and what its provider tells about it. The provider (XBezahldienste, PayPal, an
//! invoice's bank statement) sends notifications over the network: late, twice, out of
//! order, replayed by a retry queue. [`apply`] takes one at a time and is pure and
//! idempotent; whatever order they arrive in, the payment ends where the same notifications
//! would have taken it delivered once each in their order (see below), so two servers that
//! received them differently agree, and a replayed webhook can never pay or refund twice.
//!
//! # The order
//!
//! A notification's place is its lifecycle rank — started < failed < cancelled < paid <
//! refunded — then the provider's sequence number, then its event ID
//! ([`Notification::sort_key`]). The rank comes first because providers' sequence numbers
//! and timestamps are only comparable within one kind of event (PayPal's captures and
//! refunds come from different systems, and its webhooks are documented as unordered); the
//! lifecycle is what every provider agrees on.
//!
//! # The transitions ([`State::comes_from`])
//!
//! | to | from |
//! | --- | --- |
//! | started | requested |
//! | failed | requested, started |
//! | cancelled | requested, started, failed |
//! | paid | requested, started, failed, cancelled |
//! | partially refunded | paid, partially refunded |
//! | refunded | paid, partially refunded |
//!
//! Nothing leaves refunded. Failed and cancelled end the citizen's attempt, but not against
//! a later Paid: only a set of outcomes in which one dominates the others converges
//! whatever the arrival order (if Paid after Cancelled and Cancelled after Paid were both
//! refused, the first to arrive would win), and Paid must be the one, because money the
//! provider took is money the office holds: refused, it would be on the account without a
//! record; recorded, the office refunds it. So a cancel after a failed card is a cancel,
//! and a card that went through after all is paid.
//!
//! Within one kind the provider's earlier word counts: the first Started gives the
//! provider's reference, the first Paid the capture's; a later one of the same kind is
//! refused. A notification from earlier in the lifecycle that arrives late is news of the
//! past: a Started after Paid still gives the provider's reference, a Failed after Paid
//! is refused (nothing it says changes the end).
//!
//! # Refunds
//!
//! Refunds count in the provider's order while their sum stays within what was paid. A
//! refund before its payment is paid is held in the payment, not lost, and counts once the
//! Paid arrives. One beyond what was paid is held too rather than refused, because a refund
//! earlier in the provider's order may arrive after it and change which ones fit: dropping
//! it would make the result depend on the arrival order. A held refund is the provider
//! contradicting itself; [`Status::held`] shows it for the office to look into.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::money::{Currency, Money};

/// A provider's ID that is not 1 to 128 visible ASCII characters: what a provider sends is
/// network input, stored and shown later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a provider's ID is 1 to 128 visible ASCII characters")]
pub struct BadProviderId;

fn well_formed(text: &str) -> Result<(), BadProviderId> {
    if (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(BadProviderId)
    }
}

macro_rules! provider_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// `text` as the provider sent it, if it is 1 to 128 visible ASCII characters.
            pub fn new(text: &str) -> Result<$name, BadProviderId> {
                well_formed(text).map(|()| $name(text.to_owned()))
            }

            /// The provider's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

provider_id!(
    /// The provider's ID of one notification (its event or webhook ID): the idempotency
    /// key, since a provider resends an event with the same ID.
    EventId
);
provider_id!(
    /// The provider's reference of the payment or of its capture (a transaction ID).
    ProviderRef
);
provider_id!(
    /// The provider's ID of one refund: one refund reported by two events counts once.
    RefundId
);

/// Where a payment stands, stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Asked of the citizen; the provider has said nothing yet.
    Requested,
    /// The citizen is at the provider's (the provider has a reference for it).
    Started,
    /// The attempt failed (declined, expired); a later Paid still counts.
    Failed,
    /// The citizen or the office cancelled; a later Paid still counts.
    Cancelled,
    /// Paid in full.
    Paid,
    /// Paid, and part of it refunded (how much: [`Status::refunded`]).
    PartiallyRefunded,
    /// Paid and refunded in full: final.
    Refunded,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 7] = [
        State::Requested,
        State::Started,
        State::Failed,
        State::Cancelled,
        State::Paid,
        State::PartiallyRefunded,
        State::Refunded,
    ];

    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            State::Requested => "requested",
            State::Started => "started",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
            State::Paid => "paid",
            State::PartiallyRefunded => "partially_refunded",
            State::Refunded => "refunded",
        }
    }

    /// The state of a stored word.
    pub fn parse(word: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.word() == word)
    }

    /// The states a payment may come to this one from: the one list of allowed moves (the
    /// module's table says why). Partially refunded comes from itself: each further
    /// partial refund is a move.
    pub fn comes_from(self) -> &'static [State] {
        match self {
            State::Requested => &[],
            State::Started => &[State::Requested],
            State::Failed => &[State::Requested, State::Started],
            State::Cancelled => &[State::Requested, State::Started, State::Failed],
            State::Paid => &[
                State::Requested,
                State::Started,
                State::Failed,
                State::Cancelled,
            ],
            State::PartiallyRefunded => &[State::Paid, State::PartiallyRefunded],
            State::Refunded => &[State::Paid, State::PartiallyRefunded],
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// Why the provider says an attempt failed, as its adapter maps the provider's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailReason {
    /// The bank or card declined.
    Declined,
    /// The citizen did not finish in time.
    Expired,
    /// The provider failed.
    ProviderError,
}

impl FailReason {
    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            FailReason::Declined => "declined",
            FailReason::Expired => "expired",
            FailReason::ProviderError => "provider_error",
        }
    }

    /// The reason of a stored word.
    pub fn parse(word: &str) -> Option<FailReason> {
        [
            FailReason::Declined,
            FailReason::Expired,
            FailReason::ProviderError,
        ]
        .into_iter()
        .find(|r| r.word() == word)
    }
}

/// What a provider tells about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The citizen reached the provider, which gave the payment its reference.
    Started {
        /// The provider's reference of the payment.
        provider_ref: ProviderRef,
    },
    /// The money was taken.
    Paid {
        /// How much: must be exactly what was requested.
        amount: Money,
        /// The provider's reference of the capture.
        provider_ref: ProviderRef,
    },
    /// The attempt failed.
    Failed {
        /// Why.
        reason: FailReason,
    },
    /// The attempt was cancelled.
    Cancelled,
    /// Money went back to the citizen.
    Refunded {
        /// How much.
        amount: Money,
        /// The provider's ID of the refund.
        refund_id: RefundId,
    },
}

impl Event {
    /// Its place in the lifecycle: the first part of the order (see the module).
    pub fn rank(&self) -> u8 {
        match self {
            Event::Started { .. } => 0,
            Event::Failed { .. } => 1,
            Event::Cancelled => 2,
            Event::Paid { .. } => 3,
            Event::Refunded { .. } => 4,
        }
    }
}

/// One notification: what happened, with the provider's event ID and sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The provider's ID of this event: a notification with an ID already taken changes
    /// nothing.
    pub id: EventId,
    /// The provider's order of its events for this payment: its sequence number where it
    /// has one, else its event time in microseconds.
    pub seq: u64,
    /// What happened.
    pub event: Event,
}

impl Notification {
    /// Its place in the order the payment converges to: lifecycle rank, then the
    /// provider's sequence, then the event ID (so that no two distinct notifications tie).
    pub fn sort_key(&self) -> (u8, u64, &EventId) {
        (self.event.rank(), self.seq, &self.id)
    }

    fn stamp(&self) -> Stamp {
        Stamp {
            seq: self.seq,
            id: self.id.clone(),
        }
    }
}

/// A notification's place within its kind: the provider's earlier word wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Stamp {
    seq: u64,
    id: EventId,
}

/// How the payment ended, by the notification that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Failed(FailReason),
    Cancelled,
    Paid(ProviderRef),
}

impl End {
    fn state(&self) -> State {
        match self {
            End::Failed(_) => State::Failed,
            End::Cancelled => State::Cancelled,
            End::Paid(_) => State::Paid,
        }
    }
}

/// Why a refund the provider reported does not count (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hold {
    /// The payment is not paid (yet): it counts once the Paid arrives.
    NotPaid,
    /// With the refunds before it in the provider's order, it would give back more than
    /// was paid.
    AboveCaptured,
}

/// A payment as the provider's notifications have left it.
///
/// It keeps, for each part of the state, the notification that decides it (the first
/// Started, the end that dominates, each refund by its ID) and the IDs it has taken, so
/// that a notification arriving late can still take its place in the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    requested: Money,
    started: Option<(Stamp, ProviderRef)>,
    end: Option<(Stamp, End)>,
    refunds: BTreeMap<RefundId, (Stamp, Money)>,
    seen: BTreeSet<EventId>,
}

/// What a payment shows: what the storage layer writes and the office sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Where it stands.
    pub state: State,
    /// Refunded so far (nothing unless paid).
    pub refunded: Money,
    /// The provider's reference of the payment, from its first Started.
    pub provider_ref: Option<ProviderRef>,
    /// The provider's reference of the capture, when paid.
    pub paid_ref: Option<ProviderRef>,
    /// Why it failed, when it stands failed.
    pub failure: Option<FailReason>,
    /// Refunds reported that do not count, in the provider's order.
    pub held: Vec<(RefundId, Hold)>,
}

/// Why a payment could not be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// An amount of nothing or less: a free service asks for no payment.
    #[error("a payment is of more than nothing")]
    NotPositive,
}

/// Why a notification was refused. A refused notification changes nothing, and stays
/// refused: nothing that arrives later makes it fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A Paid of another amount than was requested: the fee is exact, never "about".
    #[error("paid {reported}, requested {requested}")]
    AmountMismatch {
        /// What was requested.
        requested: Money,
        /// What the provider reports.
        reported: Money,
    },
    /// A Paid or a refund in another currency than the payment's.
    #[error("reported in {reported}, requested in {requested}")]
    CurrencyMismatch {
        /// The payment's currency.
        requested: Currency,
        /// The notification's.
        reported: Currency,
    },
    /// A refund of nothing or less.
    #[error("a refund of nothing or less")]
    RefundNotPositive,
    /// A refund larger than the whole payment: no order of events makes it fit.
    #[error("a refund of {refund} of a payment of {requested}")]
    RefundAboveRequested {
        /// What was requested (and paid, at most).
        requested: Money,
        /// The refund.
        refund: Money,
    },
    /// The payment is paid: a failure, a cancel or a later second Paid does not undo or
    /// repeat it.
    #[error("already paid")]
    AlreadyPaid,
    /// The payment already stands at `state`, which this notification does not lead from
    /// (a failure after a cancel, a second Started or Failed later in the provider's order).
    #[error("already {state}")]
    Superseded {
        /// Where it stands.
        state: State,
    },
    /// The refund was reported earlier in the provider's order, by another event.
    #[error("refund {0} already reported")]
    RefundReported(RefundId),
}

/// What [`apply`] made of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Outcome {
    /// Taken: the payment as it now is (its state may be the same: a late Started gives
    /// only its reference).
    Applied(Payment),
    /// A refund taken but not counted (yet), and why: the payment as it now is.
    Held(Payment, Hold),
    /// Its event ID was taken before: nothing changes.
    Duplicate,
    /// Does not fit: nothing changes.
    Refused(Refusal),
}

impl Payment {
    /// A payment of `amount`, nothing heard from the provider yet.
    pub fn request(amount: Money) -> Result<Payment, RequestError> {
        if !amount.is_positive() {
            return Err(RequestError::NotPositive);
        }
        Ok(Payment {
            requested: amount,
            started: None,
            end: None,
            refunds: BTreeMap::new(),
            seen: BTreeSet::new(),
        })
    }

    /// What was requested.
    pub fn requested(&self) -> Money {
        self.requested
    }

    /// Whether the notification `id` was taken.
    pub fn has_taken(&self, id: &EventId) -> bool {
        self.seen.contains(id)
    }

    /// Where it stands.
    pub fn state(&self) -> State {
        self.status().state
    }

    /// Everything it shows.
    pub fn status(&self) -> Status {
        let (refunded, held) = self.tally();
        let state = match &self.end {
            None if self.started.is_some() => State::Started,
            None => State::Requested,
            Some((_, end)) => match end.state() {
                State::Paid if refunded == self.requested.minor => State::Refunded,
                State::Paid if refunded > 0 => State::PartiallyRefunded,
                other => other,
            },
        };
        Status {
            state,
            refunded: Money::new(refunded, self.requested.currency),
            provider_ref: self.started.as_ref().map(|(_, r)| r.clone()),
            paid_ref: match &self.end {
                Some((_, End::Paid(r))) => Some(r.clone()),
                _ => None,
            },
            failure: match &self.end {
                Some((_, End::Failed(reason))) => Some(*reason),
                _ => None,
            },
            held,
        }
    }

    /// Refunded so far (minor units) and the refunds that do not count: in the provider's
    /// order, each while the sum stays within what was paid.
    fn tally(&self) -> (i64, Vec<(RefundId, Hold)>) {
        let paid = matches!(self.end, Some((_, End::Paid(_))));
        let mut ordered: Vec<(&Stamp, &RefundId, i64)> = self
            .refunds
            .iter()
            .map(|(id, (stamp, amount))| (stamp, id, amount.minor))
            .collect();
        ordered.sort_by(|a, b| a.0.cmp(b.0));
        let mut refunded = 0;
        let mut held = Vec::new();
        for (_, id, minor) in ordered {
            if !paid {
                held.push((id.clone(), Hold::NotPaid));
            } else if minor <= self.requested.minor - refunded {
                // Each amount was checked to lie in 1..=requested, and the sum stays
                // within requested: no overflow.
                refunded += minor;
            } else {
                held.push((id.clone(), Hold::AboveCaptured));
            }
        }
        (refunded, held)
    }

    /// The payment with `n` taken, or why it does not fit.
    fn take(&self, n: &Notification) -> Result<Payment, Refusal> {
        let stamp = n.stamp();
        let mut next = self.clone();
        match &n.event {
            Event::Started { provider_ref } => {
                if matches!(&self.started, Some((first, _)) if *first < stamp) {
                    return Err(Refusal::Superseded {
                        state: State::Started,
                    });
                }
                next.started = Some((stamp, provider_ref.clone()));
            }
            Event::Paid {
                amount,
                provider_ref,
            } => {
                self.same_currency(*amount)?;
                if *amount != self.requested {
                    return Err(Refusal::AmountMismatch {
                        requested: self.requested,
                        reported: *amount,
                    });
                }
                next.end = Some(self.end_with(stamp, End::Paid(provider_ref.clone()))?);
            }
            Event::Failed { reason } => {
                next.end = Some(self.end_with(stamp, End::Failed(*reason))?);
            }
            Event::Cancelled => next.end = Some(self.end_with(stamp, End::Cancelled)?),
            Event::Refunded { amount, refund_id } => {
                self.same_currency(*amount)?;
                if !amount.is_positive() {
                    return Err(Refusal::RefundNotPositive);
                }
                if amount.minor > self.requested.minor {
                    return Err(Refusal::RefundAboveRequested {
                        requested: self.requested,
                        refund: *amount,
                    });
                }
                if matches!(self.refunds.get(refund_id), Some((first, _)) if *first < stamp) {
                    return Err(Refusal::RefundReported(refund_id.clone()));
                }
                next.refunds.insert(refund_id.clone(), (stamp, *amount));
            }
        }
        next.seen.insert(n.id.clone());
        Ok(next)
    }

    /// The end `end` at `stamp` if the table leads to it from the present end, or it is
    /// the same end earlier in the provider's order.
    fn end_with(&self, stamp: Stamp, end: End) -> Result<(Stamp, End), Refusal> {
        if let Some((present_stamp, present)) = &self.end {
            let (from, to) = (present.state(), end.state());
            let earlier_word = from == to && stamp < *present_stamp;
            if !earlier_word && !to.comes_from().contains(&from) {
                return Err(match from {
                    State::Paid => Refusal::AlreadyPaid,
                    state => Refusal::Superseded { state },
                });
            }
        }
        Ok((stamp, end))
    }

    fn same_currency(&self, amount: Money) -> Result<(), Refusal> {
        if amount.currency == self.requested.currency {
            Ok(())
        } else {
            Err(Refusal::CurrencyMismatch {
                requested: self.requested.currency,
                reported: amount.currency,
            })
        }
    }
}

/// `payment` after the provider's notification `n`: pure, and idempotent by `n`'s event
/// ID. A notification already taken is a [`Outcome::Duplicate`], one that does not fit
/// is [`Outcome::Refused`] with the reason, and neither changes anything; a refund that
/// cannot count yet is [`Outcome::Held`] in the payment.
pub fn apply(payment: &Payment, n: &Notification) -> Outcome {
    if payment.seen.contains(&n.id) {
        return Outcome::Duplicate;
    }
    match payment.take(n) {
        Err(refusal) => Outcome::Refused(refusal),
        Ok(next) => {
            let hold = match &n.event {
                Event::Refunded { refund_id, .. } => next
                    .tally()
                    .1
                    .into_iter()
                    .find_map(|(id, hold)| (id == *refund_id).then_some(hold)),
                _ => None,
            };
            match hold {
                Some(hold) => Outcome::Held(next, hold),
                None => Outcome::Applied(next),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    fn note(id: &str, seq: u64, event: Event) -> Notification {
        Notification {
            id: EventId::new(id).expect("event id"),
            seq,
            event,
        }
    }

    fn reference_of(text: &str) -> ProviderRef {
        ProviderRef::new(text).expect("provider ref")
    }

    fn refund_id(text: &str) -> RefundId {
        RefundId::new(text).expect("refund id")
    }

    fn started(id: &str, seq: u64, r: &str) -> Notification {
        note(
            id,
            seq,
            Event::Started {
                provider_ref: reference_of(r),
            },
        )
    }

    fn paid(id: &str, seq: u64, amount: Money) -> Notification {
        note(
            id,
            seq,
            Event::Paid {
                amount,
                provider_ref: reference_of("capture-1"),
            },
        )
    }

    fn refunded(id: &str, seq: u64, minor: i64, refund: &str) -> Notification {
        note(
            id,
            seq,
            Event::Refunded {
                amount: eur(minor),
                refund_id: refund_id(refund),
            },
        )
    }

    /// The payment after `n`, whatever the outcome.
    fn after(p: Payment, n: &Notification) -> Payment {
        match apply(&p, n) {
            Outcome::Applied(next) | Outcome::Held(next, _) => next,
            Outcome::Duplicate | Outcome::Refused(_) => p,
        }
    }

    fn fold<'a>(p: Payment, ns: impl IntoIterator<Item = &'a Notification>) -> Payment {
        ns.into_iter().fold(p, after)
    }

    fn requested() -> Payment {
        Payment::request(eur(1250)).expect("positive")
    }

    /// `p` refuses `n` with `why` and stays as it was.
    #[track_caller]
    fn refuses(p: &Payment, n: &Notification, why: Refusal) {
        assert_eq!(apply(p, n), Outcome::Refused(why));
    }

    #[test]
    fn states_round_trip_and_only_listed_moves_exist() {
        for s in State::ALL {
            assert_eq!(State::parse(s.word()), Some(s));
            assert_eq!(
                s.comes_from().contains(&s),
                s == State::PartiallyRefunded,
                "{s} to itself"
            );
        }
        assert_eq!(State::parse("Paid"), None);
        assert!(State::Requested.comes_from().is_empty());
        // Nothing leaves refunded, and nothing but refunds leaves paid.
        assert!(State::ALL
            .iter()
            .all(|s| !s.comes_from().contains(&State::Refunded)));
        assert!(State::ALL
            .iter()
            .filter(|s| s.comes_from().contains(&State::Paid))
            .all(|s| matches!(s, State::PartiallyRefunded | State::Refunded)));
        for r in [
            FailReason::Declined,
            FailReason::Expired,
            FailReason::ProviderError,
        ] {
            assert_eq!(FailReason::parse(r.word()), Some(r));
        }
    }

    #[test]
    fn a_payment_is_of_more_than_nothing() {
        assert_eq!(Payment::request(eur(0)), Err(RequestError::NotPositive));
        assert_eq!(Payment::request(eur(-5)), Err(RequestError::NotPositive));
    }

    #[test]
    fn provider_ids_are_short_visible_ascii() {
        assert!(EventId::new("WH-2GG279541U471931P-5M8373186W917582K").is_ok());
        for bad in ["", "a b", "tab\t", "é", "x".repeat(129).as_str()] {
            assert_eq!(EventId::new(bad), Err(BadProviderId), "{bad:?}");
        }
    }

    #[test]
    fn paid_then_refunded_in_two_parts() {
        let p = requested();
        let Outcome::Applied(p) = apply(&p, &started("e1", 1, "tx-1")) else {
            panic!("started")
        };
        assert_eq!(p.state(), State::Started);
        let Outcome::Applied(p) = apply(&p, &paid("e2", 2, eur(1250))) else {
            panic!("paid")
        };
        let s = p.status();
        assert_eq!((s.state, s.refunded), (State::Paid, eur(0)));
        assert_eq!(s.provider_ref, Some(reference_of("tx-1")));
        assert_eq!(s.paid_ref, Some(reference_of("capture-1")));
        let Outcome::Applied(p) = apply(&p, &refunded("e3", 3, 250, "r1")) else {
            panic!("refund")
        };
        assert_eq!(
            (p.state(), p.status().refunded),
            (State::PartiallyRefunded, eur(250))
        );
        let Outcome::Applied(p) = apply(&p, &refunded("e4", 4, 1000, "r2")) else {
            panic!("refund")
        };
        assert_eq!(
            (p.state(), p.status().refunded),
            (State::Refunded, eur(1250))
        );
    }

    #[test]
    fn a_replayed_notification_changes_nothing() {
        let p = fold(requested(), &[paid("e1", 1, eur(1250))]);
        assert_eq!(apply(&p, &paid("e1", 1, eur(1250))), Outcome::Duplicate);
        let p = fold(p, &[refunded("e2", 2, 100, "r1")]);
        assert_eq!(apply(&p, &refunded("e2", 2, 100, "r1")), Outcome::Duplicate);
        assert_eq!(p.status().refunded, eur(100));
    }

    #[test]
    fn paid_before_started_ends_paid_with_both_references() {
        let p = fold(
            requested(),
            &[paid("e2", 2, eur(1250)), started("e1", 1, "tx-1")],
        );
        let s = p.status();
        assert_eq!(s.state, State::Paid);
        assert_eq!(s.provider_ref, Some(reference_of("tx-1")));
        assert_eq!(s.paid_ref, Some(reference_of("capture-1")));
    }

    #[test]
    fn a_refund_before_its_payment_is_held_then_counts() {
        let p = requested();
        let Outcome::Held(p, Hold::NotPaid) = apply(&p, &refunded("e3", 3, 250, "r1")) else {
            panic!("held")
        };
        assert_eq!(p.state(), State::Requested);
        assert_eq!(p.status().held, vec![(refund_id("r1"), Hold::NotPaid)]);
        let Outcome::Applied(p) = apply(&p, &paid("e2", 2, eur(1250))) else {
            panic!("paid")
        };
        let s = p.status();
        assert_eq!(
            (s.state, s.refunded, s.held),
            (State::PartiallyRefunded, eur(250), vec![])
        );
    }

    #[test]
    fn a_late_payment_after_a_cancel_or_a_failure_is_recorded() {
        let failed = note(
            "e1",
            1,
            Event::Failed {
                reason: FailReason::Declined,
            },
        );
        let p = fold(requested(), &[failed]);
        assert_eq!(p.status().failure, Some(FailReason::Declined));
        let p = fold(p, &[note("e2", 2, Event::Cancelled)]);
        assert_eq!((p.state(), p.status().failure), (State::Cancelled, None));
        let p = fold(p, &[paid("e3", 3, eur(1250))]);
        assert_eq!(p.state(), State::Paid);
    }

    #[test]
    fn each_refusal_changes_nothing() {
        let p = fold(requested(), &[started("e1", 5, "tx-1")]);
        refuses(
            &p,
            &paid("x1", 6, eur(1200)),
            Refusal::AmountMismatch {
                requested: eur(1250),
                reported: eur(1200),
            },
        );
        refuses(
            &p,
            &paid("x2", 6, Money::new(1250, Currency::CHF)),
            Refusal::CurrencyMismatch {
                requested: Currency::EUR,
                reported: Currency::CHF,
            },
        );
        // A second Started later in the provider's order.
        refuses(
            &p,
            &started("x3", 6, "tx-2"),
            Refusal::Superseded {
                state: State::Started,
            },
        );

        let cancelled = fold(p.clone(), &[note("e2", 6, Event::Cancelled)]);
        let failed = note(
            "x4",
            7,
            Event::Failed {
                reason: FailReason::Expired,
            },
        );
        refuses(
            &cancelled,
            &failed,
            Refusal::Superseded {
                state: State::Cancelled,
            },
        );

        let paid_p = fold(p, &[paid("e3", 7, eur(1250))]);
        refuses(&paid_p, &failed, Refusal::AlreadyPaid);
        refuses(
            &paid_p,
            &note("x5", 8, Event::Cancelled),
            Refusal::AlreadyPaid,
        );
        refuses(&paid_p, &paid("x6", 8, eur(1250)), Refusal::AlreadyPaid);
        refuses(
            &paid_p,
            &note(
                "x7",
                8,
                Event::Refunded {
                    amount: Money::new(100, Currency::USD),
                    refund_id: refund_id("r1"),
                },
            ),
            Refusal::CurrencyMismatch {
                requested: Currency::EUR,
                reported: Currency::USD,
            },
        );
        refuses(
            &paid_p,
            &refunded("x8", 8, 0, "r1"),
            Refusal::RefundNotPositive,
        );
        refuses(
            &paid_p,
            &refunded("x9", 8, -100, "r1"),
            Refusal::RefundNotPositive,
        );
        refuses(
            &paid_p,
            &refunded("x10", 8, 1251, "r1"),
            Refusal::RefundAboveRequested {
                requested: eur(1250),
                refund: eur(1251),
            },
        );
        let refunded_p = fold(paid_p, &[refunded("e4", 8, 100, "r1")]);
        refuses(
            &refunded_p,
            &refunded("x11", 9, 100, "r1"),
            Refusal::RefundReported(refund_id("r1")),
        );
        assert_eq!(refunded_p.status().refunded, eur(100));
    }

    #[test]
    fn refunds_beyond_what_was_paid_are_held_and_the_provider_order_decides() {
        // Paid 12.50: r2 (7.00) and r3 (5.50) refund it all and r4 (1.00) does not fit,
        // until r1 (6.00), earlier in the provider's order, arrives: then r1, r3 and r4
        // fit and r2 does not. Had r4 been dropped on arrival, it would now be missing.
        let pay = paid("p", 1, eur(1250));
        let (r1, r2, r3, r4) = (
            refunded("e1", 10, 600, "r1"),
            refunded("e2", 20, 700, "r2"),
            refunded("e3", 30, 550, "r3"),
            refunded("e4", 40, 100, "r4"),
        );
        let p = fold(requested(), [&pay, &r2, &r3]);
        assert_eq!(p.state(), State::Refunded);
        let Outcome::Held(p, Hold::AboveCaptured) = apply(&p, &r4) else {
            panic!("held")
        };
        let p = fold(p, [&r1]);
        let s = p.status();
        assert_eq!((s.state, s.refunded), (State::Refunded, eur(1250)));
        assert_eq!(s.held, vec![(refund_id("r2"), Hold::AboveCaptured)]);
        assert_eq!(s, fold(requested(), [&pay, &r1, &r2, &r3, &r4]).status());
    }

    mod reference {
        //! The acceptance point of issue 21: for any sequence of provider notifications,
        //! duplicated, reordered and replayed, the payment ends where the ordered,
        //! deduplicated sequence takes a plain machine that knows only the table and
        //! applies one notification after the other.
        use super::*;
        use std::collections::{BTreeMap, BTreeSet};

        /// The distinct notifications of `arrived`, sorted by [`Notification::sort_key`],
        /// applied one after the other by [`State::comes_from`] alone.
        fn reference<'a>(
            requested: Money,
            arrived: impl IntoIterator<Item = &'a Notification>,
        ) -> Status {
            let distinct: BTreeMap<&EventId, &Notification> =
                arrived.into_iter().map(|n| (&n.id, n)).collect();
            let mut ordered: Vec<&Notification> = distinct.into_values().collect();
            ordered.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let mut s = Status {
                state: State::Requested,
                refunded: Money::zero(requested.currency),
                provider_ref: None,
                paid_ref: None,
                failure: None,
                held: Vec::new(),
            };
            let mut refund_ids = BTreeSet::new();
            for n in ordered {
                let can = |s: &Status, to: State| to.comes_from().contains(&s.state);
                match &n.event {
                    Event::Started { provider_ref } if can(&s, State::Started) => {
                        s.state = State::Started;
                        s.provider_ref = Some(provider_ref.clone());
                    }
                    Event::Failed { reason } if can(&s, State::Failed) => {
                        s.state = State::Failed;
                        s.failure = Some(*reason);
                    }
                    Event::Cancelled if can(&s, State::Cancelled) => {
                        s.state = State::Cancelled;
                        s.failure = None;
                    }
                    Event::Paid {
                        amount,
                        provider_ref,
                    } if *amount == requested && can(&s, State::Paid) => {
                        s.state = State::Paid;
                        s.paid_ref = Some(provider_ref.clone());
                        s.failure = None;
                    }
                    Event::Refunded { amount, refund_id }
                        if amount.currency == requested.currency
                            && (1..=requested.minor).contains(&amount.minor)
                            && refund_ids.insert(refund_id.clone()) =>
                    {
                        let sum = s.refunded.minor + amount.minor;
                        let to = if sum == requested.minor {
                            State::Refunded
                        } else {
                            State::PartiallyRefunded
                        };
                        if !matches!(
                            s.state,
                            State::Paid | State::PartiallyRefunded | State::Refunded
                        ) {
                            s.held.push((refund_id.clone(), Hold::NotPaid));
                        } else if sum <= requested.minor && can(&s, to) {
                            s.refunded.minor = sum;
                            s.state = to;
                        } else {
                            s.held.push((refund_id.clone(), Hold::AboveCaptured));
                        }
                    }
                    _ => {}
                }
            }
            s
        }

        /// Up to nine distinct notifications of one payment of `requested` cents: every
        /// kind, sequence numbers that tie, two provider references and three refund IDs
        /// (so that kinds repeat and refunds collide), and amounts that are right, wrong,
        /// in another currency, partial, whole and too large.
        fn notifications(requested: i64) -> impl Strategy<Value = Vec<Notification>> {
            prop::collection::vec((0u8..8, 0u64..4, 0u8..3, 0u8..12), 1..10).prop_map(
                move |specs| {
                    specs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (kind, seq, which, amount))| {
                            let provider_ref = reference_of(&format!("tx-{}", which % 2));
                            let event = match kind {
                                0 => Event::Started { provider_ref },
                                1 => Event::Paid {
                                    amount: match amount {
                                        0 => eur(requested + 1),
                                        1 => Money::new(requested, Currency::CHF),
                                        _ => eur(requested),
                                    },
                                    provider_ref,
                                },
                                2 => Event::Failed {
                                    reason: [
                                        FailReason::Declined,
                                        FailReason::Expired,
                                        FailReason::ProviderError,
                                    ][usize::from(which)],
                                },
                                3 => Event::Cancelled,
                                _ => Event::Refunded {
                                    amount: match amount {
                                        0 => eur(0),
                                        1 => eur(requested + 1),
                                        2 => Money::new(requested, Currency::CHF),
                                        // A ninth up to the whole.
                                        k => eur(requested * i64::from(k - 2) / 9),
                                    },
                                    refund_id: refund_id(&format!("rf-{which}")),
                                },
                            };
                            note(&format!("ev-{i}"), seq, event)
                        })
                        .collect()
                },
            )
        }

        /// A payment, its notifications, and an arrival: every notification at least
        /// once, some again, in any order.
        fn arrivals() -> impl Strategy<Value = (i64, Vec<Notification>, Vec<usize>)> {
            (1i64..100_000)
                .prop_flat_map(|requested| (Just(requested), notifications(requested)))
                .prop_flat_map(|(requested, pool)| {
                    let n = pool.len();
                    let order = prop::collection::vec(0..n, 0..2 * n).prop_flat_map(move |again| {
                        let mut all: Vec<usize> = (0..n).collect();
                        all.extend(again);
                        Just(all).prop_shuffle()
                    });
                    (Just(requested), Just(pool), order)
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn any_arrival_ends_as_the_ordered_deduplicated_sequence(
                (requested, pool, order) in arrivals()
            ) {
                let start = Payment::request(eur(requested)).expect("positive");
                let arrived: Vec<&Notification> = order.iter().map(|i| &pool[*i]).collect();
                let live = fold(start.clone(), arrived.iter().copied());
                prop_assert_eq!(live.status(), reference(eur(requested), arrived.iter().copied()));

                // In their order, once each, the live machine agrees too.
                let mut sorted: Vec<&Notification> = pool.iter().collect();
                sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                prop_assert_eq!(fold(start, sorted).status(), live.status());

                // Replaying everything changes nothing, and each notification is now a
                // duplicate or refused: a refusal stays one.
                prop_assert_eq!(&fold(live.clone(), arrived.iter().copied()), &live);
                for n in &pool {
                    let outcome = apply(&live, n);
                    prop_assert!(
                        matches!(outcome, Outcome::Duplicate | Outcome::Refused(_)),
                        "{:?} after all: {:?}", n, outcome
                    );
                }
            }
        }
    }
}
