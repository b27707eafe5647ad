-- Catalogue metadata and per-operator blocks (PROTOCOL 1.1 §14; docs/DECISIONS.md "Catalogue").
--
-- Lists of short words are stored comma-separated, in the order staff gave them (as operators keep
-- their currencies): platforms (desktop, mobile), features (bonus-buy, jackpot, ...) and
-- blocked_countries (ISO 3166-1 alpha-2). None of them is ever searched through an index.
--
-- changed_at is when the game last changed in a way an operator's lobby can see (added, any listed
-- field, enabled, its studio enabled or disabled); a games/upsert that changes nothing leaves it. It is
-- the key of the change feed (`/v1/games/list` with `changedSince`): games_changed_idx lets a feed call
-- read only the games changed since then, never the catalogue.
ALTER TABLE `games`
    ADD COLUMN `category` VARCHAR(32) NULL,
    ADD COLUMN `thumbnail_url` VARCHAR(1024) NULL,
    ADD COLUMN `platforms` VARCHAR(64) NOT NULL DEFAULT 'desktop,mobile',
    ADD COLUMN `volatility` ENUM('low', 'medium', 'high') NULL,
    ADD COLUMN `features` VARCHAR(1024) NOT NULL DEFAULT '',
    ADD COLUMN `release_date` DATE NULL,
    ADD COLUMN `blocked_countries` VARCHAR(1024) NOT NULL DEFAULT '',
    ADD COLUMN `changed_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    ADD INDEX `games_changed_idx` (`changed_at`, `game_id`),
    ADD INDEX `games_category_idx` (`category`, `game_id`);

UPDATE `games` SET `changed_at` = `updated_at`;

-- A studio (kind provider, target_id = providers.id) or a game (kind game, target_id = games.game_id)
-- blocked for one operator. Unblocking keeps the row with blocked = 0: its changed_at is when the
-- operator's view of those games changed, which the change feed must still answer (with enabled: true).
-- operator_catalogue_blocks_changed_idx serves the feed; the primary key serves listing and launching.
CREATE TABLE `operator_catalogue_blocks` (
    `operator_id` INTEGER NOT NULL,
    `kind` ENUM('provider', 'game') NOT NULL,
    `target_id` INTEGER NOT NULL,
    `blocked` BOOLEAN NOT NULL,
    `changed_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`operator_id`, `kind`, `target_id`),
    INDEX `operator_catalogue_blocks_changed_idx` (`operator_id`, `kind`, `changed_at`),
    CONSTRAINT `operator_catalogue_blocks_operator_fk` FOREIGN KEY (`operator_id`) REFERENCES `operators` (`id`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
