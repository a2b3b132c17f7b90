DROP INDEX `incidents_statistics`;--> statement-breakpoint
CREATE INDEX `incidents_impact` ON `incidents` (`reported_at`,`impact_areas`) WHERE impact_areas is not null;--> statement-breakpoint
CREATE INDEX `incidents_statistics` ON `incidents` (`reported_at`,`kind`,`category`,`department`,`severity`,`triage_outcome`,`immediate_cause`,`occurred_at`,`triaged_at`,`resolved_at`,`closed_at`,`discovered_at`,`customers_affected`,`staff_affected`,`impact_cost`);--> statement-breakpoint
CREATE INDEX `incident_events_timeline_notes` ON `incident_events` (`incident_id`,`id`) WHERE type = 'timeline_note';--> statement-breakpoint
CREATE INDEX `message_duties_incident` ON `message_duties` (`incident_id`);