CREATE TABLE `actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`owner_id` text NOT NULL,
	`due_at` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`status_reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `actions_incident` ON `actions` (`incident_id`);--> statement-breakpoint
CREATE INDEX `actions_owner_status` ON `actions` (`owner_id`,`status`);--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text NOT NULL,
	`type` text NOT NULL,
	`before` text,
	`after` text,
	`summary` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident` ON `incident_events` (`incident_id`,`id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`submission_key` text,
	`source` text NOT NULL,
	`source_permalink` text,
	`kind` text NOT NULL,
	`category` text NOT NULL,
	`suggested_severity` text,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`occurred_at` integer,
	`discovered_at` integer NOT NULL,
	`aware_at` integer NOT NULL,
	`reported_at` integer NOT NULL,
	`location` text,
	`department` text NOT NULL,
	`reporter_id` text NOT NULL,
	`hod_id` text,
	`data_involved` text,
	`people_involved` text,
	`people_aware` text,
	`customers_or_staff_affected` text DEFAULT 'unknown' NOT NULL,
	`personal_data` text DEFAULT 'unknown' NOT NULL,
	`personal_data_count` integer,
	`personal_data_kinds` text,
	`sensitivity` text,
	`protective_marking` text,
	`encrypted` text,
	`third_party_use` text,
	`asset_owner_id` text,
	`immediate_cause` text,
	`loss_location` text,
	`loss_details` text,
	`crime_number` text,
	`status` text DEFAULT 'reported' NOT NULL,
	`triage_outcome` text,
	`triage_rationale` text,
	`duplicate_of_id` integer,
	`severity` text,
	`priority` text,
	`irm_id` text,
	`triaged_at` integer,
	`target_resolution_at` integer,
	`escalated_at` integer,
	`resolved_at` integer,
	`closed_at` integer,
	`closure_justification` text,
	`risk_register_ref` text,
	`card_channel_id` text,
	`card_ts` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_reference_unique` ON `incidents` (`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_submission_key_unique` ON `incidents` (`submission_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_year_seq` ON `incidents` (`year`,`seq`);--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`);--> statement-breakpoint
CREATE INDEX `incidents_reported_at` ON `incidents` (`reported_at`);--> statement-breakpoint
CREATE INDEX `incidents_reporter` ON `incidents` (`reporter_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`done_by` text,
	`done_at` integer,
	`external_ref` text,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_incident_kind` ON `notifications` (`incident_id`,`kind`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`status`,`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE TABLE `reference_counters` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`type` text NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`content` text NOT NULL,
	`decision` text DEFAULT 'pending' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`comment` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reviews_incident` ON `reviews` (`incident_id`,`type`);