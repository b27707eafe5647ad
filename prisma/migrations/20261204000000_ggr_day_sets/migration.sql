-- The distinct players and rounds of an operator's UTC day and currency, whatever the studio or game: what
-- the daily statement (PROTOCOL §12, by day and currency, by day, by operator) counts, without counting
-- distinct values of ggr_daily_players and ggr_daily_rounds (one row per game) at read time. Each row keeps
-- the latest earlier day the same player (round) was seen in the same currency (prev_day), and the day of
-- the row before it among the same player's (round's) rows in (day, currency) order, any currency
-- (prev_any_day). So every distinct count is a plain count: a range's players in a currency are the rows
-- whose prev_day is NULL or before the range; a day's players in any currency are the rows whose
-- prev_any_day is NULL or before that day; a range's, the rows whose prev_any_day is NULL or before it.
-- Folded by the feed sequencer from the ledger up to feed_sequencer.day_sets_seq; a report reads them only
-- when that equals last_seq (after this migration the sequencer first catches up with the ledger).
CREATE TABLE `ggr_day_players` (
    `operator_id` INTEGER NOT NULL,
    `sandbox` BOOLEAN NOT NULL,
    `day` DATE NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `prev_day` DATE NULL,
    `prev_any_day` DATE NULL,
    PRIMARY KEY (`operator_id`, `sandbox`, `day`, `currency`, `user_id`),
    INDEX `ggr_day_players_player_idx` (`operator_id`, `sandbox`, `user_id`, `day`, `currency`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE `ggr_day_rounds` (
    `operator_id` INTEGER NOT NULL,
    `sandbox` BOOLEAN NOT NULL,
    `day` DATE NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `provider_id` INTEGER NOT NULL,
    `user_id` VARCHAR(48) NOT NULL,
    `round_id` VARCHAR(64) NOT NULL,
    `prev_day` DATE NULL,
    `prev_any_day` DATE NULL,
    PRIMARY KEY (`operator_id`, `sandbox`, `day`, `currency`, `provider_id`, `user_id`, `round_id`),
    INDEX `ggr_day_rounds_round_idx` (`operator_id`, `sandbox`, `provider_id`, `user_id`, `round_id`, `day`, `currency`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The highest feed_seq folded into the two day sets (<= last_seq; 0: the ledger is yet to be folded).
ALTER TABLE `feed_sequencer` ADD COLUMN `day_sets_seq` BIGINT NOT NULL DEFAULT 0;
