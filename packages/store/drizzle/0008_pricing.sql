ALTER TABLE `qcc_prices` MODIFY COLUMN `model` varchar(256) NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_usage_events` MODIFY COLUMN `model` varchar(256) NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_usage_events` MODIFY COLUMN `upstream_model` varchar(256);--> statement-breakpoint
ALTER TABLE `qcc_usage_rollups` MODIFY COLUMN `model` varchar(256) NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `priced_by` varchar(8);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_priced_by_idx` ON `qcc_usage_events` (`priced_by`,`model`,`at`);