-- PostgreSQL twin of sqlite/0006_confirmation.sql: the same tables, columns and constraints.
-- Double opt-in: a new booking holds its clerk's time until confirm_by, waiting for the
-- citizen to confirm from the e-mail; unconfirmed then, it is released (cancelled, its
-- claims deleted). Only confirmed bookings open the call, get reminders and show in the
-- console. Bookings made before this step count as confirmed.
ALTER TABLE bookings ADD COLUMN confirmed_at TEXT;
ALTER TABLE bookings ADD COLUMN confirm_by TEXT;
UPDATE bookings SET confirmed_at = created_at;
CREATE INDEX bookings_unconfirmed ON bookings (confirm_by) WHERE confirmed_at IS NULL AND status = 'booked';
