-- Retention (config "retention", adapters/postgres/retention_store): content purged from messages
-- whose relaying is over, and what the pruning passes need to find their rows quickly.

-- When a message's subject, body, sender name, relay copies and attachment bytes were purged
-- (NULL: not purged). Its ids, patients, file names, sizes and hashes stay until it is deleted.
ALTER TABLE messages ADD COLUMN content_purged_at timestamptz;
ALTER TABLE messages ALTER COLUMN relay_subject DROP NOT NULL;
ALTER TABLE messages ADD CONSTRAINT messages_relay_subject_until_purged
  CHECK (relay_subject IS NOT NULL OR content_purged_at IS NOT NULL);
ALTER TABLE attachments ALTER COLUMN content DROP NOT NULL;

-- When a webhook event's payload was cut down to its meta (ids, type, time): the rest may carry
-- PHI (other event types hold clinical data). Type, outcome and times stay.
ALTER TABLE webhook_events ADD COLUMN payload_purged_at timestamptz;

-- Candidates of the content purge and of deletion, oldest change first (messages asked to be sent;
-- drafts are never touched), and webhook events whose payload is still whole.
CREATE INDEX messages_purge_candidates_idx ON messages (updated_at, id)
  WHERE requested_status = 'Sent' AND content_purged_at IS NULL;
CREATE INDEX messages_sent_requests_idx ON messages (updated_at, id)
  WHERE requested_status = 'Sent';
CREATE INDEX webhook_events_payload_kept_idx ON webhook_events (received_at, id)
  WHERE payload_purged_at IS NULL;
-- Deleting attachments cascades to the documents that name them: without this index each deleted
-- attachment would scan delivery_documents.
CREATE INDEX delivery_documents_attachment_idx ON delivery_documents (attachment_id);
