-- A message.status webhook's status as validated at the door, stored beside its payload: the relay
-- applies these columns (never the payload, which retention may cut down to its meta).

-- completed | failed, when Metriport says the message reached it, and its reason (failures). NULL
-- for other event types.
ALTER TABLE webhook_events ADD COLUMN status text;
ALTER TABLE webhook_events ADD COLUMN completed_at timestamptz;
ALTER TABLE webhook_events ADD COLUMN status_reason text;

-- Events stored before this migration: their payloads passed the same validation when they were
-- received, so the columns are read back from them (payloads already cut by retention belong to
-- applied events, which need no columns). The guards only keep an unexpected row from failing the
-- migration: such a row stays NULL and is set aside as 'unreadable' if it is ever applied.
UPDATE webhook_events
SET status = payload -> 'payload' ->> 'status',
    completed_at = (payload -> 'payload' ->> 'completedAt')::timestamptz,
    status_reason = payload -> 'payload' ->> 'reason'
WHERE event_type = 'message.status'
  AND jsonb_typeof(payload -> 'payload') = 'object'
  AND payload -> 'payload' ->> 'status' IN ('completed', 'failed')
  AND jsonb_typeof(payload -> 'payload' -> 'completedAt') = 'string';
