-- The audit trail is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER `incident_events_no_update` BEFORE UPDATE ON `incident_events`
BEGIN
  SELECT RAISE(ABORT, 'incident_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `incident_events_no_delete` BEFORE DELETE ON `incident_events`
BEGIN
  SELECT RAISE(ABORT, 'incident_events is append-only');
END;
