-- Shared ground for operator go-live (PROTOCOL §11), FX and reports (§12) and the reconciliation feed
-- (§4 resumeCursor), laid down once so that each part builds on the same columns.
--
-- Operators start in the sandbox. Existing operators become sandbox operators too: nothing is refused in
-- the sandbox (code 18 only applies to live operators), so an upgrade stops no operator; staff move them
-- live with operators/go-live (docs/DECISIONS.md).
ALTER TABLE `operators`
    ADD COLUMN `status` ENUM('sandbox', 'live') NOT NULL DEFAULT 'sandbox';

-- Captured on every stored transaction at the moment it is stored, never changed afterwards:
--   sandbox      the operator was in the sandbox then (never billed, left out of reports by default);
--   fx_rate      base-currency units for one unit of the transaction's currency in force then
--                (NULL: no rate known); at most 12 decimals (§12);
--   amount_base  the exact product amount x fx_rate in base major units (3 + 12 decimals fit in 18).
-- feed_seq is the one column written after the insert: the order in which transactions became
-- visible (committed), assigned once by the sequencer, so that the feed and the daily aggregate see
-- every transaction exactly once even when commits finish out of id order.
ALTER TABLE `transactions`
    ADD COLUMN `sandbox` BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN `fx_rate` DECIMAL(24, 12) NULL,
    ADD COLUMN `amount_base` DECIMAL(40, 18) NULL,
    ADD COLUMN `feed_seq` BIGINT NULL,
    ADD UNIQUE INDEX `transactions_feed_seq_key` (`feed_seq`);

-- The daily GGR aggregate (§12), kept by the sequencer as it assigns feed_seq (same transaction), per
-- operator, studio, game, currency and UTC day of created_at. Only provider transactions are folded.
-- Local sums are in the currency's minor units; base sums are exact over the rows that had a rate
-- (missing_rates counts the others).
CREATE TABLE `ggr_daily` (
    `operator_id` INTEGER NOT NULL,
    `day` DATE NOT NULL,
    `provider_id` INTEGER NOT NULL,
    `game_id` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `sandbox` BOOLEAN NOT NULL,
    `bet_count` BIGINT NOT NULL DEFAULT 0,
    `bets_minor` BIGINT NOT NULL DEFAULT 0,
    `rollbacks_minor` BIGINT NOT NULL DEFAULT 0,
    `wins_minor` BIGINT NOT NULL DEFAULT 0,
    `bets_base` DECIMAL(48, 18) NOT NULL,
    `rollbacks_base` DECIMAL(48, 18) NOT NULL,
    `wins_base` DECIMAL(48, 18) NOT NULL,
    `missing_rates` BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (`operator_id`, `day`, `provider_id`, `game_id`, `currency`, `sandbox`),
    INDEX `ggr_daily_day_idx` (`day`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Distinct players and rounds cannot be summed across days or groups, so they are kept as sets: one row
-- per player (per round) that had a provider transaction in the group that day.
CREATE TABLE `ggr_daily_players` (
    `operator_id` INTEGER NOT NULL,
    `day` DATE NOT NULL,
    `provider_id` INTEGER NOT NULL,
    `game_id` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `sandbox` BOOLEAN NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    PRIMARY KEY (`operator_id`, `day`, `provider_id`, `game_id`, `currency`, `sandbox`, `user_id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE `ggr_daily_rounds` (
    `operator_id` INTEGER NOT NULL,
    `day` DATE NOT NULL,
    `provider_id` INTEGER NOT NULL,
    `game_id` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `sandbox` BOOLEAN NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `round_id` VARCHAR(64) NOT NULL,
    PRIMARY KEY (`operator_id`, `day`, `provider_id`, `game_id`, `currency`, `sandbox`, `user_id`, `round_id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One row: the highest feed_seq assigned so far and when the sequencer last ran (how fresh a report is).
CREATE TABLE `feed_sequencer` (
    `id` TINYINT NOT NULL,
    `last_seq` BIGINT NOT NULL,
    `ran_at` DATETIME(3) NULL,
    PRIMARY KEY (`id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
INSERT INTO `feed_sequencer` (`id`, `last_seq`, `ran_at`) VALUES (1, 0, NULL);
