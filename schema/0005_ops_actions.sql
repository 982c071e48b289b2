-- The operations API's delivery filters by patient and by sender (exact matches), newest first:
-- one patient's or one sender's deliveries without reading the whole table.
CREATE INDEX deliveries_patient_created_idx ON deliveries (patient_external_id, created_at, id);
CREATE INDEX messages_from_external_id_idx ON messages (from_external_id);
