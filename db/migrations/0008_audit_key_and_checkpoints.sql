CREATE TABLE `audit_chain` (
	`id` integer PRIMARY KEY NOT NULL,
	`legacy_through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_checkpoint_thread` (
	`channel_id` text PRIMARY KEY NOT NULL,
	`ts` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`event_count` integer NOT NULL,
	`last_event_id` integer NOT NULL,
	`head_hash` text NOT NULL,
	`mac` text NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seen_requests` (
	`signature` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `seen_requests_expiry` ON `seen_requests` (`expires_at`);--> statement-breakpoint
-- Events written before this migration were hashed with the public formula; every later one is
-- keyed. The boundary is recorded once, here, and the first keyed event chains onto it.
INSERT INTO `audit_chain` (`id`, `legacy_through`) SELECT 1, coalesce(max(`id`), 0) FROM `incident_events`;
--> statement-breakpoint
CREATE TRIGGER `audit_chain_no_update` BEFORE UPDATE ON `audit_chain`
BEGIN
  SELECT RAISE(ABORT, 'audit_chain is fixed');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_chain_no_delete` BEFORE DELETE ON `audit_chain`
BEGIN
  SELECT RAISE(ABORT, 'audit_chain is fixed');
END;
