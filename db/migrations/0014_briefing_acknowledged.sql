ALTER TABLE `periodic_reports` ADD `acknowledged_by` text;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `acknowledged_at` integer;