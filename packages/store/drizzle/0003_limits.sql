ALTER TABLE `qcc_accounts` ADD `limits` text;--> statement-breakpoint
ALTER TABLE `qcc_proxy_keys` ADD `limits` text;--> statement-breakpoint
ALTER TABLE `qcc_proxy_keys` ADD `first_used_at` datetime(3);--> statement-breakpoint
-- docs/contract.md §10: `expires_after_first_use_days` counts from a key's first request. Keys used
-- before this migration had theirs already: the start of their earliest minute rollup, else their
-- last use.
UPDATE `qcc_proxy_keys` k LEFT JOIN (SELECT `key_id`, MIN(`bucket_start`) AS first FROM `qcc_usage_rollups` WHERE `bucket` = 'minute' GROUP BY `key_id`) r ON r.`key_id` = k.`id` SET k.`first_used_at` = COALESCE(r.first, k.`last_used_at`) WHERE k.`first_used_at` IS NULL AND COALESCE(r.first, k.`last_used_at`) IS NOT NULL;--> statement-breakpoint
ALTER TABLE `qcc_usage_events` ADD `refusal` varchar(200);
