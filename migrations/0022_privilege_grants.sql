CREATE TABLE `privilege_grants` (
	`id` integer PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`subject_id` integer NOT NULL,
	`role` text NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`decision` text,
	`decided_by` integer,
	`decided_at` integer,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `privilege_grants_open_idx` ON `privilege_grants` (`decision`,`requested_at`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `approval` text;--> statement-breakpoint
ALTER TABLE `users` ADD `approval` text;