-- A clerk who takes over a colleague's call does so explicitly, and it is recorded: who,
-- which appointment, when (clerk.rs take_over). Before, any clerk could open any call as
-- its moderator. No personal data: a booking's ID and a clerk's row.
CREATE TABLE call_takeovers (
    booking_id TEXT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    clerk_id INTEGER NOT NULL REFERENCES clerks(id),
    -- The clerk the appointment was with (NULL: none).
    from_clerk_id INTEGER REFERENCES clerks(id),
    at TEXT NOT NULL,
    PRIMARY KEY (booking_id, clerk_id)
);
