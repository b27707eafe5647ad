-- Operator go-live (PROTOCOL §11): fee share, credit limit, the day it went live, prepaid credit as an
-- append-only ledger, the daily fee bills, and operator applications.
--
-- fee_percent NULL means "DEFAULT_FEE_PERCENT" (rows that existed before this migration); operators
-- created from now on store the default in force at creation, so changing the variable later changes
-- no operator's price behind its back. credit_limit_minor is in the base currency's minor units.
-- live_since is when operators/go-live last made the operator live: billing starts on that UTC day.
ALTER TABLE `operators`
    ADD COLUMN `fee_percent` DECIMAL(5, 2) NULL,
    ADD COLUMN `credit_limit_minor` BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN `live_since` DATETIME(3) NULL;

-- The credit account: one row per operator, its balance in base minor units (may go below zero, down
-- to minus credit_limit_minor and further through fees, which are owed whatever the balance). Written
-- only together with a credit_entries row, under this row's lock.
CREATE TABLE `operator_credit` (
    `operator_id` INTEGER NOT NULL,
    `balance_minor` BIGINT NOT NULL DEFAULT 0,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`operator_id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The credit ledger, append-only. Top-ups and adjustments are idempotent on (operator, reference);
-- fee entries carry no reference and are unique per (operator, day). NULLs never collide in a unique
-- index, so each key only constrains the entries that have it.
CREATE TABLE `credit_entries` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `kind` ENUM('topup', 'adjustment', 'fee') NOT NULL,
    `amount_minor` BIGINT NOT NULL,
    `balance_after_minor` BIGINT NOT NULL,
    `reference` VARCHAR(64) NULL,
    `reason` VARCHAR(512) NULL,
    `day` DATE NULL,
    `request_hash` BINARY(32) NULL,
    `actor` VARCHAR(64) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`id`),
    UNIQUE INDEX `credit_entries_reference_key` (`operator_id`, `reference`),
    UNIQUE INDEX `credit_entries_fee_day_key` (`operator_id`, `day`),
    INDEX `credit_entries_operator_idx` (`operator_id`, `id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One bill per operator and UTC day: the claim that makes billing exactly once across processes
-- (inserted in the same transaction as the fee entry it produced; a zero fee has no entry).
CREATE TABLE `billing_fees` (
    `operator_id` INTEGER NOT NULL,
    `day` DATE NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `ggr_minor` BIGINT NOT NULL,
    `fee_percent` DECIMAL(5, 2) NOT NULL,
    `fee_minor` BIGINT NOT NULL,
    `credit_entry_id` BIGINT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`operator_id`, `day`),
    INDEX `billing_fees_day_idx` (`day`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Requests for operator access from the public /apply form; decided once by staff.
CREATE TABLE `operator_applications` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `application_id` VARCHAR(32) NOT NULL,
    `company` VARCHAR(128) NOT NULL,
    `contact_email` VARCHAR(254) NOT NULL,
    `website` VARCHAR(512) NULL,
    `wallet_mode` ENUM('transfer', 'seamless') NOT NULL,
    `currencies` VARCHAR(1024) NOT NULL,
    `peak_per_second` INTEGER NULL,
    `client_address` VARCHAR(64) NOT NULL,
    `status` ENUM('pending', 'approved', 'rejected') NOT NULL DEFAULT 'pending',
    `agent_id` VARCHAR(64) NULL,
    `reason` VARCHAR(512) NULL,
    `decided_by` VARCHAR(64) NULL,
    `decided_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`id`),
    UNIQUE INDEX `operator_applications_application_id_key` (`application_id`),
    INDEX `operator_applications_status_idx` (`status`, `id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
