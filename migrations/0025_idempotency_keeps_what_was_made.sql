-- A key keeps what its first use made, not an HTTP answer: a request's key kept the API envelope,
-- now only the request's id; the status is the route's to give.
UPDATE `idempotency_keys` SET `body` = json_object('id', json_extract(`body`, '$.request.id')) WHERE json_valid(`body`) AND json_extract(`body`, '$.request.id') IS NOT NULL;--> statement-breakpoint
ALTER TABLE `idempotency_keys` RENAME COLUMN `body` TO `made`;--> statement-breakpoint
ALTER TABLE `idempotency_keys` DROP COLUMN `status`;
