CREATE TABLE `home_views` (
	`user_id` text PRIMARY KEY NOT NULL,
	`team` integer NOT NULL,
	`opened_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `periodic_reports` (
	`period` text PRIMARY KEY NOT NULL,
	`sent_at` integer NOT NULL
);
