ALTER TABLE `incidents` ADD `impact_areas` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `impact_cost` integer;