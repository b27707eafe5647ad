-- Every text column compares byte for byte (utf8mb4_nopad_bin): under utf8mb4_unicode_ci, `alice01`
-- was the player `Alice01`, `casetx` a repeat of `CaseTx`, round `RCASE` the round `rCase`, agent `OPA`
-- the operator `opA`. Ids are case-sensitive on the wire (PROTOCOL §2 grammar); so is the database now.
--
-- A binary collation only tells apart what the old one merged: no unique key can collide by this
-- change. What the old collation did leave behind is references that held only ignoring case (a ledger
-- row for `ALICE01` on the wallet of `Alice01`, a bet of round `RCASE` counted in round `rCase`). Those
-- are facts of the past (the money went where the answers said), so they are not rewritten; before
-- converting, each is listed in the audit log (actor `migration`, action `ids.case-merged`), with one
-- summary entry (`ids.byte-for-byte`) saying how many there were, for staff to settle with the operator.
-- See docs/DECISIONS.md "Ids are case-sensitive".

-- A ledger row whose userID differs from its wallet's only by case (transfer mode, deposits and
-- withdraws, provider transactions).
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'transaction', t.platform_transaction_id,
       JSON_OBJECT('table', 'transactions', 'column', 'user_id', 'value', t.user_id, 'transactionID', t.transaction_id, 'operatorId', t.operator_id),
       JSON_OBJECT('mergedWith', w.user_id, 'walletId', w.id),
       NOW(3)
  FROM `transactions` t JOIN `wallets` w ON w.id = t.wallet_id
 WHERE BINARY t.user_id <> BINARY w.user_id;

-- Rows naming a player by a userID that matches a player only ignoring case (seamless ledger rows,
-- rounds, remembered operator balances). Each parent key was unique ignoring case, so the join finds
-- the one row it was merged with. Joins, not correlated subqueries: MariaDB's subquery cache compares
-- the outer values with the column's collation, so it answers `ALICE01` with the result of `Alice01`.
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'transaction', t.platform_transaction_id,
       JSON_OBJECT('table', 'transactions', 'column', 'user_id', 'value', t.user_id, 'transactionID', t.transaction_id, 'operatorId', t.operator_id),
       JSON_OBJECT('mergedWith', p.user_id),
       NOW(3)
  FROM `transactions` t JOIN `players` p ON p.operator_id = t.operator_id AND p.user_id = t.user_id
 WHERE t.wallet_id IS NULL AND BINARY p.user_id <> BINARY t.user_id;

INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'round', CAST(r.id AS CHAR),
       JSON_OBJECT('table', 'rounds', 'column', 'user_id', 'value', r.user_id, 'roundID', r.round_id, 'operatorId', r.operator_id),
       JSON_OBJECT('mergedWith', p.user_id),
       NOW(3)
  FROM `rounds` r JOIN `players` p ON p.operator_id = r.operator_id AND p.user_id = r.user_id
 WHERE BINARY p.user_id <> BINARY r.user_id;

INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'operator-balance', CONCAT(b.operator_id, '/', b.user_id, '/', b.currency),
       JSON_OBJECT('table', 'operator_balances', 'column', 'user_id', 'value', b.user_id, 'operatorId', b.operator_id),
       JSON_OBJECT('mergedWith', p.user_id),
       NOW(3)
  FROM `operator_balances` b JOIN `players` p ON p.operator_id = b.operator_id AND p.user_id = b.user_id
 WHERE BINARY p.user_id <> BINARY b.user_id;

INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'free-spin-player', CONCAT(q.campaign_id, '/', q.user_id),
       JSON_OBJECT('table', 'free_spin_players', 'column', 'user_id', 'value', q.user_id, 'freeSpinID', c.free_spin_id, 'operatorId', c.operator_id),
       JSON_OBJECT('mergedWith', p.user_id),
       NOW(3)
  FROM `free_spin_players` q JOIN `free_spin_campaigns` c ON c.id = q.campaign_id
  JOIN `players` p ON p.operator_id = c.operator_id AND p.user_id = q.user_id
 WHERE BINARY p.user_id <> BINARY q.user_id;

-- A provider transaction counted in a round whose roundID (or userID) differs from its own only by case.
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'transaction', t.platform_transaction_id,
       JSON_OBJECT('table', 'transactions', 'column', 'round_id', 'value', t.round_id, 'transactionID', t.transaction_id, 'operatorId', t.operator_id),
       JSON_OBJECT('mergedWith', r.round_id, 'roundUserId', r.user_id),
       NOW(3)
  FROM `transactions` t
  JOIN `rounds` r ON r.provider_id = t.provider_id AND r.operator_id = t.operator_id AND r.user_id = t.user_id AND r.round_id = t.round_id
 WHERE t.origin = 'provider' AND (BINARY r.round_id <> BINARY t.round_id OR BINARY r.user_id <> BINARY t.user_id);

-- A win or rollback naming its bet (refTransactionID) only ignoring case.
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'transaction', t.platform_transaction_id,
       JSON_OBJECT('table', 'transactions', 'column', 'ref_transaction_id', 'value', t.ref_transaction_id, 'transactionID', t.transaction_id, 'operatorId', t.operator_id),
       JSON_OBJECT('mergedWith', b.transaction_id),
       NOW(3)
  FROM `transactions` t
  JOIN `transactions` b ON b.origin = t.origin AND b.origin_id = t.origin_id AND b.transaction_id = t.ref_transaction_id
 WHERE BINARY b.transaction_id <> BINARY t.ref_transaction_id;

-- A free-spin bet or win naming its campaign only ignoring case.
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'transaction', t.platform_transaction_id,
       JSON_OBJECT('table', 'transactions', 'column', 'free_spin_id', 'value', t.free_spin_id, 'transactionID', t.transaction_id, 'operatorId', t.operator_id),
       JSON_OBJECT('mergedWith', c.free_spin_id),
       NOW(3)
  FROM `transactions` t JOIN `free_spin_campaigns` c ON c.operator_id = t.operator_id AND c.free_spin_id = t.free_spin_id
 WHERE BINARY c.free_spin_id <> BINARY t.free_spin_id;

-- A seamless callback whose provider transaction matches its ledger row only ignoring case.
INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.case-merged', 'callback', CAST(d.id AS CHAR),
       JSON_OBJECT('table', 'callback_deliveries', 'column', 'transaction_id', 'value', d.transaction_id, 'operatorId', d.operator_id),
       JSON_OBJECT('mergedWith', t.transaction_id),
       NOW(3)
  FROM `callback_deliveries` d
  JOIN `transactions` t ON t.origin = 'provider' AND t.origin_id = d.provider_id AND t.transaction_id = d.transaction_id
 WHERE BINARY t.transaction_id <> BINARY d.transaction_id;

INSERT INTO `audit_log` (`actor`, `action`, `target_type`, `target_id`, `before`, `after`, `created_at`)
SELECT 'migration', 'ids.byte-for-byte', 'database', DATABASE(),
       JSON_OBJECT('collation', 'utf8mb4_unicode_ci'),
       JSON_OBJECT('collation', 'utf8mb4_nopad_bin',
                   'caseMergedReferences', (SELECT COUNT(*) FROM `audit_log` WHERE `actor` = 'migration' AND `action` = 'ids.case-merged')),
       NOW(3);

-- Tables created later inherit this (the migrator may have created the database with another default).
ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;

-- Every table at once, columns and defaults: a column joined with another must share its collation
-- (an implicit mix of two is error 1267), and a column added later inherits the table's.
ALTER TABLE `admin_users` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `audit_log` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `operators` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `providers` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `players` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `wallets` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `transactions` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `games` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `rounds` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `free_spin_campaigns` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `free_spin_players` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `free_spin_games` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `callback_deliveries` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `operator_balances` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `sandbox_balances` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `sandbox_transactions` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
