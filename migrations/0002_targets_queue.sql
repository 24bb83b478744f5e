ALTER TABLE `targets` ADD `queue_rank` integer GENERATED ALWAYS AS (CASE risk_grade WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END) VIRTUAL;--> statement-breakpoint
CREATE INDEX `targets_open_queue_idx` ON `targets` (`queue_rank`,`available_at`,`lease_expires_at`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `targets_open_due_idx` ON `targets` (`due_at`) WHERE status = 'open';