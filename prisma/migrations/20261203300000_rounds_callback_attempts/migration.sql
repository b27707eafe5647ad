-- Rounds for disputes (PROTOCOL §14): a round's whole story, read by an operator or by staff.
--
-- A round is found by its player without the studio (providerID is optional on rounds/get) and listed
-- newest first, for the operator or for one of its players: three indexes on `rounds`, one round row
-- each (not one per bet).
CREATE INDEX `rounds_operator_user_round_idx` ON `rounds`(`operator_id`, `user_id`, `round_id`);
CREATE INDEX `rounds_operator_user_id_idx` ON `rounds`(`operator_id`, `user_id`, `id`);
CREATE INDEX `rounds_operator_id_idx` ON `rounds`(`operator_id`, `id`);

-- Each delivery names its round, so that a round's deliveries are one indexed read, the compensating
-- Rollback of a failed Withdraw included (it reports no transaction of the round: its own id is new).
-- Earlier rows take it from the payload they were written with.
ALTER TABLE `callback_deliveries` ADD COLUMN `round_id` VARCHAR(64) NULL;
UPDATE `callback_deliveries` SET `round_id` = JSON_UNQUOTE(JSON_EXTRACT(`payload`, '$.roundId'))
 WHERE JSON_TYPE(JSON_EXTRACT(`payload`, '$.roundId')) = 'STRING';
CREATE INDEX `callback_deliveries_operator_round_idx` ON `callback_deliveries`(`operator_id`, `round_id`);

-- One row per call made to an operator's wallet for a delivery (Withdraw, Deposit, Rollback): when,
-- how it ended, the HTTP status and the operator's code when there was an answer, how long it took,
-- and the error. Keyed like the delivery it belongs to (kind, platformTransactionID). `via`: made
-- while the provider waited (`inline`) or from the durable queue (`queue`). Written after the call,
-- in batches, off the money path: the delivery row stays the record of what is owed.
CREATE TABLE `callback_attempts` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `kind` ENUM('withdraw', 'deposit', 'rollback') NOT NULL,
    `platform_transaction_id` VARCHAR(32) NOT NULL,
    `via` ENUM('inline', 'queue') NOT NULL,
    `attempted_at` DATETIME(3) NOT NULL,
    `outcome` ENUM('ok', 'insufficient', 'duplicate', 'failed') NOT NULL,
    `http_status` SMALLINT NULL,
    `operator_code` INTEGER NULL,
    `latency_ms` INTEGER NOT NULL,
    `error` VARCHAR(512) NULL,

    INDEX `callback_attempts_delivery_idx`(`kind`, `platform_transaction_id`, `attempted_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
