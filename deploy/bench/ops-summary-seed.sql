-- Seeds a migrated database for deploy/bench-ops-summary.sh: :deliveries deliveries (two patients per
-- message, 5 vendors) in a realistic mix of states over 30 days, with their sends, about eight audit
-- events per delivery (the recent 15 minutes busy), webhook events, rejections and the pacer row.
-- psql variables: deliveries (e.g. 100000), queued_percent (share left queued, e.g. 10).
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO vendors (name, password_hash)
SELECT 'bench-vendor-' || v, 'x' FROM generate_series(1, 5) v;

INSERT INTO messages (vendor_id, external_id, from_external_id, relay_subject, requested_status,
                      priority, destination, content_hash, creation_date)
SELECT (SELECT min(id) FROM vendors) + (m % 5), 'BENCH-' || m, 'DR-' || (m % 50), 'subject',
       'Sent', (m % 3)::smallint, 'direct@example.org', md5(m::text),
       now() - (m::double precision / (:deliveries / 2)) * interval '30 days'
FROM generate_series(1, :deliveries / 2) m;

INSERT INTO message_patients (message_id, position, external_id)
SELECT id, p, 'PAT-' || md5(id::text || p) FROM messages, generate_series(0, 1) p;

-- States: the newest :queued_percent queued; of the rest 1% sending, 1% accepted, 3% retry_wait,
-- 2% dead, 2% failed, 1% cancelled, the others completed.
INSERT INTO deliveries (message_id, vendor_id, patient_position, patient_external_id, priority,
                        state, attempts, created_at, updated_at, completed_at, accepted_at)
SELECT m.id, m.vendor_id, p.position, p.external_id, m.priority,
       CASE WHEN r.rank <= :deliveries * :queued_percent / 200 THEN 'queued'
            WHEN r.rank % 100 = 1 THEN 'sending'
            WHEN r.rank % 100 = 2 THEN 'accepted'
            WHEN r.rank % 100 IN (3, 4, 5) THEN 'retry_wait'
            WHEN r.rank % 100 IN (6, 7) THEN 'dead'
            WHEN r.rank % 100 IN (8, 9) THEN 'failed'
            WHEN r.rank % 100 = 10 THEN 'cancelled'
            ELSE 'completed' END,
       1, m.creation_date, m.creation_date, m.creation_date + interval '1 minute',
       m.creation_date + interval '30 seconds'
FROM messages m
JOIN message_patients p ON p.message_id = m.id
JOIN (SELECT id, row_number() OVER (ORDER BY creation_date DESC) AS rank FROM messages) r
  ON r.id = m.id;

INSERT INTO delivery_sends (delivery_id, part, parts, metriport_message_id, status, sent_at,
                            completed_at)
SELECT id, 1, 1, gen_random_uuid()::text,
       CASE state WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed'
                  WHEN 'accepted' THEN 'processing' ELSE 'pending' END,
       accepted_at, completed_at
FROM deliveries WHERE state NOT IN ('queued', 'cancelled');

-- Eight audit events per delivery, at its creation time plus a few seconds.
INSERT INTO audit_events (occurred_at, actor, entity_type, entity_id, event, detail)
SELECT d.created_at + e.n * interval '2 seconds', 'relay:bench', 'delivery', d.id::text, e.event,
       '{"from":"queued","to":"resolving","attempts":1}'
FROM deliveries d
CROSS JOIN (VALUES (1, 'delivery.claimed'), (2, 'delivery.patient_resolved'),
                   (3, 'delivery.documents_ready'), (4, 'delivery.send_started'),
                   (5, 'delivery.send_recorded'), (6, 'delivery.accepted'),
                   (7, 'delivery.send_completed'), (8, 'delivery.completed')) AS e(n, event)
WHERE d.state <> 'queued';
INSERT INTO audit_events (occurred_at, actor, entity_type, entity_id, event, detail)
SELECT creation_date, 'vendor:1', 'message', id::text, 'message.queued',
       '{"patients":2,"attachments":0}'
FROM messages;
INSERT INTO audit_events (occurred_at, actor, entity_type, entity_id, event, detail)
SELECT d.created_at + interval '3 seconds', 'relay:bench', 'delivery', d.id::text,
       'delivery.rate_limited', '{"from":"sending","to":"retry_wait","attempts":1,"class":"rate_limited"}'
FROM deliveries d WHERE d.state = 'retry_wait';

INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, received_at,
                            applied_at, payload, outcome)
SELECT gen_random_uuid()::text, 'message.status', s.metriport_message_id, s.completed_at,
       s.completed_at, '{}', 'applied'
FROM delivery_sends s WHERE s.status IN ('completed', 'failed');

INSERT INTO webhook_rejections (received_at, reason, body_bytes, body_sha256)
SELECT now() - g * interval '1 minute', 'body: not JSON', 10, md5(g::text)
FROM generate_series(1, 200) g;

INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ('metriport', 20, 60000000);
COMMIT;
VACUUM ANALYZE;
