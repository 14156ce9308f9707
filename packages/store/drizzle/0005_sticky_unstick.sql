ALTER TABLE `qcc_account_settings` ADD `sticky_policy` varchar(16);--> statement-breakpoint
ALTER TABLE `qcc_account_settings` ADD `sticky_break_ttfb_ms` int;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `unstuck_at` datetime(3);--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `upstream_model` varchar(128);