-- Seeds deploy/bench-scaleout.sh's queue: removes the previous clones, then clones the template
-- message (posted through intake) :messages times with its patients and one queued delivery each.
-- psql variables: template (the message id), messages (clones), tag (external id prefix).
\set ON_ERROR_STOP on
BEGIN;
DELETE FROM messages WHERE id <> :'template';
DELETE FROM deliveries;
DELETE FROM relay_pacer_grants;
CREATE TEMP TABLE clones ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, g FROM generate_series(1, :messages) g;
-- The subject carries the clone's number: every send body differs, as with real messages.
INSERT INTO messages (id, vendor_id, external_id, from_external_id, from_name, subject, body,
                      relay_subject, relay_body, requested_status, portal_status, priority,
                      destination, intended_recipient_npi, content_hash)
SELECT c.id, m.vendor_id, :'tag' || '-' || c.g, m.from_external_id, m.from_name, m.subject, m.body,
       m.relay_subject || ' ' || :'tag' || '-' || c.g, m.relay_body, m.requested_status,
       m.portal_status, m.priority, m.destination, m.intended_recipient_npi, md5(:'tag' || c.g)
FROM clones c CROSS JOIN messages m
WHERE m.id = :'template';
INSERT INTO message_patients (message_id, position, external_id, is_representative,
                              representative_external_id)
SELECT c.id, p.position, p.external_id, p.is_representative, p.representative_external_id
FROM clones c CROSS JOIN message_patients p
WHERE p.message_id = :'template';
INSERT INTO deliveries (message_id, vendor_id, patient_position, patient_external_id, priority, state)
SELECT c.id, m.vendor_id, p.position, p.external_id, m.priority, 'queued'
FROM clones c
CROSS JOIN messages m
JOIN message_patients p ON p.message_id = m.id
WHERE m.id = :'template'
ORDER BY c.g, p.position;
COMMIT;
VACUUM ANALYZE messages, message_patients, deliveries, delivery_sends;
CHECKPOINT;
