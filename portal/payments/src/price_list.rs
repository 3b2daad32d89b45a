//! The catalogue's fees as a [`FeeSchedule`]: each service's base fee (`services.fee_cents`)
//! and the options it may add (`service_fee_options`), read when a clerk asks for payment,
//! so that a fee changed in the admin pages counts from the next request on and a request
//! already made keeps the quote it was made with.
use vamt_portal_storage::db::Db;

use crate::fee::{Fee, FeeError, FeeSchedule, OptionId, PricedOption, ServiceId};
use crate::money::{Currency, Money};

/// Why the price list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PriceListError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The catalogue holds a fee the schedule refuses (a negative price, a bad option).
    #[error("catalogue: {0}")]
    Catalogue(#[from] FeeError),
}

/// The fees of every service, in `currency` (the catalogue keeps minor units of the
/// office's one currency).
pub async fn fee_schedule(db: &Db, currency: Currency) -> Result<FeeSchedule, PriceListError> {
    let services: Vec<(i64, i64)> = sqlx::query_as("SELECT id, fee_cents FROM services")
        .fetch_all(db.pool())
        .await?;
    let options: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT service_id, slug, unit_minor, max_quantity FROM service_fee_options \
         ORDER BY service_id, slug",
    )
    .fetch_all(db.pool())
    .await?;
    let mut schedule = FeeSchedule::new(currency);
    for (id, base) in services {
        let mut priced = Vec::new();
        for (_, slug, unit, max) in options.iter().filter(|o| o.0 == id) {
            priced.push(PricedOption {
                id: OptionId::new(slug)?,
                unit: Money::new(*unit, currency),
                max_quantity: u32::try_from(*max).unwrap_or(0),
            });
        }
        schedule.set(
            ServiceId(id),
            Fee {
                base: Money::new(base, currency),
                options: priced,
            },
        )?;
    }
    Ok(schedule)
}

/// Sets `service`'s option `slug` to `unit` per piece, at most `max_quantity` pieces.
pub async fn set_option(
    db: &Db,
    service: ServiceId,
    slug: &OptionId,
    unit: Money,
    max_quantity: u32,
) -> Result<(), PriceListError> {
    sqlx::query(
        "INSERT INTO service_fee_options (service_id, slug, unit_minor, max_quantity) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (service_id, slug) \
         DO UPDATE SET unit_minor = excluded.unit_minor, max_quantity = excluded.max_quantity",
    )
    .bind(service.0)
    .bind(slug.as_str())
    .bind(unit.minor)
    .bind(i64::from(max_quantity))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// `service`'s options: (option, price of one, most pieces), by option.
pub async fn options_of(
    db: &Db,
    service: ServiceId,
    currency: Currency,
) -> Result<Vec<PricedOption>, PriceListError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT slug, unit_minor, max_quantity FROM service_fee_options WHERE service_id = $1 \
         ORDER BY slug",
    )
    .bind(service.0)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (slug, unit, max) in rows {
        out.push(PricedOption {
            id: OptionId::new(&slug)?,
            unit: Money::new(unit, currency),
            max_quantity: u32::try_from(max).unwrap_or(0),
        });
    }
    Ok(out)
}

/// Removes `service`'s option `slug`. Payments already asked keep their quote.
pub async fn remove_option(
    db: &Db,
    service: ServiceId,
    slug: &OptionId,
) -> Result<(), PriceListError> {
    sqlx::query("DELETE FROM service_fee_options WHERE service_id = $1 AND slug = $2")
        .bind(service.0)
        .bind(slug.as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}
