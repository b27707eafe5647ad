-- AlterTable
ALTER TABLE `providers` ADD COLUMN `launch_url_template` VARCHAR(1024) NULL;

-- CreateIndex
CREATE INDEX `transactions_ref_idx` ON `transactions`(`origin`, `origin_id`, `ref_transaction_id`);

-- CreateIndex
CREATE INDEX `transactions_operator_round_idx` ON `transactions`(`operator_id`, `round_id`);

-- CreateTable
CREATE TABLE `games` (
    `game_id` INTEGER NOT NULL,
    `provider_id` INTEGER NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `type` VARCHAR(32) NOT NULL,
    `rtp` DECIMAL(5, 2) NOT NULL,
    `free_spins` BOOLEAN NOT NULL DEFAULT false,
    `demo` BOOLEAN NOT NULL DEFAULT false,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `games_provider_idx`(`provider_id`, `game_id`),
    PRIMARY KEY (`game_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `rounds` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `provider_id` INTEGER NOT NULL,
    `operator_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `round_id` VARCHAR(64) NOT NULL,
    `game_id` INTEGER NOT NULL,
    `status` ENUM('open', 'closed') NOT NULL,
    `bet_count` INTEGER NOT NULL DEFAULT 0,
    `rolled_back_count` INTEGER NOT NULL DEFAULT 0,
    `win_count` INTEGER NOT NULL DEFAULT 0,
    `close_reason` VARCHAR(32) NULL,
    `opened_at` DATETIME(3) NOT NULL,
    `closed_at` DATETIME(3) NULL,

    UNIQUE INDEX `rounds_player_round_key`(`provider_id`, `operator_id`, `user_id`, `round_id`),
    INDEX `rounds_status_opened_idx`(`status`, `opened_at`),
    INDEX `rounds_operator_status_idx`(`operator_id`, `status`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `free_spin_campaigns` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `free_spin_id` VARCHAR(64) NOT NULL,
    `request_hash` BINARY(32) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `bet_amount_minor` BIGINT NOT NULL,
    `spins` INTEGER NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `cancelled_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `free_spin_campaigns_operator_key`(`operator_id`, `free_spin_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `free_spin_players` (
    `campaign_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `spins_used` INTEGER NOT NULL DEFAULT 0,
    `total_win_minor` BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY (`campaign_id`, `user_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `free_spin_games` (
    `campaign_id` INTEGER NOT NULL,
    `game_id` INTEGER NOT NULL,

    PRIMARY KEY (`campaign_id`, `game_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
