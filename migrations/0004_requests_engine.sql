ALTER TABLE `onward_transfers` ADD `bank` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `reminded_at` integer;--> statement-breakpoint
CREATE INDEX `requests_status_expires_idx` ON `requests` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `requests_parent_idx` ON `requests` (`parent_request_id`);