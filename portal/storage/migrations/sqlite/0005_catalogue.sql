-- The city's catalogue for the slot engine (schedule.rs): locations with opening hours and
-- special days, clerks with their location, skills and working hours, services with a
-- follow-up buffer. Times of day are local "HH:MM" text, dates "YYYY-MM-DD".
CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    -- An office's own name ("Bürgeramt Mitte"): data of the city, not a text to translate.
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    -- Appointments start on this grid from each opening (a multiple of 5 minutes).
    grid_minutes INTEGER NOT NULL CHECK (grid_minutes > 0 AND grid_minutes % 5 = 0),
    is_virtual INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);

-- Weekly opening hours: one row per span (weekday 0 = Monday).
CREATE TABLE location_hours (
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens TEXT NOT NULL,
    closes TEXT NOT NULL
);
CREATE INDEX location_hours_by_location ON location_hours (location_id);

-- Dated exceptions (holidays, closures, special hours): the rows of a date replace its
-- weekday's hours; a row without times closes the location that day.
CREATE TABLE location_days (
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    opens TEXT,
    closes TEXT,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX location_days_by_location ON location_days (location_id, day);

-- A clerk works at one location; without one, at the virtual office.
ALTER TABLE clerks ADD COLUMN location_id INTEGER REFERENCES locations(id);

-- What a clerk can do. A clerk without rows here does every service of the location.
CREATE TABLE clerk_skills (
    clerk_id INTEGER NOT NULL REFERENCES clerks(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (clerk_id, service_id)
);

-- A clerk's weekly working hours; without rows, the location's opening hours.
CREATE TABLE clerk_hours (
    clerk_id INTEGER NOT NULL REFERENCES clerks(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens TEXT NOT NULL,
    closes TEXT NOT NULL
);

-- A clerk's dated exceptions: absences (no times) and special hours.
CREATE TABLE clerk_days (
    clerk_id INTEGER NOT NULL REFERENCES clerks(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    opens TEXT,
    closes TEXT,
    reason TEXT NOT NULL DEFAULT ''
);

-- Time a clerk needs after an appointment of this service (notes, filing).
ALTER TABLE services ADD COLUMN buffer_minutes INTEGER NOT NULL DEFAULT 0;

-- Where and with whom: a booking holds one clerk's time from its start to blocked_until
-- (its end plus the longest buffer of its services).
ALTER TABLE bookings ADD COLUMN location_id INTEGER REFERENCES locations(id);
ALTER TABLE bookings ADD COLUMN clerk_id INTEGER REFERENCES clerks(id);
ALTER TABLE bookings ADD COLUMN blocked_until TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_by_location ON bookings (location_id, blocked_until) WHERE status = 'booked';

-- Every service of a booking, in the order they are done (the first is bookings.service_id).
CREATE TABLE booking_services (
    booking_id TEXT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services(id),
    PRIMARY KEY (booking_id, position)
);

-- No double booking: a live booking claims each 5-minute unit of its clerk's blocked time,
-- and the primary key lets one booking hold a unit. Two bookings that overlap by a minute
-- share a unit, so the second insert fails whatever the timing or the database engine: a
-- transactional claim, not a check-then-insert. Cancelling deletes the claims.
CREATE TABLE booking_claims (
    clerk_id INTEGER NOT NULL,
    unit_start TEXT NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    PRIMARY KEY (clerk_id, unit_start)
);
CREATE INDEX booking_claims_by_booking ON booking_claims (booking_id);

-- Places per start are now clerks' time: the claims above replace the seat index.
DROP INDEX bookings_one_per_seat;
