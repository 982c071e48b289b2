-- Less index work per relay step: deliveries_next_attempt_idx indexed every delivery (NULL
-- next_attempt_at included), so each of a delivery's row versions added an entry to it; only
-- deliveries waiting for a retry have a wake-up time worth finding by it.
DROP INDEX IF EXISTS deliveries_next_attempt_idx;
CREATE INDEX deliveries_retry_due_idx ON deliveries (next_attempt_at) WHERE state = 'retry_wait';
