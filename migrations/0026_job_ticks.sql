CREATE TABLE `job_ticks` (
	`name` text PRIMARY KEY NOT NULL,
	`due_at` integer NOT NULL,
	`node` text NOT NULL,
	`ran_at` integer NOT NULL
);
