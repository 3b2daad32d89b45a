-- Whether a service can be done in a video call. An ID card or passport application needs
-- fingerprints and a signature taken at the office: such services are listed with the
-- reason (Fluent: service-<slug>-not-virtual) and cannot be booked here.
ALTER TABLE services ADD COLUMN virtual_ok INTEGER NOT NULL DEFAULT 1;
