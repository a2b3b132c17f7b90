CREATE TABLE `reminders_sent` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`item_key` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `snoozes` (
	`user_id` text NOT NULL,
	`item_key` text NOT NULL,
	`until` integer NOT NULL,
	PRIMARY KEY(`user_id`, `item_key`)
);
--> statement-breakpoint
ALTER TABLE `incidents` ADD `resolution_note` text;