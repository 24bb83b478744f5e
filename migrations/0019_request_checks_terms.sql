CREATE TABLE `case_transactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`case_id` integer NOT NULL,
	`suspect_id` integer,
	`at` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`payer_account` text,
	`payer_name` text,
	`serial_no` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`suspect_id`) REFERENCES `suspects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_transactions_case_idx` ON `case_transactions` (`case_id`);--> statement-breakpoint
CREATE TABLE `request_transactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`request_id` integer NOT NULL,
	`at` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`payer_account` text,
	`payer_name` text,
	`serial_no` text,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_transactions_request_idx` ON `request_transactions` (`request_id`);--> statement-breakpoint
ALTER TABLE `suspects` ADD `holder_name` text;--> statement-breakpoint
ALTER TABLE `suspects` ADD `branch` text;--> statement-breakpoint
ALTER TABLE `onward_transfers` ADD `holder_name` text;--> statement-breakpoint
ALTER TABLE `onward_transfers` ADD `serial_no` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `holder_name` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `term` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `approval_by` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `approval_at` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `approval_ref` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `scope` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `includes_interest` integer;--> statement-breakpoint
ALTER TABLE `responses` ADD `reason_code` text;