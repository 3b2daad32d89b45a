//! The fee of an appointment, quoted from the catalogue's prices: each service's base fee
//! plus the options the citizen chose (an extra certified copy, an express issue), several
//! services in one appointment adding up. The schedule is passed in as data (the storage
//! layer reads it from the catalogue), so a quote is a pure function the web crate can show
//! before anything is paid and the payment can request exactly.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError};

pub use vamt_portal_core::schedule::ServiceId;

/// An option of a service's fee (`extra-copy`): lowercase letters, digits and dashes, at
/// most 64, so it can name its text in the Fluent catalogue and travel in a form field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OptionId(String);

impl TryFrom<String> for OptionId {
    type Error = FeeError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        OptionId::new(&id)
    }
}

impl From<OptionId> for String {
    fn from(id: OptionId) -> String {
        id.0
    }
}

impl OptionId {
    /// The option `id`, if it is well-formed.
    pub fn new(id: &str) -> Result<OptionId, FeeError> {
        let ok = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(OptionId(id.to_owned()))
        } else {
            Err(FeeError::BadOptionId)
        }
    }

    /// The option's word.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OptionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An option priced per unit, up to the most a citizen may order in one appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOption {
    /// Its ID.
    pub id: OptionId,
    /// The price of one (one copy).
    pub unit: Money,
    /// The most one appointment may order.
    pub max_quantity: u32,
}

/// What a service costs: a base fee, due whenever the service is done, and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// Due for the service itself (may be nothing: many services are free).
    pub base: Money,
    /// What may be added, each at most once in the list.
    pub options: Vec<PricedOption>,
}

/// The catalogue's fees, all in one currency: a city charges in its own, and a quote that
/// added francs to euros would be a wrong number, not a total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSchedule {
    currency: Currency,
    fees: BTreeMap<ServiceId, Fee>,
}

/// One service of the appointment and the options chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The service.
    pub service: ServiceId,
    /// Options chosen, each at most once; a quantity of zero is as not chosen.
    pub options: Vec<Chosen>,
}

/// An option chosen, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The option.
    pub option: OptionId,
    /// How many (copies).
    pub quantity: u32,
}

/// What a line item is for: the key its description is looked up by in the catalogue's
/// texts (the service's name, the option's word), so that a receipt is shown in the
/// reader's language rather than stored in one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Item {
    /// A service's base fee.
    Service {
        /// The service.
        service: ServiceId,
    },
    /// An option of a service.
    Option {
        /// The service it belongs to.
        service: ServiceId,
        /// The option.
        option: OptionId,
    },
    /// A hearing's warning fine (Verwarnungsgeld, § 56 OWiG), paid in the hearing.
    #[serde(rename = "warning_fine")]
    WarningFine,
}

/// One line of a quote: `quantity` × `unit` = `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteItem {
    /// What it is for.
    pub item: Item,
    /// How many.
    pub quantity: u32,
    /// The price of one.
    pub unit: Money,
    /// `quantity` × `unit`.
    pub total: Money,
}

/// What an appointment costs, item by item, and in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Each service's base fee, then its chosen options, in the order asked.
    pub items: Vec<QuoteItem>,
    /// The sum of the items' totals.
    pub total: Money,
}

impl Quote {
    /// A warning fine of `amount`: one line.
    pub fn warning_fine(amount: Money) -> Quote {
        Quote {
            items: vec![QuoteItem {
                item: Item::WarningFine,
                quantity: 1,
                unit: amount,
                total: amount,
            }],
            total: amount,
        }
    }
}

impl FeeSchedule {
    /// No fees yet, in `currency`.
    pub fn new(currency: Currency) -> FeeSchedule {
        FeeSchedule {
            currency,
            fees: BTreeMap::new(),
        }
    }

    /// The schedule's currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Adds or replaces `service`'s fee. Refused when a price is negative or in another
    /// currency, or an option is listed twice: the catalogue's mistakes show when it is
    /// read, not on a citizen's receipt.
    pub fn set(&mut self, service: ServiceId, fee: Fee) -> Result<(), FeeError> {
        let prices = std::iter::once(fee.base).chain(fee.options.iter().map(|o| o.unit));
        for price in prices {
            if price.currency != self.currency {
                return Err(FeeError::MixedCurrencies {
                    schedule: self.currency,
                    found: price.currency,
                });
            }
            if price.minor < 0 {
                return Err(FeeError::NegativePrice { service });
            }
        }
        let mut ids = BTreeSet::new();
        for o in &fee.options {
            if !ids.insert(&o.id) {
                return Err(FeeError::DuplicateOption {
                    service,
                    option: o.id.clone(),
                });
            }
        }
        self.fees.insert(service, fee);
        Ok(())
    }

    /// `service`'s fee.
    pub fn fee(&self, service: ServiceId) -> Option<&Fee> {
        self.fees.get(&service)
    }

    /// The quote for an appointment of `lines`. Refused for a service or option not in the
    /// schedule, a service or option asked twice (an appointment's services are a set, and
    /// an option asked twice would pass its maximum), more of an option than its maximum,
    /// or a total out of range; never rounded or wrapped.
    pub fn quote(&self, lines: &[Line]) -> Result<Quote, FeeError> {
        let mut items = Vec::new();
        let mut services = BTreeSet::new();
        for line in lines {
            let service = line.service;
            if !services.insert(service) {
                return Err(FeeError::DuplicateService(service));
            }
            let fee = self
                .fees
                .get(&service)
                .ok_or(FeeError::UnknownService(service))?;
            items.push(QuoteItem {
                item: Item::Service { service },
                quantity: 1,
                unit: fee.base,
                total: fee.base,
            });
            let mut chosen = BTreeSet::new();
            for c in &line.options {
                if !chosen.insert(&c.option) {
                    return Err(FeeError::DuplicateOption {
                        service,
                        option: c.option.clone(),
                    });
                }
                let priced = fee
                    .options
                    .iter()
                    .find(|o| o.id == c.option)
                    .ok_or_else(|| FeeError::UnknownOption {
                        service,
                        option: c.option.clone(),
                    })?;
                if c.quantity > priced.max_quantity {
                    return Err(FeeError::TooMany {
                        service,
                        option: c.option.clone(),
                        max: priced.max_quantity,
                        asked: c.quantity,
                    });
                }
                if c.quantity == 0 {
                    continue;
                }
                items.push(QuoteItem {
                    item: Item::Option {
                        service,
                        option: c.option.clone(),
                    },
                    quantity: c.quantity,
                    unit: priced.unit,
                    total: priced.unit.checked_mul(c.quantity)?,
                });
            }
        }
        let total = Money::sum(self.currency, items.iter().map(|i| i.total))?;
        Ok(Quote { items, total })
    }
}

/// Why a fee could not be set or quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// The service has no fee in the schedule.
    #[error("service {0} has no fee")]
    UnknownService(ServiceId),
    /// The service has no such option.
    #[error("service {service} has no option {option}")]
    UnknownOption {
        /// The service.
        service: ServiceId,
        /// The option asked.
        option: OptionId,
    },
    /// More of an option than one appointment may order.
    #[error("at most {max} of {option} for service {service}, not {asked}")]
    TooMany {
        /// The service.
        service: ServiceId,
        /// The option.
        option: OptionId,
        /// The most allowed.
        max: u32,
        /// How many were asked.
        asked: u32,
    },
    /// The same service twice in one appointment.
    #[error("service {0} asked twice")]
    DuplicateService(ServiceId),
    /// The same option twice for one service (in the schedule or in a line).
    #[error("option {option} of service {service} twice")]
    DuplicateOption {
        /// The service.
        service: ServiceId,
        /// The option.
        option: OptionId,
    },
    /// A price below nothing.
    #[error("a price of service {service} is negative")]
    NegativePrice {
        /// The service.
        service: ServiceId,
    },
    /// A price in another currency than the schedule's.
    #[error("a price in {found} in a schedule in {schedule}")]
    MixedCurrencies {
        /// The schedule's currency.
        schedule: Currency,
        /// The price's.
        found: Currency,
    },
    /// An option's ID is not a short lowercase word.
    #[error("an option is lowercase letters, digits and dashes, at most 64")]
    BadOptionId,
    /// The sum is out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    fn opt(id: &str) -> OptionId {
        OptionId::new(id).expect("option id")
    }

    /// A passport (37.00 €, express +32.00 €) and a certificate of residence (10.00 €, each
    /// extra copy 5.00 €, up to 5), as a city's catalogue has them.
    fn schedule() -> FeeSchedule {
        let mut s = FeeSchedule::new(Currency::EUR);
        s.set(
            ServiceId(1),
            Fee {
                base: eur(3700),
                options: vec![PricedOption {
                    id: opt("express"),
                    unit: eur(3200),
                    max_quantity: 1,
                }],
            },
        )
        .expect("passport");
        s.set(
            ServiceId(2),
            Fee {
                base: eur(1000),
                options: vec![PricedOption {
                    id: opt("extra-copy"),
                    unit: eur(500),
                    max_quantity: 5,
                }],
            },
        )
        .expect("certificate");
        s.set(
            ServiceId(3),
            Fee {
                base: eur(0),
                options: vec![],
            },
        )
        .expect("free advice");
        s
    }

    fn line(service: i64, options: &[(&str, u32)]) -> Line {
        Line {
            service: ServiceId(service),
            options: options
                .iter()
                .map(|(o, q)| Chosen {
                    option: opt(o),
                    quantity: *q,
                })
                .collect(),
        }
    }

    #[test]
    fn services_and_options_add_up() {
        let q = schedule()
            .quote(&[line(1, &[]), line(2, &[("extra-copy", 2)]), line(3, &[])])
            .expect("quote");
        assert_eq!(q.total, eur(3700 + 1000 + 2 * 500));
        assert_eq!(
            q.items,
            vec![
                QuoteItem {
                    item: Item::Service {
                        service: ServiceId(1)
                    },
                    quantity: 1,
                    unit: eur(3700),
                    total: eur(3700)
                },
                QuoteItem {
                    item: Item::Service {
                        service: ServiceId(2)
                    },
                    quantity: 1,
                    unit: eur(1000),
                    total: eur(1000)
                },
                QuoteItem {
                    item: Item::Option {
                        service: ServiceId(2),
                        option: opt("extra-copy")
                    },
                    quantity: 2,
                    unit: eur(500),
                    total: eur(1000)
                },
                QuoteItem {
                    item: Item::Service {
                        service: ServiceId(3)
                    },
                    quantity: 1,
                    unit: eur(0),
                    total: eur(0)
                },
            ]
        );
        // A quantity of nothing is no item; no lines cost nothing, in the city's currency.
        let q = schedule()
            .quote(&[line(2, &[("extra-copy", 0)])])
            .expect("quote");
        assert_eq!((q.items.len(), q.total), (1, eur(1000)));
        assert_eq!(schedule().quote(&[]).map(|q| q.total), Ok(eur(0)));
    }

    #[test]
    fn quotes_refuse_what_the_schedule_does_not_offer() {
        let s = schedule();
        assert_eq!(
            s.quote(&[line(9, &[])]),
            Err(FeeError::UnknownService(ServiceId(9)))
        );
        assert_eq!(
            s.quote(&[line(1, &[("extra-copy", 1)])]),
            Err(FeeError::UnknownOption {
                service: ServiceId(1),
                option: opt("extra-copy")
            })
        );
        assert_eq!(
            s.quote(&[line(2, &[("extra-copy", 6)])]),
            Err(FeeError::TooMany {
                service: ServiceId(2),
                option: opt("extra-copy"),
                max: 5,
                asked: 6
            })
        );
        assert_eq!(
            s.quote(&[line(2, &[]), line(2, &[])]),
            Err(FeeError::DuplicateService(ServiceId(2)))
        );
        // Twice three copies would pass the maximum of five one at a time.
        assert_eq!(
            s.quote(&[line(2, &[("extra-copy", 3), ("extra-copy", 3)])]),
            Err(FeeError::DuplicateOption {
                service: ServiceId(2),
                option: opt("extra-copy")
            })
        );
    }

    #[test]
    fn a_schedule_refuses_mixed_currencies_negative_prices_and_twin_options() {
        let mut s = schedule();
        let chf = Fee {
            base: Money::new(1000, Currency::CHF),
            options: vec![],
        };
        assert_eq!(
            s.set(ServiceId(4), chf),
            Err(FeeError::MixedCurrencies {
                schedule: Currency::EUR,
                found: Currency::CHF
            })
        );
        let option_in_chf = Fee {
            base: eur(1000),
            options: vec![PricedOption {
                id: opt("copy"),
                unit: Money::new(500, Currency::CHF),
                max_quantity: 1,
            }],
        };
        assert!(matches!(
            s.set(ServiceId(4), option_in_chf),
            Err(FeeError::MixedCurrencies { .. })
        ));
        let negative = Fee {
            base: eur(-1),
            options: vec![],
        };
        assert_eq!(
            s.set(ServiceId(4), negative),
            Err(FeeError::NegativePrice {
                service: ServiceId(4)
            })
        );
        let copy = PricedOption {
            id: opt("copy"),
            unit: eur(500),
            max_quantity: 1,
        };
        let twins = Fee {
            base: eur(1000),
            options: vec![copy.clone(), copy],
        };
        assert_eq!(
            s.set(ServiceId(4), twins),
            Err(FeeError::DuplicateOption {
                service: ServiceId(4),
                option: opt("copy")
            })
        );
        // Nothing refused was kept.
        assert_eq!(s, schedule());
    }

    #[test]
    fn option_ids_are_short_lowercase_words() {
        assert_eq!(opt("extra-copy").as_str(), "extra-copy");
        for bad in [
            "",
            "Extra",
            "extra copy",
            "copy_1",
            "é",
            "a".repeat(65).as_str(),
        ] {
            assert_eq!(OptionId::new(bad), Err(FeeError::BadOptionId), "{bad:?}");
        }
    }

    #[test]
    fn an_overflowing_total_is_refused() {
        let mut s = FeeSchedule::new(Currency::EUR);
        let huge = |id| Fee {
            base: eur(i64::MAX / 2 + 1),
            options: vec![PricedOption {
                id: opt(id),
                unit: eur(i64::MAX / 2 + 1),
                max_quantity: 2,
            }],
        };
        s.set(ServiceId(1), huge("a")).expect("set");
        s.set(ServiceId(2), huge("b")).expect("set");
        assert_eq!(
            s.quote(&[line(1, &[]), line(2, &[])]),
            Err(FeeError::Money(MoneyError::Overflow))
        );
        assert_eq!(
            s.quote(&[line(1, &[("a", 2)])]),
            Err(FeeError::Money(MoneyError::Overflow))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The quote against plain 128-bit arithmetic: each service's base plus unit ×
        /// quantity of its options, refused exactly when 64 bits cannot hold the total.
        #[test]
        fn a_quote_is_the_plain_sum(
            prices in prop::collection::vec((0i64..=i64::MAX / 4, 0i64..=i64::MAX / 4, 0u32..4), 1..5),
            small in any::<bool>(),
            asked in prop::collection::vec((0usize..5, 0u32..4), 0..5),
        ) {
            let scale = |p: i64| if small { p % 100_000 } else { p };
            let mut s = FeeSchedule::new(Currency::EUR);
            for (i, (base, unit, max)) in prices.iter().enumerate() {
                s.set(ServiceId(i as i64), Fee {
                    base: eur(scale(*base)),
                    options: vec![PricedOption { id: opt("copy"), unit: eur(scale(*unit)), max_quantity: *max }],
                }).expect("valid fee");
            }
            let mut seen = BTreeSet::new();
            let lines: Vec<Line> = asked
                .iter()
                .filter(|(i, _)| *i < prices.len() && seen.insert(*i))
                .map(|(i, q)| line(*i as i64, &[("copy", *q)]))
                .collect();
            let mut expected: i128 = 0;
            let mut too_many = false;
            for l in &lines {
                let (base, unit, max) = prices[l.service.0 as usize];
                let q = l.options[0].quantity;
                too_many |= q > max;
                expected += i128::from(scale(base)) + i128::from(scale(unit)) * i128::from(q);
            }
            match s.quote(&lines) {
                Ok(quote) => {
                    prop_assert!(!too_many);
                    prop_assert_eq!(i128::from(quote.total.minor), expected);
                    for item in &quote.items {
                        prop_assert_eq!(i128::from(item.total.minor), i128::from(item.unit.minor) * i128::from(item.quantity));
                    }
                }
                Err(FeeError::TooMany { .. }) => prop_assert!(too_many),
                Err(e) => {
                    prop_assert_eq!(e, FeeError::Money(MoneyError::Overflow));
                    prop_assert!(!too_many && i64::try_from(expected).is_err());
                }
            }
        }
    }
}
