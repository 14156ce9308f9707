CREATE TABLE `qcc_account_settings` (
	`account_id` varchar(36) NOT NULL,
	`retries` int,
	`fail_limit` int,
	`health_interval_sec` int,
	`sticky_ttl_sec` int,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_account_settings_account_id` PRIMARY KEY(`account_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_accounts` (
	`id` varchar(36) NOT NULL,
	`name` varchar(128) NOT NULL,
	`password_hash` varchar(255) NOT NULL,
	`is_admin` boolean NOT NULL DEFAULT false,
	`disabled` boolean NOT NULL DEFAULT false,
	`active_node_id` varchar(36),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_accounts_id` PRIMARY KEY(`id`),
	CONSTRAINT `qcc_accounts_name_uq` UNIQUE(`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_audit_log` (
	`id` varchar(36) NOT NULL,
	`at` datetime(3) NOT NULL,
	`actor_id` varchar(36),
	`account_id` varchar(36),
	`action` varchar(64) NOT NULL,
	`target_type` varchar(64),
	`target_id` varchar(128),
	`ip` varchar(64),
	`detail` text,
	CONSTRAINT `qcc_audit_log_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_health_checks` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`node_id` varchar(36) NOT NULL,
	`at` datetime(3) NOT NULL,
	`ok` boolean NOT NULL,
	`latency_ms` int,
	`status` int,
	`error` varchar(1000),
	`method` varchar(20) NOT NULL,
	`source` varchar(20) NOT NULL,
	CONSTRAINT `qcc_health_checks_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_meta` (
	`name` varchar(64) NOT NULL,
	`value` text,
	`num` bigint NOT NULL DEFAULT 0,
	CONSTRAINT `qcc_meta_name` PRIMARY KEY(`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_node_states` (
	`node_id` varchar(36) NOT NULL,
	`status` varchar(16) NOT NULL,
	`cooling_until` datetime(3),
	`fail_reason` varchar(1000),
	`consecutive_failures` int NOT NULL DEFAULT 0,
	`last_failure_at` datetime(3),
	`last_success_at` datetime(3),
	`last_probe_at` datetime(3),
	`version` bigint NOT NULL,
	CONSTRAINT `qcc_node_states_node_id` PRIMARY KEY(`node_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_nodes` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`name` varchar(128) NOT NULL,
	`base_url` varchar(2048) NOT NULL,
	`api_key_enc` text,
	`api_key_hint` varchar(4),
	`weight` int NOT NULL DEFAULT 1,
	`disabled` boolean NOT NULL DEFAULT false,
	`health_check_method` varchar(10) NOT NULL,
	`health_check_model` varchar(128),
	`allow_private` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_nodes_id` PRIMARY KEY(`id`),
	CONSTRAINT `qcc_nodes_account_name_uq` UNIQUE(`account_id`,`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_notification_channels` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`name` varchar(128) NOT NULL,
	`kind` varchar(32) NOT NULL,
	`config_enc` text NOT NULL,
	`enabled` boolean NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_notification_channels_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_notification_subscriptions` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`channel_id` varchar(36) NOT NULL,
	`event_type` varchar(64) NOT NULL,
	`enabled` boolean NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_notification_subscriptions_id` PRIMARY KEY(`id`),
	CONSTRAINT `qcc_notification_subscriptions_uq` UNIQUE(`channel_id`,`event_type`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_prices` (
	`model` varchar(128) NOT NULL,
	`input_per_mtok` decimal(12,6) NOT NULL,
	`output_per_mtok` decimal(12,6) NOT NULL,
	`cache_write_5m_per_mtok` decimal(12,6) NOT NULL,
	`cache_write_1h_per_mtok` decimal(12,6) NOT NULL,
	`cache_read_per_mtok` decimal(12,6) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_prices_model` PRIMARY KEY(`model`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_proxy_keys` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`name` varchar(128),
	`prefix` varchar(8) NOT NULL,
	`key_hash` varchar(64) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`revoked_at` datetime(3),
	`last_used_at` datetime(3),
	CONSTRAINT `qcc_proxy_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `qcc_proxy_keys_hash_uq` UNIQUE(`key_hash`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_sessions` (
	`id_hash` varchar(64) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_sessions_id_hash` PRIMARY KEY(`id_hash`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_share_links` (
	`id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`token_hash` varchar(64) NOT NULL,
	`prefix` varchar(8) NOT NULL,
	`created_by` varchar(36),
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3),
	`revoked_at` datetime(3),
	CONSTRAINT `qcc_share_links_id` PRIMARY KEY(`id`),
	CONSTRAINT `qcc_share_links_token_uq` UNIQUE(`token_hash`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_tunnel_config` (
	`id` varchar(16) NOT NULL,
	`enabled` boolean NOT NULL,
	`subdomain` varchar(128),
	`zone` varchar(255),
	`api_token_enc` text,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_tunnel_config_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_usage_batches` (
	`id` varchar(36) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_usage_batches_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_usage_events` (
	`request_id` varchar(128) NOT NULL,
	`batch_id` varchar(36) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`key_id` varchar(36) NOT NULL,
	`node_id` varchar(36),
	`model` varchar(128) NOT NULL,
	`status` int NOT NULL,
	`attempts` int NOT NULL,
	`input_tokens` bigint NOT NULL,
	`output_tokens` bigint NOT NULL,
	`cache_creation_input_tokens` bigint NOT NULL,
	`cache_creation_5m_tokens` bigint NOT NULL,
	`cache_creation_1h_tokens` bigint NOT NULL,
	`cache_read_input_tokens` bigint NOT NULL,
	`cost_usd` decimal(20,9) NOT NULL,
	`ttfb_ms` int,
	`duration_ms` int NOT NULL,
	`bytes` bigint NOT NULL,
	`session_id` varchar(128),
	`partial` boolean NOT NULL,
	`at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_usage_events_request_id` PRIMARY KEY(`request_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE TABLE `qcc_usage_rollups` (
	`bucket` varchar(6) NOT NULL,
	`bucket_start` datetime(3) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`node_id` varchar(36) NOT NULL DEFAULT '',
	`model` varchar(128) NOT NULL,
	`key_id` varchar(36) NOT NULL,
	`requests` bigint NOT NULL,
	`errors` bigint NOT NULL,
	`input_tokens` bigint NOT NULL,
	`output_tokens` bigint NOT NULL,
	`cache_creation_input_tokens` bigint NOT NULL,
	`cache_creation_5m_tokens` bigint NOT NULL,
	`cache_creation_1h_tokens` bigint NOT NULL,
	`cache_read_input_tokens` bigint NOT NULL,
	`cost_usd` decimal(24,9) NOT NULL,
	`bytes` bigint NOT NULL,
	`duration_ms_sum` bigint NOT NULL,
	`ttfb_ms_sum` bigint NOT NULL,
	CONSTRAINT `qcc_usage_rollups_pk` PRIMARY KEY(`bucket`,`bucket_start`,`account_id`,`node_id`,`model`,`key_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
CREATE INDEX `qcc_audit_log_at_idx` ON `qcc_audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `qcc_audit_log_account_at_idx` ON `qcc_audit_log` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `qcc_health_checks_node_at_idx` ON `qcc_health_checks` (`node_id`,`at`);--> statement-breakpoint
CREATE INDEX `qcc_health_checks_account_at_idx` ON `qcc_health_checks` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `qcc_health_checks_at_idx` ON `qcc_health_checks` (`at`);--> statement-breakpoint
CREATE INDEX `qcc_notification_channels_account_idx` ON `qcc_notification_channels` (`account_id`);--> statement-breakpoint
CREATE INDEX `qcc_notification_subscriptions_account_idx` ON `qcc_notification_subscriptions` (`account_id`);--> statement-breakpoint
CREATE INDEX `qcc_proxy_keys_account_idx` ON `qcc_proxy_keys` (`account_id`);--> statement-breakpoint
CREATE INDEX `qcc_sessions_account_idx` ON `qcc_sessions` (`account_id`);--> statement-breakpoint
CREATE INDEX `qcc_sessions_expires_idx` ON `qcc_sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `qcc_share_links_account_idx` ON `qcc_share_links` (`account_id`);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_batch_idx` ON `qcc_usage_events` (`batch_id`);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_at_idx` ON `qcc_usage_events` (`at`);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_account_at_idx` ON `qcc_usage_events` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `qcc_usage_events_node_at_idx` ON `qcc_usage_events` (`node_id`,`at`);