-- pgbench script for deploy/bench-intake.sh: the database work of one intake of a NEW message, statement
-- for statement as IntakeService::store runs it (adapters/postgres/message_repository.cpp,
-- message_rows.cpp): the read of an earlier version (none: a new message), then in one transaction
-- lock-by-ExternalId, message + 2 patients + 1 attachment + 2 queued deliveries + NOTIFY + audit event.
-- (The gateway answers from what it wrote: no read-back.)
-- Run with -M extended (libpqxx exec_params = unnamed extended-protocol statements, like the gateway).
-- Variables from -D: vendor (vendors.id), b64 (attachment base64), size (decoded bytes), sha (sha256
-- hex of the bytes), hash (a content hash). The ExternalId is 'PGB-<client>-<random 62-bit>': unique.
\set n random(1, 4611686018427387903)
SELECT m.id::text, m.vendor_id, m.external_id, m.from_external_id, m.from_name, m.subject, m.body,
       m.portal_status, m.requested_status, m.priority,
       (extract(epoch FROM m.creation_date) * 1000000)::bigint,
       (extract(epoch FROM m.sent_date) * 1000000)::bigint, m.content_hash
FROM messages m
WHERE m.vendor_id = :vendor AND m.external_id = 'PGB-' || :client_id::text || '-' || :n::text;
BEGIN;
SELECT id::text, requested_status, content_hash,
       (extract(epoch FROM creation_date) * 1000000)::bigint
FROM messages
WHERE vendor_id = :vendor AND external_id = 'PGB-' || :client_id::text || '-' || :n::text
FOR UPDATE;
INSERT INTO messages (vendor_id, external_id, from_external_id, from_name, subject, body,
                      relay_subject, relay_body, requested_status, priority, destination,
                      intended_recipient_npi, content_hash)
VALUES (:vendor, 'PGB-' || :client_id::text || '-' || :n::text, 'DR-100', 'Dr. Ana Ruiz',
        'Referral - cardiology', 'Please review the attached referral for cardiology consultation.',
        'Referral - cardiology', 'Please review the attached referral for cardiology consultation.',
        'Sent', 2, '2.16.840.1.113883.3.9621', '{}'::text[], :hash)
RETURNING id::text AS mid, (extract(epoch FROM creation_date) * 1000000)::bigint AS created \gset
INSERT INTO message_patients (message_id, position, external_id, is_representative,
                              representative_external_id)
SELECT :mid::uuid, p.ordinality - 1, p.external_id, p.is_representative, p.representative_external_id
FROM unnest('{"PAT-4711","PAT-4712"}'::text[], '{f,t}'::boolean[], '{"","REP-88"}'::text[])
     WITH ORDINALITY AS p(external_id, is_representative, representative_external_id, ordinality);
INSERT INTO attachments (message_id, position, file_name, content_type, size_bytes, sha256, content)
VALUES (:mid::uuid, 0, 'referral.pdf', 'application/pdf', :size, :sha, decode(:b64, 'base64'));
INSERT INTO deliveries (message_id, vendor_id, patient_position, patient_external_id, priority,
                        state)
SELECT m.id, m.vendor_id, p.position, p.external_id, m.priority, 'queued'
FROM messages m
JOIN message_patients p ON p.message_id = m.id
WHERE m.id = :mid::uuid;
SELECT pg_notify('relay_deliveries', :mid);
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES ('vendor:' || :vendor::text, 'message', :mid, 'message.queued',
        '{"patients":2,"attachments":1}'::jsonb);
COMMIT;
