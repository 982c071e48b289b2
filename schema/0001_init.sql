-- The whole relay's schema: vendors, stored messages with their patients and files, one delivery per
-- patient with its Metriport sends and uploads, the patient cache, webhook inbox and append-only audit.
-- Applied once by the migration runner in a single transaction (no BEGIN/COMMIT here).

-- Portal vendors (integrating systems) that post messages. Passwords are stored as salted slow
-- hashes produced by gateway/auth; a disabled vendor can no longer obtain tokens.
CREATE TABLE vendors (
  id            bigserial   PRIMARY KEY,
  name          text        NOT NULL UNIQUE,
  password_hash text        NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One outgoing secure message as a vendor posted it (subject/body as sent, shown back to the vendor)
-- and as it is relayed (relay_subject/relay_body normalised like Metriport does, route resolved).
-- requested_status is what the vendor asked for; portal_status turns 'Sent' (with sent_date) only
-- once every delivery completed. priority: 0 Low, 1 Normal, 2 High, so ORDER BY priority DESC works.
-- content_hash is the idempotency key of a re-post of the same external_id.
CREATE TABLE messages (
  id                     uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id              bigint      NOT NULL REFERENCES vendors (id),
  external_id            text        NOT NULL,
  from_external_id       text        NOT NULL,
  from_name              text,
  subject                text,
  body                   text,
  relay_subject          text        NOT NULL,
  relay_body             text,
  requested_status       text        NOT NULL CHECK (requested_status IN ('Draft', 'Sent')),
  portal_status          text        NOT NULL DEFAULT 'Draft'
                                     CHECK (portal_status IN ('Draft', 'Sent')),
  priority               smallint    NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 2),
  destination            text        NOT NULL,
  intended_recipient_npi text[]      NOT NULL DEFAULT '{}',
  content_hash           text        NOT NULL,
  creation_date          timestamptz NOT NULL DEFAULT now(),
  sent_date              timestamptz,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (vendor_id, external_id)
);
-- The search lists one vendor's messages newest first.
CREATE INDEX messages_vendor_creation_idx ON messages (vendor_id, creation_date DESC, id);

-- The patients a message goes to, in the order the vendor listed them (position 0, 1, ...).
-- The representative fields are kept and shown, never sent to Metriport.
CREATE TABLE message_patients (
  message_id                 uuid    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position                   integer NOT NULL,
  external_id                text    NOT NULL,
  is_representative          boolean NOT NULL DEFAULT false,
  representative_external_id text,
  PRIMARY KEY (message_id, position)
);
-- Search by patient, and operators looking up one patient's messages.
CREATE INDEX message_patients_external_id_idx ON message_patients (external_id);

-- Decoded attachment bytes, stored once per message and uploaded once per patient.
-- sha256 is lower-case hex of content; content_type is derived from file_name at intake.
CREATE TABLE attachments (
  id           bigserial PRIMARY KEY,
  message_id   uuid      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position     integer   NOT NULL,
  file_name    text      NOT NULL,
  content_type text      NOT NULL,
  size_bytes   bigint    NOT NULL CHECK (size_bytes >= 0),
  sha256       text      NOT NULL,
  content      bytea     NOT NULL,
  UNIQUE (message_id, position)
);

-- One relay job per (message, patient): the delivery state machine of gateway/relay.
-- draft: message not asked to be sent yet; queued/retry_wait: claimable (retry_wait once
-- next_attempt_at has passed); resolving/uploading/sending: claimed by locked_by until
-- locked_until (a lease: an instance that dies loses it); accepted: Metriport answered with an id,
-- waiting for the webhook or poll; completed/failed: Metriport's final word; dead: attempts exhausted
-- or permanent error, awaiting an operator; cancelled: withdrawn. vendor_id and priority are copied
-- from the message so the claim query (priority, then vendor turns, then oldest) needs no join.
CREATE TABLE deliveries (
  id                   bigserial   PRIMARY KEY,
  message_id           uuid        NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  vendor_id            bigint      NOT NULL REFERENCES vendors (id),
  patient_position     integer     NOT NULL,
  patient_external_id  text        NOT NULL,
  priority             smallint    NOT NULL CHECK (priority BETWEEN 0 AND 2),
  state                text        NOT NULL CHECK (state IN ('draft', 'queued', 'resolving',
                                     'uploading', 'sending', 'accepted', 'completed', 'failed',
                                     'retry_wait', 'dead', 'cancelled')),
  attempts             integer     NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz,
  locked_until         timestamptz,
  locked_by            text,
  metriport_patient_id text,
  last_error           text,
  send_started_at      timestamptz,
  accepted_at          timestamptz,
  completed_at         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, patient_position)
);
-- The claim query: claimable deliveries, High before Normal before Low, then oldest first.
CREATE INDEX deliveries_claim_idx ON deliveries (priority DESC, created_at)
  WHERE state IN ('queued', 'retry_wait');
-- Per-vendor turns within a priority.
CREATE INDEX deliveries_vendor_claim_idx ON deliveries (vendor_id, priority DESC, created_at)
  WHERE state IN ('queued', 'retry_wait');
-- Backoff wake-ups, and expired leases of in-flight deliveries.
CREATE INDEX deliveries_next_attempt_idx ON deliveries (next_attempt_at);
CREATE INDEX deliveries_locked_until_idx ON deliveries (locked_until)
  WHERE state IN ('resolving', 'uploading', 'sending');
-- The reconciler: accepted but unconfirmed past a deadline.
CREATE INDEX deliveries_accepted_idx ON deliveries (accepted_at) WHERE state = 'accepted';

-- One row per Metriport message a delivery needs: usually one, several (part 1..parts) when more
-- than 5 files are split, each with the "(k/n)" subject suffix. metriport_message_id is recorded
-- from the send answer and is what webhooks and polls name. status: pending (not sent yet),
-- sending (request written, outcome unknown until answered or reconciled), processing (accepted by
-- Metriport), completed, failed (reason from Metriport).
CREATE TABLE delivery_sends (
  id                   bigserial   PRIMARY KEY,
  delivery_id          bigint      NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  part                 integer     NOT NULL CHECK (part >= 1),
  parts                integer     NOT NULL CHECK (parts >= 1),
  metriport_message_id text        UNIQUE,
  status               text        NOT NULL DEFAULT 'pending'
                                   CHECK (status IN ('pending', 'sending', 'processing',
                                                     'completed', 'failed')),
  reason               text,
  sent_at              timestamptz,
  completed_at         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (part <= parts),
  UNIQUE (delivery_id, part)
);

-- Metriport document references created for a delivery's files, so a retry never uploads twice.
-- A row with uploaded_at NULL has a reference whose PUT has not succeeded yet (upload URLs expire:
-- the relay may replace metriport_document_id). attachment_id NULL is the message's full body
-- attached as text/plain when it is longer than Metriport's 5000-character body limit.
CREATE TABLE delivery_documents (
  id                    bigserial   PRIMARY KEY,
  delivery_id           bigint      NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attachment_id         bigint      REFERENCES attachments (id) ON DELETE CASCADE,
  metriport_document_id text        NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  uploaded_at           timestamptz,
  UNIQUE (delivery_id, attachment_id)
);
-- At most one full-body document per delivery (UNIQUE above treats NULLs as distinct).
CREATE UNIQUE INDEX delivery_documents_full_body_idx ON delivery_documents (delivery_id)
  WHERE attachment_id IS NULL;

-- Portal patient ExternalId -> Metriport patient UUID, from GET /patient/external-id.
CREATE TABLE patient_cache (
  external_id          text        PRIMARY KEY,
  metriport_patient_id text        NOT NULL,
  resolved_at          timestamptz NOT NULL DEFAULT now()
);

-- Inbox of Metriport webhooks, stored before answering 200 and applied afterwards.
-- metriport_event_id is meta.messageId (replays and manual re-sends keep it): the dedupe key.
-- metriport_message_id is payload.id of message.status events: an event that arrives before the
-- send answer stays unapplied (applied_at NULL) until a delivery_sends row names that id.
-- outcome: what applying did ('applied', 'ignored', 'unknown_message', ...).
CREATE TABLE webhook_events (
  id                   bigserial   PRIMARY KEY,
  metriport_event_id   text        NOT NULL UNIQUE,
  event_type           text        NOT NULL,
  metriport_message_id text,
  received_at          timestamptz NOT NULL DEFAULT now(),
  applied_at           timestamptz,
  payload              jsonb       NOT NULL,
  outcome              text
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (metriport_message_id)
  WHERE applied_at IS NULL;

-- Who did what to which entity, append-only. detail holds IDs, counts and reasons only: never PHI.
-- actor: 'vendor:<id>', 'relay:<instance>', 'operator:<name>', 'system'.
CREATE TABLE audit_events (
  id          bigserial   PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor       text        NOT NULL,
  entity_type text        NOT NULL,
  entity_id   text        NOT NULL,
  event       text        NOT NULL,
  detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, occurred_at);

-- Rejects any change to recorded audit events: rows may be inserted, never updated or removed.
CREATE FUNCTION audit_events_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();
