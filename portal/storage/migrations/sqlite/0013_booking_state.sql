-- A booking's state is one word (issue 19): `pending` (held until its citizen confirms it
-- from the opt-in mail), `confirmed`, `cancelled` (by the citizen or a clerk, or released
-- unconfirmed). Before, `status` ('booked' or 'cancelled') sat beside `confirmed_at`, and
-- the pages and the API named the same state differently. `confirmed_at` stays: when.
ALTER TABLE bookings ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'confirmed', 'cancelled'));
UPDATE bookings SET state = CASE
    WHEN status = 'cancelled' THEN 'cancelled'
    WHEN confirmed_at IS NOT NULL THEN 'confirmed'
    ELSE 'pending'
END;
-- The partial indexes name the state as the queries do (a partial index serves a query
-- only if its condition appears there).
DROP INDEX bookings_to_remind;
DROP INDEX bookings_by_email_index;
DROP INDEX bookings_by_location;
DROP INDEX bookings_unconfirmed;
ALTER TABLE bookings DROP COLUMN status;
CREATE INDEX bookings_to_remind ON bookings (starts_at) WHERE reminded_at IS NULL AND state = 'confirmed';
CREATE INDEX bookings_by_email_index ON bookings (email_index) WHERE state = 'confirmed';
CREATE INDEX bookings_by_location ON bookings (location_id, blocked_until) WHERE state <> 'cancelled';
CREATE INDEX bookings_unconfirmed ON bookings (confirm_by) WHERE state = 'pending';
