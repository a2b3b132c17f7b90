CREATE TABLE `duty_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer,
	`kind` text NOT NULL,
	`user_id` text,
	`payload` text,
	`channel_id` text,
	`ts` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `duty_messages_incident` ON `duty_messages` (`incident_id`);--> statement-breakpoint
CREATE INDEX `duty_messages_posted` ON `duty_messages` (`channel_id`,`ts`);--> statement-breakpoint
CREATE TABLE `message_duties` (
	`message_id` integer NOT NULL,
	`duty` text NOT NULL,
	`incident_id` integer NOT NULL,
	`owner_id` text NOT NULL,
	`state` text NOT NULL,
	`settled_at` integer,
	`settled_by` text,
	`settled_event_id` integer,
	PRIMARY KEY(`message_id`, `duty`),
	FOREIGN KEY (`message_id`) REFERENCES `duty_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_duties_open` ON `message_duties` (`incident_id`) WHERE settled_at is null;--> statement-breakpoint
CREATE INDEX `message_duties_owed` ON `message_duties` (`owner_id`) WHERE settled_at is null;--> statement-breakpoint
CREATE TABLE `pending_confirmations` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `home_views` ADD `view_id` text;