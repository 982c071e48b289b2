-- Webhook intake and the Draft-to-Sent lifecycle: refused webhooks are recorded (never their bodies),
-- events remember how they were applied, and the reconciler tracks what it checked and flagged.

-- Verified webhooks refused because the body is not a valid event (400). Bad signatures (401) are
-- only logged: nobody unauthenticated can make the gateway write. Reason, size and hash only: the
-- body may carry PHI and is not kept.
CREATE TABLE webhook_rejections (
  id          bigserial   PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  reason      text        NOT NULL,
  body_bytes  integer     NOT NULL,
  body_sha256 text        NOT NULL
);
CREATE INDEX webhook_rejections_received_idx ON webhook_rejections (received_at);

-- How many times Metriport delivered the same event (duplicates and manual re-sends keep its id).
ALTER TABLE webhook_events ADD COLUMN deliveries integer NOT NULL DEFAULT 1;
-- The applier's two queues, oldest first: events never looked at, and events waiting for their
-- Metriport message id. Separate, so a pile of waiting events never slows the first.
CREATE INDEX webhook_events_new_idx ON webhook_events (received_at, id)
  WHERE applied_at IS NULL AND outcome IS NULL;
CREATE INDEX webhook_events_waiting_idx ON webhook_events (received_at, id)
  WHERE applied_at IS NULL AND outcome = 'waiting';

-- The reconciler: when an accepted delivery's Metriport status was last read, and when it was
-- flagged for operators as unconfirmed for too long.
ALTER TABLE deliveries ADD COLUMN status_checked_at timestamptz;
ALTER TABLE deliveries ADD COLUMN flagged_at timestamptz;
-- The reason Metriport gave for a failed delivery (also kept per send in delivery_sends.reason).
CREATE INDEX deliveries_flagged_idx ON deliveries (flagged_at) WHERE flagged_at IS NOT NULL;
