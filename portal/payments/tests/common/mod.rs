//! What the provider tests share: a quote of a fee with an option, and a create request
//! over it.
#![allow(dead_code)]

use vamt_payments::provider::{AttemptId, CreateRequest, PaymentId};
use vamt_payments::{
    Chosen, Currency, Fee, FeeSchedule, Line, Money, OptionId, PricedOption, Quote, ServiceId,
};

pub fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR)
}

pub fn quote() -> Quote {
    let mut schedule = FeeSchedule::new(Currency::EUR);
    schedule
        .set(
            ServiceId(12),
            Fee {
                base: eur(1300),
                options: vec![PricedOption {
                    id: OptionId::new("extra-copy").unwrap(),
                    unit: eur(1600),
                    max_quantity: 3,
                }],
            },
        )
        .unwrap();
    schedule
        .quote(&[Line {
            service: ServiceId(12),
            options: vec![Chosen {
                option: OptionId::new("extra-copy").unwrap(),
                quantity: 1,
            }],
        }])
        .unwrap()
}

pub struct Ask {
    pub payment: PaymentId,
    pub attempt: AttemptId,
    pub quote: Quote,
    pub names: Vec<String>,
}

impl Ask {
    pub fn new() -> Ask {
        Ask {
            payment: PaymentId::generate(),
            attempt: AttemptId::generate(),
            quote: quote(),
            names: vec!["Führungszeugnis".into(), "Weitere beglaubigte Kopie".into()],
        }
    }

    pub fn request(&self) -> CreateRequest<'_> {
        CreateRequest {
            payment: &self.payment,
            attempt: &self.attempt,
            quote: &self.quote,
            item_names: &self.names,
            purpose: "BK-7Q2M",
            description: "Führungszeugnis, 1 weitere beglaubigte Kopie",
            return_url: "https://termine.example.test/pay/return/PY_x?k=abc",
            cancel_url: "https://termine.example.test/pay/cancel/PY_x?k=abc",
            locale: "de-DE",
        }
    }
}
