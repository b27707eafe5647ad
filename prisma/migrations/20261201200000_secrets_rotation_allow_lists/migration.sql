-- Secrets at rest, rotation with overlap and IP allow-lists (PROTOCOL §10).
-- Secrets are sealed in place (`v1:<keyId>:<iv>:<tag>:<ciphertext>`, up to ~150 characters), so their
-- columns widen. Plain SQL cannot seal with SECRETS_KEY: the start-up pass (src/db/storedSecrets.ts)
-- seals the values that are still plaintext, before anything is served.
ALTER TABLE `operators`
    MODIFY `secret_key` VARCHAR(255) NOT NULL,
    MODIFY `salt_key` VARCHAR(255) NOT NULL,
    ADD COLUMN `previous_secret_key` VARCHAR(255) NULL,
    ADD COLUMN `previous_secret_expires_at` DATETIME(3) NULL,
    ADD COLUMN `allowed_ips` TEXT NULL;

ALTER TABLE `providers`
    MODIFY `secret_key` VARCHAR(255) NOT NULL,
    ADD COLUMN `previous_secret_key` VARCHAR(255) NULL,
    ADD COLUMN `previous_secret_expires_at` DATETIME(3) NULL,
    ADD COLUMN `allowed_ips` TEXT NULL;
