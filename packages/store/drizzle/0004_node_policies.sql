ALTER TABLE `qcc_nodes` ADD `auth_header` varchar(16) DEFAULT 'x-api-key' NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `models` text;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `model_map` text;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `error_rules` text;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `no_failover` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `strip_tool_fields` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `sticky_ttl_sec` int;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `extra_headers_enc` text;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `extra_header_names` text;