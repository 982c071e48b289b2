-- The operations read API (issue 9): the summary's rates, Metriport health and pacer usage count
-- relay and intake audit events by name over the last minutes, and the audit listing filters by
-- event name; one index on (event, occurred_at) keeps both to a short index range.
CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at, id);
