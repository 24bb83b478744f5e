CREATE TABLE `urges` (
	`id` integer PRIMARY KEY NOT NULL,
	`request_id` integer,
	`target_id` integer,
	`by_user_id` integer NOT NULL,
	`note` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `urges_request_idx` ON `urges` (`request_id`);--> statement-breakpoint
CREATE INDEX `urges_target_idx` ON `urges` (`target_id`);--> statement-breakpoint
CREATE INDEX `urges_at_idx` ON `urges` (`at`);