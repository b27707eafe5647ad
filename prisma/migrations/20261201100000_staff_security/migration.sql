-- Staff accounts (PROTOCOL §10): disabling, token revocation, TOTP second factor.
-- token_version is in every staff token; bumping it revokes all of a user's tokens at once.
-- totp_last_step is the last accepted RFC 6238 time step: a code is never accepted twice.
ALTER TABLE `admin_users`
    ADD COLUMN `enabled` BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN `token_version` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `totp_secret` VARCHAR(64) NULL,
    ADD COLUMN `totp_pending_secret` VARCHAR(64) NULL,
    ADD COLUMN `totp_enabled` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `totp_last_step` BIGINT NULL;

-- Tamper-evident audit log: each entry's hash chains to the previous one's.
ALTER TABLE `audit_log` ADD COLUMN `hash` CHAR(64) NULL;

-- The chain's head: one row, locked FOR UPDATE by every audit append so that appends from all
-- processes form one chain. legacy_through is the last entry written before this migration: those
-- (and only those) are hashed once at start-up; an entry added later without a hash stays broken.
CREATE TABLE `audit_chain_head` (
    `id` TINYINT NOT NULL,
    `last_id` BIGINT NOT NULL,
    `last_hash` CHAR(64) NOT NULL,
    `legacy_through` BIGINT NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;

INSERT INTO `audit_chain_head` (`id`, `last_id`, `last_hash`, `legacy_through`)
SELECT 1, 0, REPEAT('0', 64), COALESCE(MAX(`id`), 0) FROM `audit_log`;
