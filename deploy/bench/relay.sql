-- pgbench script for deploy/bench-relay.sh: the database work of relaying ONE delivery that Metriport
-- accepts at the first try, transaction for transaction and statement for statement as the relay runs
-- it (gateway/relay/relay_engine.cpp claim_one, gateway/relay/delivery_processor.cpp,
-- gateway/relay/shared_pacer.cpp; SQL from adapters/postgres/delivery_repository.cpp and
-- message_repository.cpp append_audit_event), with the HTTP calls to Metriport left out.
-- The common path: the patient's Metriport id is in patient_cache (the relay run filled it), the
-- message has one send part (body within Metriport's 5000 characters).
--
-- One execution of this script = one delivery, so pgbench's "tps" is DELIVERIES per second. The
-- database transactions (BEGIN..COMMIT blocks) per delivery are counted here:
--    1 claim: claim UPDATE, vendor turn, message fields, attachments, sends, documents, audit
--    2 patient_cache lookup (read-only)
--    3 set deliveries.metriport_patient_id
--    4 move resolving -> uploading (+ audit)
--    5 ensure delivery_sends rows, read them back
--   [attach=1 only: 5a read the attachment's bytes (read-only), 5b record the document reference,
--    5c mark it uploaded and read the documents back]
--    6 move uploading -> sending (+ audit)
--    7 pacer reserve (relay_pacer row FOR UPDATE, synchronous_commit off)
--    8 delivery_sends -> sending
--   (the send to Metriport happens here)
--    9 pacer answered (synchronous_commit off)
--   10 delivery_sends -> processing with the Metriport id, audit, move sending -> accepted, audit
-- = 10 transactions (13 with attach=1); the caller multiplies tps by this count for "relay
-- transactions per second".
--
-- Run with -M extended (libpqxx exec_params = unnamed extended-protocol statements, like the gateway).
-- Variables from -D: instance (the lease holder name), actor ('relay:' || instance), attach (0|1),
-- and the audit details as the gateway writes them (detail_claimed, detail_resolved, detail_ready,
-- detail_sent_prefix + delivery id + detail_sent_suffix, detail_accepted): JSON text in a variable,
-- because pgbench would take ':0' inside a string literal for a variable.
-- Values the gateway binds as constants of its own (states, lease word, flags) are written inline
-- here: the plans are the same primary-key lookups either way.
-- The caller seeds enough 'queued' deliveries for every execution (a claim that finds none would
-- abort the client: \gset needs one row).
\set lease 120
\set ttl 86400

-- 1: claim (RelayEngine::claim_one -> DeliveryRepository::claim_next)
BEGIN;
WITH candidate AS (
  SELECT c.id, c.state
  FROM vendors v
  LEFT JOIN relay_vendor_turns t ON t.vendor_id = v.id
  CROSS JOIN LATERAL (
    SELECT d.id, d.state, d.priority, d.created_at
    FROM deliveries d
    WHERE d.vendor_id = v.id
      AND (d.state = 'queued' OR (d.state = 'retry_wait' AND d.next_attempt_at <= now()))
    ORDER BY d.priority DESC, d.created_at, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED) c
  ORDER BY c.priority DESC, t.last_claimed_at NULLS FIRST, c.created_at, c.id
  LIMIT 1)
UPDATE deliveries d
SET state = 'resolving', locked_by = :instance,
    locked_until = clock_timestamp() + :lease::integer * interval '1 second', updated_at = now()
FROM candidate
WHERE d.id = candidate.id
RETURNING d.id AS did, d.message_id::text AS mid, d.vendor_id AS vid, candidate.state AS prev_state,
          d.attempts AS attempts, d.patient_external_id AS pext, d.metriport_patient_id AS claimed_mpid
\gset
INSERT INTO relay_vendor_turns (vendor_id, last_claimed_at) VALUES (:vid, clock_timestamp())
ON CONFLICT (vendor_id) DO UPDATE SET last_claimed_at = excluded.last_claimed_at;
SELECT m.external_id, m.relay_subject, m.relay_body, m.destination,
       array_to_string(m.intended_recipient_npi, ',')
FROM messages m WHERE m.id = :mid::uuid;
\if :attach
SELECT id AS aid, position, file_name, content_type, size_bytes
FROM attachments WHERE message_id = :mid::uuid ORDER BY position
\gset
\else
SELECT id, position, file_name, content_type, size_bytes
FROM attachments WHERE message_id = :mid::uuid ORDER BY position;
\endif
SELECT id, part, parts, metriport_message_id, status,
       (extract(epoch FROM first_attempt_at) * 1000000)::bigint
FROM delivery_sends WHERE delivery_id = :did ORDER BY part;
SELECT id, attachment_id, metriport_document_id, uploaded_at IS NOT NULL
FROM delivery_documents WHERE delivery_id = :did ORDER BY attachment_id NULLS FIRST;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.claimed', :detail_claimed::jsonb);
COMMIT;

-- 2: patient_cache lookup (DeliveryProcessor::resolve_patient, a pqxx::read_transaction)
BEGIN READ ONLY;
SELECT metriport_patient_id AS mpid FROM patient_cache
WHERE external_id = :pext AND resolved_at > now() - :ttl::integer * interval '1 second'
\gset
COMMIT;

-- 3: remember the patient's Metriport id on the delivery
BEGIN;
UPDATE deliveries SET metriport_patient_id = :mpid, updated_at = now() WHERE id = :did;
COMMIT;

-- 4: move resolving -> uploading, lease renewed (DeliveryRepository::apply + audit)
BEGIN;
UPDATE deliveries SET
  state = 'uploading',
  locked_by = CASE 'take' WHEN 'take' THEN :instance WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'take'
    WHEN 'take' THEN clock_timestamp() + :lease::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE timestamptz 'epoch' + NULL::bigint * interval '1 microsecond' END,
  last_error = coalesce(NULL, last_error),
  accepted_at = CASE WHEN false THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'resolving' AND (:instance::text IS NULL OR locked_by = :instance)
RETURNING attempts;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.patient_resolved', :detail_resolved::jsonb);
COMMIT;

-- 5: the delivery_sends rows of the plan (one part), read back
BEGIN;
INSERT INTO delivery_sends (delivery_id, part, parts)
SELECT :did, part, 1 FROM generate_series(1, 1) AS part
ON CONFLICT (delivery_id, part) DO NOTHING;
SELECT id AS sid, part, parts, metriport_message_id, status,
       (extract(epoch FROM first_attempt_at) * 1000000)::bigint AS first_attempt
FROM delivery_sends WHERE delivery_id = :did ORDER BY part
\gset
COMMIT;

\if :attach
-- 5a: the attachment's bytes (read-only), for the upload
BEGIN READ ONLY;
SELECT content FROM attachments WHERE id = :aid;
COMMIT;
-- 5b: the document reference Metriport created (the create call happens before, the PUT after)
BEGIN;
INSERT INTO delivery_documents (delivery_id, attachment_id, metriport_document_id)
VALUES (:did, :aid, 'pgbench-doc-' || :did)
ON CONFLICT (delivery_id, attachment_id)
DO UPDATE SET metriport_document_id = excluded.metriport_document_id, uploaded_at = NULL,
              created_at = now();
COMMIT;
-- 5c: uploaded; documents read back
BEGIN;
UPDATE delivery_documents SET uploaded_at = now()
WHERE delivery_id = :did AND attachment_id IS NOT DISTINCT FROM :aid::bigint;
SELECT id, attachment_id, metriport_document_id, uploaded_at IS NOT NULL
FROM delivery_documents WHERE delivery_id = :did ORDER BY attachment_id NULLS FIRST;
COMMIT;
\endif

-- 6: move uploading -> sending
BEGIN;
UPDATE deliveries SET
  state = 'sending',
  locked_by = CASE 'take' WHEN 'take' THEN :instance WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'take'
    WHEN 'take' THEN clock_timestamp() + :lease::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE timestamptz 'epoch' + NULL::bigint * interval '1 microsecond' END,
  last_error = coalesce(NULL, last_error),
  accepted_at = CASE WHEN false THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'uploading' AND (:instance::text IS NULL OR locked_by = :instance)
RETURNING attempts;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.documents_ready', :detail_ready::jsonb);
COMMIT;

-- 7: pacer reserve (SharedPacer::update: lock the one row, apply the pure pacer, store)
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ('metriport', 100000, 60000000)
ON CONFLICT (account) DO NOTHING;
SELECT send_limit, window_micros, next_even_slot AS nes, known_window_end, remaining_in_known_window,
       blocked_until, in_flight AS inflight,
       (extract(epoch FROM clock_timestamp() - updated_at) * 1000000)::bigint
FROM relay_pacer WHERE account = 'metriport' FOR UPDATE
\gset
\set nes :nes + 606
\set inflight :inflight + 1
UPDATE relay_pacer SET send_limit = 100000, window_micros = 60000000, next_even_slot = :nes,
  known_window_end = 0, remaining_in_known_window = 0, blocked_until = 0, in_flight = :inflight,
  updated_at = now()
WHERE account = 'metriport';
COMMIT;

-- 8: the send part is being written to Metriport
BEGIN;
UPDATE delivery_sends
SET status = 'sending', first_attempt_at = coalesce(first_attempt_at, clock_timestamp()),
    updated_at = now()
WHERE id = :sid AND status IN ('pending', 'sending');
COMMIT;

-- 9: pacer answered
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ('metriport', 100000, 60000000)
ON CONFLICT (account) DO NOTHING;
SELECT send_limit, window_micros, next_even_slot AS nes, known_window_end, remaining_in_known_window,
       blocked_until, in_flight AS inflight,
       (extract(epoch FROM clock_timestamp() - updated_at) * 1000000)::bigint
FROM relay_pacer WHERE account = 'metriport' FOR UPDATE
\gset
\set inflight :inflight - 1
\set inflight greatest(0, :inflight)
UPDATE relay_pacer SET send_limit = 100000, window_micros = 60000000, next_even_slot = :nes,
  known_window_end = 0, remaining_in_known_window = 0, blocked_until = 0, in_flight = :inflight,
  updated_at = now()
WHERE account = 'metriport';
COMMIT;

-- 10: accepted: the Metriport id recorded, the delivery moved to accepted (DeliveryProcessor::record_accepted)
BEGIN;
UPDATE delivery_sends
SET status = 'processing', metriport_message_id = 'pgbench-' || :did, sent_at = now(),
    updated_at = now()
WHERE id = :sid AND status IN ('pending', 'sending');
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.send_recorded',
        (:detail_sent_prefix::text || :did || :detail_sent_suffix)::jsonb);
UPDATE deliveries SET
  state = 'accepted',
  locked_by = CASE 'release' WHEN 'take' THEN NULL WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'release'
    WHEN 'take' THEN clock_timestamp() + :lease::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE timestamptz 'epoch' + NULL::bigint * interval '1 microsecond' END,
  last_error = coalesce(NULL, last_error),
  accepted_at = CASE WHEN true THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'sending' AND (:instance::text IS NULL OR locked_by = :instance)
RETURNING attempts;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.accepted', :detail_accepted::jsonb);
COMMIT;
