CREATE TABLE `qcc_download_links` (
	`id_hash` varchar(64) NOT NULL,
	`account_id` varchar(36) NOT NULL,
	`payload_enc` text NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`used_at` datetime(3),
	CONSTRAINT `qcc_download_links_id_hash` PRIMARY KEY(`id_hash`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
--> statement-breakpoint
-- Names become unique regardless of case: a later account whose name differs from an earlier one
-- only in case is renamed `<name>-<first 8 characters of its id>` before the unique index.
UPDATE `qcc_accounts` a JOIN (SELECT LOWER(`name`) AS f, MIN(`created_at`) AS first FROM `qcc_accounts` GROUP BY LOWER(`name`) HAVING COUNT(*) > 1) d ON LOWER(a.`name`) = d.f AND a.`created_at` > d.first SET a.`name` = LEFT(CONCAT(a.`name`, '-', LEFT(a.`id`, 8)), 128);--> statement-breakpoint
ALTER TABLE `qcc_accounts` ADD `name_folded` varchar(128) GENERATED ALWAYS AS (lower(`name`)) STORED;--> statement-breakpoint
ALTER TABLE `qcc_nodes` ADD `managed` boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- SPEC 9: a node whose URL an admin saved (allow_private) in a tenant's account is managed.
UPDATE `qcc_nodes` n JOIN `qcc_accounts` a ON a.`id` = n.`account_id` SET n.`managed` = true WHERE n.`allow_private` = true AND a.`is_admin` = false;--> statement-breakpoint
ALTER TABLE `qcc_accounts` ADD CONSTRAINT `qcc_accounts_name_folded_uq` UNIQUE(`name_folded`);--> statement-breakpoint
CREATE INDEX `qcc_download_links_expires_idx` ON `qcc_download_links` (`expires_at`);