ALTER TABLE `outbox` ADD `leased_by` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `lane` text GENERATED ALWAYS AS (CASE
  WHEN kind = 'home' THEN 'home:' || json_extract(payload, '$.userId')
  WHEN kind IN ('monthly_report', 'monthly_chart')
    THEN 'report:' || json_extract(payload, '$.userId') || ':' || json_extract(payload, '$.period')
  WHEN kind IN ('dm', 'digest') THEN 'dm:' || id
  WHEN kind = 'duty_message' AND json_extract(payload, '$.thread') IS NULL
    THEN 'msg:' || json_extract(payload, '$.messageId')
  WHEN kind = 'checkpoint' THEN 'checkpoint'
  ELSE 'card:' || coalesce(incident_id, '-')
END) VIRTUAL NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_pending_lane` ON `outbox` (`lane`,`id`) WHERE status = 'pending';