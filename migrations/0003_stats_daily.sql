CREATE TABLE `stats_daily` (
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`district` text NOT NULL,
	`fraud_type` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`day`, `metric`, `district`, `fraud_type`)
);
--> statement-breakpoint
CREATE TABLE `stats_monthly` (
	`month` text NOT NULL,
	`metric` text NOT NULL,
	`district` text NOT NULL,
	`fraud_type` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`month`, `metric`, `district`, `fraud_type`)
);
