CREATE TABLE `evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`file_id` text,
	`name` text,
	`mimetype` text,
	`size` integer,
	`sha256` text,
	`permalink` text,
	`channel_id` text,
	`message_ts` text,
	`note` text,
	`added_by` text NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evidence_incident` ON `evidence` (`incident_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_incident_file` ON `evidence` (`incident_id`,`file_id`);--> statement-breakpoint
-- The evidence register is append-only: what was registered, and its hash, cannot be edited away
-- (each registration is also in the hash-chained audit trail).
CREATE TRIGGER `evidence_no_update` BEFORE UPDATE ON `evidence`
BEGIN
  SELECT RAISE(ABORT, 'evidence is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `evidence_no_delete` BEFORE DELETE ON `evidence`
BEGIN
  SELECT RAISE(ABORT, 'evidence is append-only');
END;

