CREATE TABLE `stats_daily_city` (
	`metric` text NOT NULL,
	`day` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`metric`, `day`)
);
--> statement-breakpoint
CREATE TABLE `stats_monthly_city` (
	`metric` text NOT NULL,
	`month` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`metric`, `month`)
);
