-- Who may change the catalogue (the admin pages), and who still works here: a clerk who
-- leaves is deactivated, not deleted, because past bookings and statistics refer to them.
ALTER TABLE clerks ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clerks ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
