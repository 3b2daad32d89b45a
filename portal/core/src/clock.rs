//! The time every part of the portal reads, injected so tests control it.
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A clock returning UTC now.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;
