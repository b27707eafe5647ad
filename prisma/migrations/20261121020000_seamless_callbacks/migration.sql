-- platformTransactionID becomes an id we choose before the row exists (a ULID), so that a seamless
-- Withdraw can carry it before the outcome is stored. Earlier rows keep the ids they were answered with.
ALTER TABLE `transactions`
    ADD COLUMN `platform_transaction_id` VARCHAR(32) NULL,
    ADD COLUMN `mirrored` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `operator_balance_minor` BIGINT NULL;

UPDATE `transactions` SET `platform_transaction_id` = CAST(`id` AS CHAR) WHERE `platform_transaction_id` IS NULL;

ALTER TABLE `transactions` MODIFY `platform_transaction_id` VARCHAR(32) NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX `transactions_platform_id_key` ON `transactions`(`platform_transaction_id`);

-- CreateTable
CREATE TABLE `callback_deliveries` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `kind` ENUM('withdraw', 'deposit', 'rollback') NOT NULL,
    `platform_transaction_id` VARCHAR(32) NOT NULL,
    `provider_id` INTEGER NULL,
    `transaction_id` VARCHAR(64) NULL,
    `payload` TEXT NOT NULL,
    `status` ENUM('sending', 'pending', 'delivered', 'refused', 'failed') NOT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `max_attempts` INTEGER NOT NULL DEFAULT 0,
    `last_error` VARCHAR(512) NULL,
    `next_attempt_at` DATETIME(3) NULL,
    `operator_balance_minor` BIGINT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `delivered_at` DATETIME(3) NULL,

    UNIQUE INDEX `callback_deliveries_kind_transaction_key`(`kind`, `platform_transaction_id`),
    INDEX `callback_deliveries_provider_transaction_idx`(`provider_id`, `transaction_id`),
    INDEX `callback_deliveries_status_next_idx`(`status`, `next_attempt_at`),
    INDEX `callback_deliveries_operator_status_idx`(`operator_id`, `status`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `operator_balances` (
    `operator_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `balance_minor` BIGINT NOT NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`operator_id`, `user_id`, `currency`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
