ALTER TABLE `qcc_usage_events` ADD `refused` varchar(48);--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `attempt_trace` json;--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `client_ip` varchar(45);--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `user_agent` varchar(256);--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `stream` boolean;--> statement-breakpoint
CREATE INDEX `qcc_usage_events_key_at_idx` ON `qcc_usage_events` (`key_id`,`at`);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_session_at_idx` ON `qcc_usage_events` (`session_id`,`at`);