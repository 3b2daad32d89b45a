//! Citizens' bookings written in batches (group commit). At the daily release hundreds of
//! citizens book at once; one transaction each made them queue for the database's writer,
//! each holding it across five round trips. Here a booking whose time the engine found free
//! joins a queue; one writer task per database takes everything queued, settles in memory
//! who gets a clerk's time that several asked for, stores the winners in one transaction of
//! a few multi-row statements ([`booking::insert_many`]), and answers everyone.
//!
//! Before a batch the writer reads which of its clerk time is claimed already (citizens
//! who read the day just before the last batch committed ask for time it took). The
//! claims' primary key stays the arbiter: if a batch still meets time that another path or
//! node claimed meanwhile, it is rolled back and its bookings are stored one by one, so each
//! gets its own answer.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::booking::{self, Booked, BookingError, Claim, NewClaim};
use vamt_portal_storage::db::{parse_ts, placeholders, ts, Db};
use vamt_portal_storage::group::{Drain, Group};
use vamt_portal_storage::vault::Vault;

/// A booking for the writer to store.
pub struct Ask {
    /// The booking, its clerk chosen by the writer from `clerks`.
    pub claim: Claim,
    /// The clerks who may take it, in the order to try them.
    pub clerks: Vec<i64>,
    /// Name, as given.
    pub name: String,
    /// E-mail, as given.
    pub email: String,
    /// The e-mail address's blind index, and how many upcoming appointments it may hold.
    pub email_limit: (String, i64),
    /// Language of the mails.
    pub locale: String,
    /// When it was asked for.
    pub now: DateTime<Utc>,
}

/// A booking waiting for the writer.
struct Pending {
    ask: Ask,
    reply: oneshot::Sender<Result<Booked, BookingError>>,
}

/// The bookings of one database waiting for its writer, kept with the database.
type Queue = Group<Pending>;

/// Stores the booking `ask` with the first of its clerks whose time is still free,
/// through the queue of `db`: `SlotTaken` if all of them went to others first,
/// `TooManyForEmail` if its address holds its limit of upcoming appointments. Must run
/// inside a tokio runtime (it may start the writer).
pub async fn book(db: &Db, vault: &Vault, ask: Ask) -> Result<Booked, BookingError> {
    let (reply, answer) = oneshot::channel();
    if let Some(drain) = db.kept(Queue::new).push(Pending { ask, reply }) {
        // A task of its own: the request that started it may be dropped (the citizen
        // closed the page); the others still need their answers.
        tokio::spawn(write(drain, db.clone(), vault.clone()));
    }
    // A writer that died (its runtime shut down) drops the reply.
    answer
        .await
        .unwrap_or(Err(BookingError::Db(sqlx::Error::PoolClosed)))
}

/// Writes what is queued, batch after batch, until nothing is.
async fn write(mut drain: Drain<Pending>, db: Db, vault: Vault) {
    // However the writer ends (a panic, its runtime shutting down), dropping the drain
    // answers what is still queued with an error and lets the next booking start a writer.
    while let Some(batch) = drain.next_batch() {
        // First come, first served: each booking gets the first of its clerks whose time is
        // neither claimed already nor given to an earlier one of the batch, or loses; an
        // address over its limit of confirmed appointments (counting the batch's earlier
        // ones confirmed at once) is refused.
        // Unread (a database error), the batch or each booking meets the claims' key anyway.
        let mut taken = claimed(&db, &batch).await.unwrap_or_default();
        let mut held = match held_per_address(&db, &batch).await {
            Ok(h) => h,
            Err(e) => {
                // Without the counts the limit cannot be kept: nobody is stored.
                tracing::error!(error = %e, "reading the addresses' appointments failed");
                for p in batch {
                    let _ = p
                        .reply
                        .send(Err(BookingError::Db(sqlx::Error::Protocol(e.to_string()))));
                }
                continue;
            }
        };
        let mut winners = Vec::with_capacity(batch.len());
        let mut losers = Vec::new();
        for mut p in batch {
            let (index, limit) = &p.ask.email_limit;
            if held.get(index).copied().unwrap_or(0) >= *limit {
                losers.push((p, BookingError::TooManyForEmail));
                continue;
            }
            let claim = &mut p.ask.claim;
            let free = p.ask.clerks.iter().copied().find(|clerk| {
                claim.clerk = *clerk;
                !units(claim).iter().any(|u| taken.contains(u))
            });
            match free {
                Some(clerk) => {
                    p.ask.claim.clerk = clerk;
                    taken.extend(units(&p.ask.claim));
                    // Only an appointment confirmed at once (a phone booking) counts now;
                    // a hold counts when its citizen confirms it (booking::confirm).
                    if p.ask.claim.confirm_by.is_none() {
                        *held.entry(p.ask.email_limit.0.clone()).or_default() += 1;
                    }
                    winners.push(p);
                }
                None => losers.push((p, BookingError::SlotTaken)),
            }
        }
        let items: Vec<NewClaim<'_>> = winners
            .iter()
            .map(|p| NewClaim {
                claim: &p.ask.claim,
                name: &p.ask.name,
                email: &p.ask.email,
                locale: &p.ask.locale,
                now: p.ask.now,
            })
            .collect();
        let results: Vec<Result<Booked, BookingError>> = match booking::insert_many(
            &db, &vault, &items,
        )
        .await
        {
            Ok(booked) => booked.into_iter().map(Ok).collect(),
            Err(e) => {
                // Time claimed elsewhere meanwhile, or a database error: one by one, so
                // each booking gets the answer that is its own.
                if !matches!(e, BookingError::SlotTaken) {
                    tracing::warn!(error = %e, bookings = items.len(), "batch of bookings failed; storing them one by one");
                }
                let mut one_by_one = Vec::with_capacity(items.len());
                for item in &items {
                    one_by_one.push(
                        booking::insert(
                            &db,
                            &vault,
                            item.claim,
                            item.name,
                            item.email,
                            item.locale,
                            item.now,
                        )
                        .await,
                    );
                }
                one_by_one
            }
        };
        drop(items);
        // Losers are answered after the winners are stored: a loser who reads the day
        // again then sees them.
        for (p, r) in winners.into_iter().zip(results) {
            let _ = p.reply.send(r);
        }
        for (p, why) in losers {
            let _ = p.reply.send(Err(why));
        }
    }
}

/// The claimed clerk time among the units the batch asks for: those units of its bookings'
/// candidate clerks, read by the claims' primary key (however far apart the bookings lie).
async fn claimed(db: &Db, batch: &[Pending]) -> Result<HashSet<(i64, i64)>, sqlx::Error> {
    let clerks: Vec<i64> = batch
        .iter()
        .flat_map(|p| p.ask.clerks.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let units: Vec<String> = batch
        .iter()
        .flat_map(|p| crate::catalogue::claim_units(p.ask.claim.start, p.ask.claim.blocked_until))
        .collect::<HashSet<_>>()
        .into_iter()
        .map(ts)
        .collect();
    let mut out = HashSet::new();
    if clerks.is_empty() {
        return Ok(out);
    }
    for chunk in units.chunks(500) {
        let sql = format!(
            "SELECT clerk_id, unit_start FROM booking_claims WHERE clerk_id IN ({}) AND unit_start IN ({})",
            placeholders(db.engine(), 1, clerks.len()),
            placeholders(db.engine(), clerks.len() + 1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for c in &clerks {
            q = q.bind(*c);
        }
        for u in chunk {
            q = q.bind(u.clone());
        }
        out.extend(
            q.fetch_all(db.pool())
                .await?
                .into_iter()
                .filter_map(|(clerk, unit)| Some((clerk, parse_ts(&unit)?.timestamp()))),
        );
    }
    Ok(out)
}

/// How many confirmed upcoming appointments each address of the batch holds (by blind
/// index). Unconfirmed holds do not count: anyone can make them for any address, and two
/// of them, renewed every half hour, locked the address's owner out of booking. The limit
/// is kept again when a hold is confirmed ([`booking::confirm`]).
async fn held_per_address(db: &Db, batch: &[Pending]) -> Result<HashMap<String, i64>, sqlx::Error> {
    let addresses: Vec<&str> = batch
        .iter()
        .map(|p| p.ask.email_limit.0.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let Some(now) = batch.iter().map(|p| p.ask.now).min() else {
        return Ok(HashMap::new());
    };
    let mut held = HashMap::new();
    for chunk in addresses.chunks(500) {
        let sql = format!(
            "SELECT email_index, COUNT(*) FROM bookings WHERE state = 'confirmed' \
             AND starts_at > {} \
             AND email_index IN ({}) GROUP BY email_index",
            db.engine().placeholder(1),
            placeholders(db.engine(), 2, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(ts(now));
        for a in chunk {
            q = q.bind(*a);
        }
        held.extend(q.fetch_all(db.pool()).await?);
    }
    Ok(held)
}

fn units(claim: &Claim) -> Vec<(i64, i64)> {
    crate::catalogue::claim_units(claim.start, claim.blocked_until)
        .into_iter()
        .map(|u| (claim.clerk, u.timestamp()))
        .collect()
}
