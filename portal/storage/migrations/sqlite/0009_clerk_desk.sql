-- The clerk's desk: a note on a booking (sealed by the vault like other personal data,
-- erased with it) and whether the citizen came (for the no-show rate); which channel made
-- the booking (web, api, phone, waitlist, demo) for the statistics.
ALTER TABLE bookings ADD COLUMN clerk_note TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN attendance TEXT CHECK (attendance IN ('attended', 'no_show'));
ALTER TABLE bookings ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
