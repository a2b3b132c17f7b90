CREATE TABLE `processed_requests` (
	`key` text PRIMARY KEY NOT NULL,
	`incident_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
