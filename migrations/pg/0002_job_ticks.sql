CREATE TABLE "job_ticks" (
	"name" text PRIMARY KEY NOT NULL,
	"due_at" bigint NOT NULL,
	"node" text NOT NULL,
	"ran_at" bigint NOT NULL
);
