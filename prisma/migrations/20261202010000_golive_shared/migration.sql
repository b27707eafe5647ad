-- Shared ground for operator go-live (PROTOCOL §11): the operator's expected peak of bets per second
-- (certification's load rate defaults to twice it) and the certification runs that go-live reads.
ALTER TABLE `operators`
    ADD COLUMN `peak_per_second` INTEGER NOT NULL DEFAULT 10;

-- One row per certification run (§11): the wallet it tried (URL and scheme as they were), its state,
-- and what it found: checks [{name, passed, detail}], load and soak {ratePerSecond, sent, errors, p50Ms,
-- p99Ms, passed} or NULL, as JSON documents written once when the run ends.
CREATE TABLE `certification_runs` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `operator_id` INTEGER NOT NULL,
    `status` ENUM('running', 'passed', 'failed') NOT NULL DEFAULT 'running',
    `callback_url` VARCHAR(512) NOT NULL,
    `scheme` ENUM('hmac', 'md5') NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `load_seconds` INTEGER NOT NULL,
    `soak_seconds` INTEGER NOT NULL,
    `rate_per_second` INTEGER NOT NULL,
    `checks` JSON NULL,
    `load_result` JSON NULL,
    `soak_result` JSON NULL,
    `started_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `finished_at` DATETIME(3) NULL,
    PRIMARY KEY (`id`),
    INDEX `certification_runs_operator_idx` (`operator_id`, `finished_at`),
    CONSTRAINT `certification_runs_operator_fk` FOREIGN KEY (`operator_id`) REFERENCES `operators` (`id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
