ALTER TABLE `actions` ADD `owner_group_name` text;--> statement-breakpoint
ALTER TABLE `actions` ADD `owner_members` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `concerns` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `restricted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `access_ids` text;