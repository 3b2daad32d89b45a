-- PostgreSQL twin of sqlite/0003_reminders.sql: the same tables, columns and constraints.
-- The reminder mail the day before: when it went out (one per booking, also with several
-- portal nodes), and the join key sealed by the vault so the reminder can carry the links.
-- Both are emptied with the other personal data after the retention period.
ALTER TABLE bookings ADD COLUMN reminded_at TEXT;
ALTER TABLE bookings ADD COLUMN join_key_sealed TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_to_remind ON bookings (starts_at) WHERE reminded_at IS NULL AND status = 'booked';
