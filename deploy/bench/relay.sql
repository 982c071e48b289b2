-- pgbench script for deploy/bench-relay.sh: the database work of relaying ONE delivery that Metriport
-- accepts at the first try, transaction for transaction and statement for statement as the relay runs
-- it (gateway/relay/relay_engine.cpp claim_one, gateway/relay/delivery_processor.cpp,
-- gateway/relay/shared_pacer.cpp; SQL from adapters/postgres/delivery_repository.cpp and
-- message_repository.cpp append_audit_event), with the HTTP calls to Metriport left out.
-- The common path: the patient's Metriport id is in patient_cache (the relay run filled it), the
-- message has one send part (body within Metriport's 5000 characters), the pacer grants at once.
--
-- One execution of this script = one delivery, so pgbench's "tps" is DELIVERIES per second. The
-- database transactions (BEGIN..COMMIT or ROLLBACK blocks) per delivery, in the relay's order ("async" = SET LOCAL
-- synchronous_commit = off, as the relay does; the others wait for the WAL flush):
--    1 claim (async): claim UPDATE (ranked CTE, only the chosen row locked), vendor turn, message
--      fields, attachments, sends, documents, audit 'delivery.claimed'
--    2 patient_cache lookup (read-only, rolled back like every pqxx::read_transaction)
--    3 set deliveries.metriport_patient_id
--    4 move resolving -> uploading (async) + audit
--    5 ensure delivery_sends rows, read them back
--   [attach=1 only: 5a renew the lease before the upload, 5b read the attachment's bytes (read-only),
--    5c record the document reference, 5d mark it uploaded and read the documents back]
--    6 move uploading -> sending (async) + audit
--    7 pacer reserve (async): relay_pacer row FOR UPDATE, expired grants deleted, live grants counted,
--      a grant row inserted, the row stored
--    8 send start, fenced: the lease renewed only if this claim holds it in 'sending', delivery_sends
--      -> sending, audit 'delivery.send_started'
--   (the send to Metriport happens here)
--    9 the Metriport id recorded: delivery_sends -> processing, audit 'delivery.send_recorded'
--   10 move sending -> accepted (lease released) + audit
--   11 pacer answered (async): row FOR UPDATE, expired grants deleted, live grants counted, this
--      send's grant deleted, the row stored
-- = 11 transactions (15 with attach=1), 6 of them async; the caller multiplies tps by this count for
-- "relay transactions per second".
--
-- Run with -M extended (libpqxx exec_params = unnamed extended-protocol statements, like the gateway).
-- Variables from -D: actor ('relay:' || an instance name), attach (0|1), claims (0: each client's
-- claim counter), and the audit details as the gateway writes them
-- (detail_claimed, detail_resolved, detail_ready, detail_started, detail_sent_prefix + delivery id +
-- detail_sent_suffix, detail_accepted): JSON text in a variable, because pgbench would take ':0'
-- inside a string literal for a variable.
-- The lease holder is a token per claim, as in the relay (there: instance ':' claim number): pgbench
-- builds no strings, so here it is a number unique per client and claim, bound as text all the same.
-- Values the gateway binds as constants of its own (states, lease word, flags, the pacer account and
-- its limits, the pacer row's numbers) are written inline here: the plans are the same primary-key
-- lookups either way. lease = relay.lease_seconds and stale = metriport.request_timeout_seconds + 30
-- (config/gateway.example.json, which the bench uses); 606 = the pacer's even spacing in microseconds
-- at 100000 sends per minute (ceil(60.6 s / 100000)).
-- The caller seeds enough 'queued' deliveries for every execution (a claim that finds none would
-- abort the client: \gset needs one row).
\set lease 300
\set ttl 86400
\set stale 60
\set claims :claims + 1
\set token 1000000000 * (:client_id + 1) + :claims

-- 1: claim (RelayEngine::claim_one -> DeliveryRepository::claim_next)
BEGIN;
SET LOCAL synchronous_commit = off;
WITH ranked AS (
  SELECT c.id, c.priority, c.created_at, t.last_claimed_at
  FROM vendors v
  LEFT JOIN relay_vendor_turns t ON t.vendor_id = v.id
  CROSS JOIN LATERAL (
    SELECT d.id, d.priority, d.created_at
    FROM deliveries d
    WHERE d.vendor_id = v.id
      AND (d.state = 'queued' OR (d.state = 'retry_wait' AND d.next_attempt_at <= now()))
    ORDER BY d.priority DESC, d.created_at, d.id
    LIMIT 64) c),
candidate AS (
  SELECT d.id, d.state
  FROM deliveries d
  JOIN ranked r ON r.id = d.id
  WHERE d.state = 'queued' OR (d.state = 'retry_wait' AND d.next_attempt_at <= now())
  ORDER BY r.priority DESC, r.last_claimed_at NULLS FIRST, r.created_at, r.id
  LIMIT 1
  FOR UPDATE OF d SKIP LOCKED)
UPDATE deliveries d
SET state = 'resolving', locked_by = :token,
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

-- 2: patient_cache lookup (DeliveryProcessor::resolve_patient, a pqxx::read_transaction: libpqxx
-- sends "BEGIN; SET TRANSACTION READ ONLY" in one round trip, which -M extended cannot, and never
-- commits it: the destructor rolls it back)
BEGIN READ ONLY;
SELECT metriport_patient_id AS mpid FROM patient_cache
WHERE external_id = :pext AND resolved_at > now() - :ttl::integer * interval '1 second'
\gset
ROLLBACK;

-- 3: remember the patient's Metriport id on the delivery
BEGIN;
UPDATE deliveries SET metriport_patient_id = :mpid, updated_at = now() WHERE id = :did;
COMMIT;

-- 4: move resolving -> uploading, lease renewed (DeliveryProcessor::move -> DeliveryRepository::apply
-- + audit; between two in-flight states: async)
BEGIN;
SET LOCAL synchronous_commit = off;
UPDATE deliveries SET
  state = 'uploading',
  locked_by = CASE 'take' WHEN 'take' THEN :token WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'take'
    WHEN 'take' THEN clock_timestamp() + :lease::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN false THEN NULL WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE clock_timestamp() + NULL::bigint * interval '1 microsecond' END,
  last_error = CASE WHEN false THEN NULL ELSE coalesce(NULL, last_error) END,
  accepted_at = CASE WHEN false THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'resolving' AND (:token::text IS NULL OR locked_by = :token)
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
-- 5a: the lease renewed before the upload (DeliveryProcessor::renew_lease)
BEGIN;
UPDATE deliveries SET locked_until = clock_timestamp() + :lease::integer * interval '1 second'
WHERE id = :did AND locked_by = :token AND state IN ('resolving', 'uploading', 'sending');
COMMIT;
-- 5b: the attachment's bytes (read-only), for the upload
BEGIN READ ONLY;
SELECT content FROM attachments WHERE id = :aid;
ROLLBACK;
-- 5c: the document reference Metriport created (the create call happens before, the PUT after)
BEGIN;
INSERT INTO delivery_documents (delivery_id, attachment_id, metriport_document_id)
VALUES (:did, :aid, 'pgbench-doc-' || :did)
ON CONFLICT (delivery_id, attachment_id)
DO UPDATE SET metriport_document_id = excluded.metriport_document_id, uploaded_at = NULL,
              created_at = now();
COMMIT;
-- 5d: uploaded (only if the reference is still this one); documents read back
BEGIN;
UPDATE delivery_documents SET uploaded_at = now()
WHERE delivery_id = :did AND attachment_id IS NOT DISTINCT FROM :aid::bigint
  AND metriport_document_id = 'pgbench-doc-' || :did;
SELECT id, attachment_id, metriport_document_id, uploaded_at IS NOT NULL
FROM delivery_documents WHERE delivery_id = :did ORDER BY attachment_id NULLS FIRST;
COMMIT;
\endif

-- 6: move uploading -> sending (async)
BEGIN;
SET LOCAL synchronous_commit = off;
UPDATE deliveries SET
  state = 'sending',
  locked_by = CASE 'take' WHEN 'take' THEN :token WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'take'
    WHEN 'take' THEN clock_timestamp() + :lease::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN false THEN NULL WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE clock_timestamp() + NULL::bigint * interval '1 microsecond' END,
  last_error = CASE WHEN false THEN NULL ELSE coalesce(NULL, last_error) END,
  accepted_at = CASE WHEN false THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'uploading' AND (:token::text IS NULL OR locked_by = :token)
RETURNING attempts;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.documents_ready', :detail_ready::jsonb);
COMMIT;

-- 7: pacer reserve (SharedPacer::update: lock the one row, drop expired grants, count the live ones,
-- apply the pure pacer, add this send's grant, store; async)
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ('metriport', 100000, 60000000)
ON CONFLICT (account) DO NOTHING;
SELECT send_limit, window_micros, next_even_slot AS nes, known_window_end, remaining_in_known_window,
       blocked_until, in_flight, last_grant_micros
FROM relay_pacer WHERE account = 'metriport' FOR UPDATE
\gset
DELETE FROM relay_pacer_grants
WHERE account = 'metriport' AND granted_at < clock_timestamp() - :stale::integer * interval '1 second';
SELECT count(*) AS live FROM relay_pacer_grants WHERE account = 'metriport'
\gset
INSERT INTO relay_pacer_grants (account) VALUES ('metriport') RETURNING id AS gid
\gset
\set granted_at :nes
\set nes :nes + 606
\set inflight :live + 1
UPDATE relay_pacer SET send_limit = 100000, window_micros = 60000000, next_even_slot = :nes,
  known_window_end = 0, remaining_in_known_window = 0, blocked_until = 0, in_flight = :inflight,
  last_grant_micros = :granted_at, updated_at = now()
WHERE account = 'metriport';
COMMIT;

-- 8: the send start, fenced by the lease (DeliveryRepository::mark_send_started + audit)
BEGIN;
UPDATE deliveries SET locked_until = clock_timestamp() + :lease::integer * interval '1 second'
WHERE id = :did AND locked_by = :token AND state = 'sending';
UPDATE delivery_sends
SET status = 'sending', first_attempt_at = coalesce(first_attempt_at, clock_timestamp()),
    updated_at = now()
WHERE id = :sid AND status IN ('pending', 'sending');
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.send_started', :detail_started::jsonb);
COMMIT;

-- 9: the Metriport id recorded (DeliveryProcessor::record_accepted)
BEGIN;
UPDATE delivery_sends
SET status = 'processing', metriport_message_id = 'pgbench-' || :did, sent_at = now(),
    updated_at = now()
WHERE id = :sid AND status IN ('pending', 'sending');
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.send_recorded',
        (:detail_sent_prefix::text || :did || :detail_sent_suffix)::jsonb);
COMMIT;

-- 10: every part settled: move sending -> accepted, lease released (waits for the flush)
BEGIN;
UPDATE deliveries SET
  state = 'accepted',
  locked_by = CASE 'release' WHEN 'take' THEN '' WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE 'release'
    WHEN 'take' THEN clock_timestamp() + 0::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN false THEN 0 WHEN false THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN false THEN NULL WHEN NULL::bigint IS NULL THEN next_attempt_at
    ELSE clock_timestamp() + NULL::bigint * interval '1 microsecond' END,
  last_error = CASE WHEN false THEN NULL ELSE coalesce(NULL, last_error) END,
  accepted_at = CASE WHEN true THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN false THEN now() ELSE completed_at END,
  updated_at = now()
WHERE id = :did AND state = 'sending' AND (:token::text IS NULL OR locked_by = :token)
RETURNING attempts;
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES (:actor, 'delivery', :did, 'delivery.accepted', :detail_accepted::jsonb);
COMMIT;

-- 11: pacer answered (SharedPacer::answered: live grants counted before this send's grant is
-- deleted, so the pure pacer's decrement applies to exactly this send; async)
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ('metriport', 100000, 60000000)
ON CONFLICT (account) DO NOTHING;
SELECT send_limit, window_micros, next_even_slot AS nes, known_window_end, remaining_in_known_window,
       blocked_until, in_flight, last_grant_micros AS granted_at
FROM relay_pacer WHERE account = 'metriport' FOR UPDATE
\gset
DELETE FROM relay_pacer_grants
WHERE account = 'metriport' AND granted_at < clock_timestamp() - :stale::integer * interval '1 second';
SELECT count(*) AS live FROM relay_pacer_grants WHERE account = 'metriport'
\gset
DELETE FROM relay_pacer_grants WHERE id = :gid;
\set inflight greatest(0, :live - 1)
UPDATE relay_pacer SET send_limit = 100000, window_micros = 60000000, next_even_slot = :nes,
  known_window_end = 0, remaining_in_known_window = 0, blocked_until = 0, in_flight = :inflight,
  last_grant_micros = :granted_at, updated_at = now()
WHERE account = 'metriport';
COMMIT;
