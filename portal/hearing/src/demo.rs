//! The demo case of a first start (`vamt serve` on an empty database): one speeding case
//! with an evidence photo and its letter's code, so the hearing can be tried at once.
use std::collections::HashMap;

use chrono::Duration;

use crate::access_code::AccessCode;
use crate::docket::{Docket, HearingError};
use crate::import::{read, Format};

/// The demo's case number.
pub const CASE_NUMBER: &str = "OWI-DEMO-000001";

/// The demo's evidence photo (a drawing, marked DEMO).
const PHOTO: &[u8] = include_bytes!("../demo/evidence-1.png");

/// Imports the demo case and issues its letter when the register is empty; returns the
/// case number and the code, shown once in the first start's banner.
pub async fn seed_if_empty(docket: &Docket) -> Result<Option<(String, AccessCode)>, HearingError> {
    let any: Option<String> = sqlx::query_scalar("SELECT id FROM hearing_cases LIMIT 1")
        .fetch_optional(docket.db.pool())
        .await?;
    if any.is_some() {
        return Ok(None);
    }
    let today = docket.today();
    let committed = (today - Duration::days(5))
        .and_hms_opt(7, 42, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M");
    let line = serde_json::json!({
        "case_number": CASE_NUMBER,
        "offence_code": "141312",
        "offence_text": "Sie überschritten die zulässige Höchstgeschwindigkeit innerhalb geschlossener Ortschaften um 12 km/h. Zulässige Geschwindigkeit: 50 km/h. Festgestellte Geschwindigkeit (nach Toleranzabzug): 62 km/h.",
        "committed_at": committed.to_string(),
        "place": "Musterstadt, Hauptstraße 120, Fahrtrichtung Innenstadt",
        "legal_basis": "§ 41 Abs. 1 i. V. m. Anlage 2, § 49 StVO; § 24 Abs. 1, 3 Nr. 5 StVG; 11.3.2 BKat",
        "sanction": "warning_fine", "amount": "30.00", "currency": "EUR",
        "plate": "SB-AB 123", "vehicle": "PKW, grau",
        "evidence": ["evidence-1.png"],
        "name": "Erika Mustermann", "street": "Heidestraße 17", "postcode": "12345", "city": "Musterstadt",
        "deadline": (today + Duration::days(14)).to_string(),
    })
    .to_string();
    let lines = read(Format::JsonLines, line.as_bytes())
        .map_err(|problems| HearingError::Demo(format!("{problems:?}")))?;
    let photos = HashMap::from([("evidence-1.png".to_owned(), PHOTO.to_vec())]);
    if let Err(problems) = docket.import(&lines, &photos, "demo").await? {
        return Err(HearingError::Demo(format!("{problems:?}")));
    }
    let ids = docket.without_letter().await?;
    let mut letters = docket.issue_letters(&ids, "demo").await?;
    Ok(letters
        .pop()
        .map(|(case, code)| (case.case_number.to_string(), code)))
}
