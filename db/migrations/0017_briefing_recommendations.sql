ALTER TABLE `periodic_reports` ADD `recommendations` text;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `recommended_by` text;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `recommended_at` integer;--> statement-breakpoint
ALTER TABLE `periodic_reports` ADD `released_at` integer;--> statement-breakpoint
-- Briefings queued before this migration already went to the Managing Director.
UPDATE `periodic_reports` SET `released_at` = `sent_at`;
