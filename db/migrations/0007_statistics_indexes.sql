CREATE INDEX `actions_open_due` ON `actions` (`due_at`,`incident_id`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `incidents_groups` ON `incidents` (`kind`,`category`,`department`,`severity`,`triage_outcome`,`reported_at`);--> statement-breakpoint
CREATE INDEX `incidents_causes` ON `incidents` (`immediate_cause`,`reported_at`,`triage_outcome`) WHERE immediate_cause is not null;--> statement-breakpoint
CREATE INDEX `incidents_occurrence_to_report` ON `incidents` ((reported_at - occurred_at),`reported_at`) WHERE reported_at >= occurred_at;--> statement-breakpoint
CREATE INDEX `incidents_report_to_triage` ON `incidents` ((triaged_at - reported_at),`reported_at`) WHERE triaged_at >= reported_at;--> statement-breakpoint
CREATE INDEX `incidents_triage_to_resolution` ON `incidents` ((resolved_at - triaged_at),`reported_at`) WHERE resolved_at >= triaged_at;--> statement-breakpoint
CREATE INDEX `incidents_triage_to_closure` ON `incidents` ((closed_at - triaged_at),`reported_at`) WHERE closed_at >= triaged_at and triage_outcome = 'incident';--> statement-breakpoint
CREATE INDEX `incidents_report_to_closure` ON `incidents` ((closed_at - reported_at),`reported_at`) WHERE closed_at >= reported_at and triage_outcome = 'incident';