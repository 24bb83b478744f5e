ALTER TABLE `return_plans` ADD `withdrawn_at` integer;--> statement-breakpoint
ALTER TABLE `return_plans` ADD `withdrawn_reason` text;