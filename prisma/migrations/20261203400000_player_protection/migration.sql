-- Player protection (PROTOCOL §14). A restriction per player of an operator (self-exclusion, cool-off
-- or operator; `until` NULL for indefinitely) and a limit on one stake per player and currency. Both are
-- read by the bet's locking statement (a LEFT JOIN on these primary keys), so every process sees a
-- change from its commit on. Unrestricting deletes the row; the audit log keeps the history.
CREATE TABLE `player_restrictions` (
    `operator_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `reason` ENUM('self-exclusion', 'cool-off', 'operator') NOT NULL,
    `until` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL,
    `updated_at` DATETIME(3) NOT NULL,
    PRIMARY KEY (`operator_id`, `user_id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE `player_limits` (
    `operator_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `max_bet_minor` BIGINT NOT NULL,
    `updated_at` DATETIME(3) NOT NULL,
    PRIMARY KEY (`operator_id`, `user_id`, `currency`),
    CONSTRAINT `player_limits_max_bet_check` CHECK (`max_bet_minor` >= 0)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
