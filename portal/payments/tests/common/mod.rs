//! What the provider tests share: a quote of a fee with an option, and a create request
//! over it.
#![allow(dead_code)]

use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method};
use vamt_payments::provider::{
    AttemptId, CreateRequest, HttpClient, HttpRequest, HttpResponse, HyperClient, PaymentId,
};
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

pub struct Browser(HyperClient);

impl Browser {
    pub fn new() -> Browser {
        Browser(HyperClient::new(true).unwrap())
    }

    pub async fn send(&self, method: Method, url: &str, media: &str, body: &str) -> HttpResponse {
        let mut headers = HeaderMap::new();
        if !media.is_empty() {
            headers.insert("content-type", HeaderValue::from_str(media).unwrap());
        }
        self.0
            .send(HttpRequest {
                method,
                url: url.to_owned(),
                headers,
                body: body.as_bytes().to_vec(),
                timeout: Duration::from_secs(15),
            })
            .await
            .unwrap()
    }

    pub async fn control(&self, url: &str, json: &str) -> serde_json::Value {
        let answer = self.send(Method::POST, url, "application/json", json).await;
        assert!(answer.status < 300, "{url}: {}", answer.status);
        serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null)
    }

    pub async fn press(&self, page: &str, button: &str) -> HttpResponse {
        let html = self.send(Method::GET, page, "", "").await;
        assert_eq!(html.status, 200, "{page}");
        let html = String::from_utf8(html.body).unwrap();
        let at = html
            .find(&format!("id=\"{button}\""))
            .unwrap_or_else(|| panic!("no #{button} in {html}"));
        let form = html[..at].rfind("<form").unwrap();
        let action = &html[form..at];
        let start = action.find("action=\"").unwrap() + "action=\"".len();
        let end = start + action[start..].find('"').unwrap();
        let target = url::Url::parse(page)
            .unwrap()
            .join(&action[start..end].replace("&amp;", "&"))
            .unwrap();
        let answer = self
            .send(
                Method::POST,
                target.as_str(),
                "application/x-www-form-urlencoded",
                "",
            )
            .await;
        assert!(
            answer.status == 303 || answer.status == 200,
            "{button}: {}",
            answer.status
        );
        answer
    }

    pub async fn requests(&self, sim: &str) -> Vec<serde_json::Value> {
        let answer = self
            .send(Method::GET, &format!("{sim}/_sim/requests"), "", "")
            .await;
        serde_json::from_slice(&answer.body).unwrap()
    }
}
