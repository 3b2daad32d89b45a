-- PostgreSQL twin of sqlite/0002_service_virtual.sql: the same tables, columns and constraints.
-- Whether a service can be done in a video call. An ID card or passport application needs
-- fingerprints and a signature taken at the office: such services are listed with the
-- reason (Fluent: service-<slug>-not-virtual) and cannot be booked here.
ALTER TABLE services ADD COLUMN virtual_ok BIGINT NOT NULL DEFAULT 1;
