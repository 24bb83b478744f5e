ALTER TABLE `import_rejections` ADD `reason_code` text;--> statement-breakpoint
ALTER TABLE `import_rejections` ADD `reason_params` text;