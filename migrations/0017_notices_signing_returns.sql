CREATE TABLE `document_counters` (
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`last` integer NOT NULL,
	PRIMARY KEY(`kind`, `year`)
);
--> statement-breakpoint
CREATE TABLE `instructions` (
	`id` integer PRIMARY KEY NOT NULL,
	`request_id` integer NOT NULL,
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`document_no` text NOT NULL,
	`payload` text NOT NULL,
	`signature` text NOT NULL,
	`key_id` text NOT NULL,
	`officer1_id` integer,
	`officer2_id` integer,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer1_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer2_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `instructions_kind_year_seq_uq` ON `instructions` (`kind`,`year`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `instructions_document_no_uq` ON `instructions` (`document_no`);--> statement-breakpoint
CREATE INDEX `instructions_request_idx` ON `instructions` (`request_id`);--> statement-breakpoint
CREATE TABLE `return_objections` (
	`id` integer PRIMARY KEY NOT NULL,
	`plan_id` integer NOT NULL,
	`text` text NOT NULL,
	`objector` text NOT NULL,
	`recorded_by` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `return_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `return_objections_plan_idx` ON `return_objections` (`plan_id`);--> statement-breakpoint
CREATE TABLE `return_plans` (
	`id` integer PRIMARY KEY NOT NULL,
	`freeze_request_id` integer NOT NULL,
	`method` text NOT NULL,
	`frozen_fen` integer NOT NULL,
	`notice_opened_at` integer,
	`notice_closes_at` integer,
	`sent_at` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`freeze_request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `return_plans_freeze_idx` ON `return_plans` (`freeze_request_id`);--> statement-breakpoint
CREATE TABLE `return_shares` (
	`plan_id` integer NOT NULL,
	`case_id` integer NOT NULL,
	`loss_fen` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`to_account` text,
	`to_account_reason` text,
	`return_request_id` integer,
	PRIMARY KEY(`plan_id`, `case_id`),
	FOREIGN KEY (`plan_id`) REFERENCES `return_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`return_request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `return_shares_request_idx` ON `return_shares` (`return_request_id`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`id` integer PRIMARY KEY NOT NULL,
	`kid` text NOT NULL,
	`public_jwk` text NOT NULL,
	`private_pkcs8` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_kid_unique` ON `signing_keys` (`kid`);--> statement-breakpoint
ALTER TABLE `users` ADD `badge_no` text;