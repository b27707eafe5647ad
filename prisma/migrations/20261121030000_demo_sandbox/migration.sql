-- The built-in sandbox operator wallet (src/demo/sandboxWallet.ts): what an operator keeps on its side
-- of the `hmac` callbacks (PROTOCOL §6.1), so that the demo's seamless operator and anyone trying the
-- flow have a real wallet to call. Served outside production only; the tables are harmless elsewhere.

-- CreateTable
CREATE TABLE `sandbox_balances` (
    `agent_id` VARCHAR(64) NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `balance_minor` BIGINT NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`agent_id`, `user_id`, `currency`),
    -- Not expressible in schema.prisma: the sandbox never lets a balance go below zero either.
    CONSTRAINT `sandbox_balances_non_negative` CHECK (`balance_minor` >= 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `sandbox_transactions` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `agent_id` VARCHAR(64) NOT NULL,
    `transaction_id` VARCHAR(64) NOT NULL,
    `kind` ENUM('withdraw', 'deposit', 'rollback') NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `amount_minor` BIGINT NOT NULL,
    `ref_transaction_id` VARCHAR(64) NULL,
    `balance_after_minor` BIGINT NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `sandbox_transactions_agent_transaction_key`(`agent_id`, `transaction_id`),
    INDEX `sandbox_transactions_agent_ref_idx`(`agent_id`, `ref_transaction_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
