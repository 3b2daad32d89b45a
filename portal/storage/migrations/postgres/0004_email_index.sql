-- PostgreSQL twin of sqlite/0004_email_index.sql: the same tables, columns and constraints.
-- Anti-hoarding: how many live bookings one e-mail address holds, without storing the
-- address in the clear: a blind index (HMAC of the normalised address under a key derived
-- from the data key). Emptied with the other personal data after the retention period.
ALTER TABLE bookings ADD COLUMN email_index TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_by_email_index ON bookings (email_index) WHERE status = 'booked';
