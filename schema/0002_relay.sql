-- What the relay engine needs beyond 0001: the shared send pacer, per-vendor claim turns, and the
-- moment each Metriport send was first attempted (the lower bound when an ambiguous send is looked up).

-- One row per Metriport account (the gateway uses one): the pacer state of gateway/relay/send_pacer,
-- shared by every gateway process so that together they stay under Metriport's send limit. Times are
-- microseconds since the Unix epoch, as the pure pacer computes them.
CREATE TABLE relay_pacer (
  account                   text     PRIMARY KEY,
  send_limit                integer  NOT NULL CHECK (send_limit > 0),
  window_micros             bigint   NOT NULL CHECK (window_micros > 0),
  next_even_slot            bigint   NOT NULL DEFAULT 0,
  known_window_end          bigint   NOT NULL DEFAULT 0,
  remaining_in_known_window integer  NOT NULL DEFAULT 0,
  blocked_until             bigint   NOT NULL DEFAULT 0,
  in_flight                 integer  NOT NULL DEFAULT 0,
  last_grant_micros         bigint   NOT NULL DEFAULT 0,
  updated_at                timestamptz NOT NULL DEFAULT now()
);

-- Send slots granted and not yet answered, one row each: the pacer's in-flight count is the number
-- of rows younger than the longest possible request, so a process that dies mid-send cannot leave
-- the count inflated.
CREATE TABLE relay_pacer_grants (
  id         bigserial   PRIMARY KEY,
  account    text        NOT NULL REFERENCES relay_pacer (account) ON DELETE CASCADE,
  granted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX relay_pacer_grants_account_idx ON relay_pacer_grants (account, granted_at);

-- When each vendor last had a delivery claimed: within a priority, the vendor whose turn is oldest
-- goes next, so one vendor's backlog never starves another's.
CREATE TABLE relay_vendor_turns (
  vendor_id       bigint      PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
  last_claimed_at timestamptz NOT NULL
);

-- The first time a send was written to Metriport (kept across retries): an ambiguous send is
-- looked for among Metriport's messages sent after this moment.
ALTER TABLE delivery_sends ADD COLUMN first_attempt_at timestamptz;
