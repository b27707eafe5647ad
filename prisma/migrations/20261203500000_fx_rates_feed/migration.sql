-- FX rates (PROTOCOL §12): one row per day and currency, base-currency units for one unit of that
-- currency, at most 12 decimals. The base currency has no rows (its rate is always 1). fx/set replaces a
-- day's rows whole; transactions keep the rate captured when they were stored (transactions.fx_rate).
CREATE TABLE `fx_rates` (
    `day` DATE NOT NULL,
    `currency` CHAR(3) NOT NULL,
    `rate` DECIMAL(24, 12) NOT NULL,
    `set_by` VARCHAR(64) NOT NULL,
    `set_at` DATETIME(3) NOT NULL,
    PRIMARY KEY (`day`, `currency`),
    INDEX `fx_rates_currency_day_idx` (`currency`, `day`)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The reconciliation feed of one operator reads its transactions in feed_seq order (PROTOCOL §4
-- resumeCursor): without this index a poll would sort the operator's whole history.
CREATE INDEX `transactions_operator_feed_idx` ON `transactions` (`operator_id`, `feed_seq`);
