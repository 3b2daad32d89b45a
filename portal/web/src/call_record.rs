//! Who entered and left a call, in its case's audit log ("joined", "left"): the signalling
//! hub tells of every join and leave by room and token subject; this maps the room to its
//! booking and the subject to the case's actor. The hub knows nothing of cases, and a slow
//! database never holds up a call: the events queue here.
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;
use vamt_documents::audit::{self, Event};
use vamt_documents::case::{self, Actor};
use vamt_documents::Cases;
use vamt_signalling::hub::{RoomEvent, RoomEventKind};

/// Records each event of `events` until the hub goes away.
pub(crate) async fn record(cases: Arc<Cases>, mut events: UnboundedReceiver<RoomEvent>) {
    while let Some(ev) = events.recv().await {
        if let Err(e) = record_one(&cases, &ev).await {
            // No names: the room and what failed.
            tracing::warn!(room = %ev.room, error = %e, "a join or leave was not recorded in its case");
        }
    }
}

async fn record_one(cases: &Cases, ev: &RoomEvent) -> Result<(), vamt_documents::CaseError> {
    // A room without a booking (a test room, the load generator's) has no case.
    let Some(booking) = vamt_booking::booking::id_by_room(&cases.db, &ev.room).await? else {
        return Ok(());
    };
    let actor = Actor::from_subject(&ev.sub);
    let (case, event) = match ev.kind {
        // Entering the call is the case's first step, if nothing opened it before.
        RoomEventKind::Joined => (
            Some(case::open(cases, &booking, &actor).await?),
            Event::Joined,
        ),
        RoomEventKind::Left => (case::of_booking(cases, &booking).await?, Event::Left),
    };
    let Some(case) = case else {
        return Ok(());
    };
    audit::append(
        &cases.db,
        &case.id.0,
        cases.now(),
        &actor.to_string(),
        event,
        serde_json::json!({ "role": ev.role.to_string() }),
    )
    .await?;
    Ok(())
}
