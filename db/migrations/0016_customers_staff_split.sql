ALTER TABLE `incidents` ADD `customers_affected` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `staff_affected` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
-- Old reports asked one question, "Could customers or staff be affected?", so which of the two it
-- meant is unknown. Its answer is kept as the customers' answer: a "yes" already opened the customer
-- obligation, which stays as it was. Staff is "no" only when the combined answer was "no" (neither
-- was affected); otherwise it is "unknown". customers_or_staff_affected stays, derived from the two.
UPDATE `incidents` SET `customers_affected` = `customers_or_staff_affected`,
  `staff_affected` = CASE WHEN `customers_or_staff_affected` = 'no' THEN 'no' ELSE 'unknown' END;
