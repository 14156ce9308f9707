CREATE TABLE `qcc_import_sources` (
	`source` varchar(32) NOT NULL,
	`source_table` varchar(64) NOT NULL,
	`source_id` varchar(191) NOT NULL,
	`target_id` varchar(191) NOT NULL,
	`fingerprint` char(64) NOT NULL,
	`imported_at` datetime(3) NOT NULL,
	CONSTRAINT `qcc_import_sources_pk` PRIMARY KEY(`source`,`source_table`,`source_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
