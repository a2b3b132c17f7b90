DROP INDEX `notifications_incident_kind`;--> statement-breakpoint
ALTER TABLE `notifications` ADD `stage` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `label` text;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_incident_kind_stage` ON `notifications` (`incident_id`,`kind`,`stage`);--> statement-breakpoint
ALTER TABLE `incidents` ADD `impact_areas` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `impact_cost` integer;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `acknowledged_by` text;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `acknowledged_at` integer;