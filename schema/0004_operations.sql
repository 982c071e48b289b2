-- Operations: operator accounts and their sessions, relay pauses, and what the operations API and
-- retention need to read quickly. Operators are separate from vendors: neither credential opens
-- the other's API.

-- Operators of the operations listener. role: viewer (reads, never PHI), operator (reads and
-- acts), admin (also manages operators and may reveal PHI, audited).
CREATE TABLE operators (
  id            bigserial   PRIMARY KEY,
  name          text        NOT NULL UNIQUE,
  role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  password_hash text        NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A logged-in operator: the bearer/cookie token is random; only its SHA-256 is stored. Logout,
-- disabling the operator or a password reset ends every session at once.
CREATE TABLE operator_sessions (
  id           bigserial   PRIMARY KEY,
  operator_id  bigint      NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  token_sha256 text        NOT NULL UNIQUE,
  csrf_token   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX operator_sessions_expires_idx ON operator_sessions (expires_at);

-- Relaying paused for everyone (vendor_id NULL) or for one vendor. Intake keeps accepting; no new
-- send starts while a pause that covers the delivery exists. Every process reads this table.
CREATE TABLE relay_pauses (
  id        bigserial   PRIMARY KEY,
  vendor_id bigint      REFERENCES vendors (id) ON DELETE CASCADE,
  paused_by text        NOT NULL,
  paused_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (vendor_id)
);

-- The operations API filters and pages deliveries by state, vendor and creation time, and finds
-- audit events by actor, event and time.
CREATE INDEX deliveries_state_created_idx ON deliveries (state, created_at, id);
CREATE INDEX deliveries_vendor_created_idx ON deliveries (vendor_id, created_at, id);
CREATE INDEX deliveries_created_idx ON deliveries (created_at, id);
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, occurred_at);
CREATE INDEX delivery_sends_delivery_idx ON delivery_sends (delivery_id);
CREATE INDEX webhook_events_received_idx ON webhook_events (received_at, id);
CREATE INDEX webhook_events_message_idx ON webhook_events (metriport_message_id);
