-- CreateTable
CREATE TABLE `admin_users` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `username` VARCHAR(64) NOT NULL,
    `password_hash` VARCHAR(255) NOT NULL,
    `role` ENUM('admin', 'support', 'finance') NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `admin_users_username_key`(`username`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `audit_log` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `actor` VARCHAR(64) NOT NULL,
    `action` VARCHAR(64) NOT NULL,
    `target_type` VARCHAR(32) NOT NULL,
    `target_id` VARCHAR(64) NOT NULL,
    `before` TEXT NULL,
    `after` TEXT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `operators` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `agent_id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `currencies` VARCHAR(1024) NOT NULL,
    `secret_key` VARCHAR(128) NOT NULL,
    `salt_key` VARCHAR(128) NOT NULL,
    `callback_url` VARCHAR(512) NULL,
    `callback_scheme` ENUM('hmac', 'md5') NOT NULL DEFAULT 'hmac',
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `operators_agent_id_key`(`agent_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `providers` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `provider_id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `secret_key` VARCHAR(128) NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `providers_provider_id_key`(`provider_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `players` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `nickname` VARCHAR(64) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `players_operator_user_key`(`operator_id`, `user_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wallets` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `player_id` BIGINT NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `balance_minor` BIGINT NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `wallets_player_idx`(`player_id`),
    UNIQUE INDEX `wallets_operator_user_currency_key`(`operator_id`, `user_id`, `currency`),
    PRIMARY KEY (`id`),
    -- Not expressible in schema.prisma: the database itself refuses a negative balance.
    CONSTRAINT `wallets_balance_non_negative` CHECK (`balance_minor` >= 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `transactions` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `origin` ENUM('operator', 'provider') NOT NULL,
    `origin_id` INTEGER NOT NULL,
    `transaction_id` VARCHAR(64) NOT NULL,
    `request_hash` BINARY(32) NOT NULL,
    `operator_id` INTEGER NOT NULL,
    `wallet_id` BIGINT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `type` ENUM('deposit', 'withdraw', 'bet', 'win', 'rollback', 'jackpot') NOT NULL,
    `status` ENUM('applied', 'refused') NOT NULL,
    `result_code` SMALLINT NOT NULL,
    `amount_minor` BIGINT NOT NULL,
    `delta_minor` BIGINT NOT NULL,
    `balance_after_minor` BIGINT NULL,
    `provider_id` INTEGER NULL,
    `game_id` INTEGER NULL,
    `round_id` VARCHAR(64) NULL,
    `free_spin_id` VARCHAR(64) NULL,
    `ref_transaction_id` VARCHAR(64) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `transactions_idempotency_key`(`origin`, `origin_id`, `transaction_id`),
    INDEX `transactions_operator_idx`(`operator_id`, `id`),
    INDEX `transactions_operator_user_idx`(`operator_id`, `user_id`, `id`),
    INDEX `transactions_wallet_idx`(`wallet_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
