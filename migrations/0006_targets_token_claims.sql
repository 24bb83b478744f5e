ALTER TABLE `targets` ADD `claimed_by_token` integer REFERENCES api_tokens(id);--> statement-breakpoint
ALTER TABLE `warnings` ADD `agent_token` integer REFERENCES api_tokens(id);