-- The operations read API (issue 9): what keeps GET /ops/api/summary cheap whatever the size of the
-- tables (bounded index ranges, no scan of a year of finished deliveries or audit events), and
-- the audit listing's filter by event name.

-- Rates, Metriport health and pacer usage count audit events by name over recent minutes; the audit
-- listing filters by event name.
CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at, id);

-- Deliveries that reached a final state, by when: the summary counts the last 24 hours of them
-- from this index alone (vendor, state and priority included).
CREATE INDEX deliveries_finished_idx ON deliveries (updated_at) INCLUDE (vendor_id, state, priority)
  WHERE state IN ('completed', 'failed', 'cancelled');

-- Metriport sends still to make (pending, or in doubt): the drain estimate of the summary and of
-- `relay-gateway queue` counts them per unfinished delivery.
CREATE INDEX delivery_sends_unsent_idx ON delivery_sends (delivery_id)
  WHERE status IN ('pending', 'sending');
