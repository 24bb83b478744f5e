CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`institution_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`user_id` integer,
	`token_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`detail` text,
	`ip` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_user_idx` ON `audit_log` (`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`id` integer PRIMARY KEY NOT NULL,
	`principal` text NOT NULL,
	`key` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_principal_key_uq` ON `idempotency_keys` (`principal`,`key`);--> statement-breakpoint
CREATE TABLE `institutions` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `institutions_code_unique` ON `institutions` (`code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`ip` text,
	`user_agent` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_attempts` (
	`id` integer PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`ip` text NOT NULL,
	`succeeded` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sign_in_attempts_user_at_idx` ON `sign_in_attempts` (`username`,`at`);--> statement-breakpoint
CREATE INDEX `sign_in_attempts_ip_at_idx` ON `sign_in_attempts` (`ip`,`at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`institution_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `case_suspects` (
	`case_id` integer NOT NULL,
	`suspect_id` integer NOT NULL,
	`level` integer DEFAULT 1 NOT NULL,
	`parent_suspect_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`case_id`, `suspect_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_suspects_suspect_idx` ON `case_suspects` (`suspect_id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`district` text NOT NULL,
	`fraud_type` text NOT NULL,
	`loss_fen` integer DEFAULT 0 NOT NULL,
	`victim_name` text NOT NULL,
	`victim_phone` text,
	`victim_id_number` text,
	`victim_age` integer,
	`narrative` text,
	`status` text DEFAULT 'received' NOT NULL,
	`filed_at` integer,
	`solved_at` integer,
	`closed_at` integer,
	`suspects_detained` integer DEFAULT 0 NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cases_received_idx` ON `cases` (`received_at`);--> statement-breakpoint
CREATE INDEX `cases_district_idx` ON `cases` (`district`,`received_at`);--> statement-breakpoint
CREATE TABLE `import_rejections` (
	`id` integer PRIMARY KEY NOT NULL,
	`import_id` integer NOT NULL,
	`line` integer NOT NULL,
	`raw` text NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_rejections_import_idx` ON `import_rejections` (`import_id`,`line`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`filename` text NOT NULL,
	`file_hash` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`total_rows` integer DEFAULT 0 NOT NULL,
	`imported` integer DEFAULT 0 NOT NULL,
	`merged` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imports_kind_hash_idx` ON `imports` (`kind`,`file_hash`);--> statement-breakpoint
CREATE TABLE `suspect_sources` (
	`suspect_id` integer NOT NULL,
	`source` text NOT NULL,
	`first_at` integer NOT NULL,
	PRIMARY KEY(`suspect_id`, `source`),
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `suspects` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`institution_id` integer,
	`institution_inferred` integer DEFAULT true NOT NULL,
	`risk_level` text DEFAULT 'medium' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`sightings` integer DEFAULT 1 NOT NULL,
	`note` text,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suspects_kind_value_uq` ON `suspects` (`value`,`kind`);--> statement-breakpoint
CREATE TABLE `follow_ups` (
	`id` integer PRIMARY KEY NOT NULL,
	`target_id` integer NOT NULL,
	`due_at` integer NOT NULL,
	`assigned_to` integer,
	`done_at` integer,
	`outcome` text,
	`note` text,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_ups_due_idx` ON `follow_ups` (`done_at`,`due_at`);--> statement-breakpoint
CREATE INDEX `follow_ups_target_idx` ON `follow_ups` (`target_id`);--> statement-breakpoint
CREATE TABLE `targets` (
	`id` integer PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`name` text,
	`district` text,
	`age` integer,
	`reason` text DEFAULT 'other' NOT NULL,
	`reason_note` text,
	`suspect_id` integer,
	`risk_grade` text NOT NULL,
	`source` text DEFAULT 'manual' NOT NULL,
	`amount_at_risk_fen` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`available_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`claimed_by` integer,
	`lease_expires_at` integer,
	`outcome` text,
	`closed_at` integer,
	`case_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`claimed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `targets_open_phone_uq` ON `targets` (`phone`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `targets_queue_idx` ON `targets` (`status`,`risk_grade`,`created_at`);--> statement-breakpoint
CREATE INDEX `targets_created_idx` ON `targets` (`created_at`);--> statement-breakpoint
CREATE TABLE `telephony_messages` (
	`id` integer PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`provider` text NOT NULL,
	`to` text NOT NULL,
	`from` text,
	`body` text,
	`sid` text NOT NULL,
	`status` text NOT NULL,
	`warning_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`warning_id`) REFERENCES `warnings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telephony_messages_sid_unique` ON `telephony_messages` (`sid`);--> statement-breakpoint
CREATE INDEX `telephony_created_idx` ON `telephony_messages` (`created_at`);--> statement-breakpoint
CREATE TABLE `warnings` (
	`id` integer PRIMARY KEY NOT NULL,
	`target_id` integer NOT NULL,
	`agent_id` integer,
	`channel` text NOT NULL,
	`outcome` text,
	`note` text,
	`provider_sid` text,
	`provider_status` text,
	`assignee` text,
	`scheduled_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `warnings_target_idx` ON `warnings` (`target_id`);--> statement-breakpoint
CREATE INDEX `warnings_created_idx` ON `warnings` (`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `warnings_provider_sid_uq` ON `warnings` (`provider_sid`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_key_unique` ON `webhook_events` (`key`);--> statement-breakpoint
CREATE TABLE `onward_transfers` (
	`id` integer PRIMARY KEY NOT NULL,
	`response_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`suspect_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`at` integer NOT NULL,
	`next_request_id` integer,
	FOREIGN KEY (`response_id`) REFERENCES `responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`next_request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `onward_request_idx` ON `onward_transfers` (`request_id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`case_id` integer,
	`suspect_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`level` integer DEFAULT 1 NOT NULL,
	`parent_request_id` integer,
	`amount_fen` integer,
	`done_amount_fen` integer,
	`balance_fen` integer,
	`note` text,
	`renewals` integer DEFAULT 0 NOT NULL,
	`created_by` integer,
	`created_by_token` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sent_at` integer,
	`acknowledged_at` integer,
	`responded_at` integer,
	`effective_at` integer,
	`expires_at` integer,
	`deadline_at` integer,
	`escalated_at` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_token`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `requests_desk_idx` ON `requests` (`institution_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `requests_case_idx` ON `requests` (`case_id`);--> statement-breakpoint
CREATE INDEX `requests_suspect_idx` ON `requests` (`suspect_id`);--> statement-breakpoint
CREATE INDEX `requests_status_deadline_idx` ON `requests` (`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `requests_created_idx` ON `requests` (`created_at`);--> statement-breakpoint
CREATE TABLE `responses` (
	`id` integer PRIMARY KEY NOT NULL,
	`request_id` integer NOT NULL,
	`action` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`amount_fen` integer,
	`balance_fen` integer,
	`reason` text,
	`user_id` integer,
	`token_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `responses_request_idx` ON `responses` (`request_id`);--> statement-breakpoint
CREATE TABLE `baseline_totals` (
	`id` integer PRIMARY KEY NOT NULL,
	`metric` text NOT NULL,
	`month` text NOT NULL,
	`district` text DEFAULT '' NOT NULL,
	`value` integer NOT NULL,
	`import_id` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `baseline_metric_month_district_uq` ON `baseline_totals` (`metric`,`month`,`district`);