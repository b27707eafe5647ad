-- One callback of each kind per provider transaction, enforced: a seamless bet's twin (the same bet sent
-- again while its Withdraw is in flight) is stopped by this key when it writes its own attempt, instead
-- of every bet reading for twins under the player lock. Compensating Rollbacks have no provider
-- transaction (NULL), and NULLs never collide.

-- DropIndex
DROP INDEX `callback_deliveries_provider_transaction_idx` ON `callback_deliveries`;

-- CreateIndex
CREATE UNIQUE INDEX `callback_deliveries_provider_transaction_key` ON `callback_deliveries`(`provider_id`, `transaction_id`, `kind`);
