DROP INDEX `targets_open_queue_idx`;--> statement-breakpoint
CREATE INDEX `targets_queue_free_idx` ON `targets` (`queue_rank`,`available_at`) WHERE status = 'open' AND lease_expires_at IS NULL;