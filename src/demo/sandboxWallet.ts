/**
 * The sandbox operator wallet: the operator's side of the `hmac` callbacks (PROTOCOL §6.1), as a
 * careful operator implements it, served at `POST /sandbox/wallet/{Balance,Withdraw,Deposit,Rollback}`
 * outside production. The demo's seamless operator points its callbackUrl here, and anyone can point an
 * operator of their own here to try the seamless flow without writing a wallet first.
 *
 * - It verifies our signature with the secretKey of the operator named by `agentID` (read from the
 *   operators table on every call, so a rotated secret applies at once) and the timestamp window.
 * - Balances are integer minor units in MySQL (`sandbox_balances`), never in process memory: any number
 *   of API processes can serve it. A player it has never seen starts with 1000.00 (1000 major units).
 * - Every Withdraw, Deposit and Rollback is recorded once by (agentID, transactionID)
 *   (`sandbox_transactions`); a repeat answers 11 with the balance right after the original.
 * - A Withdraw larger than the balance answers 7 and records nothing. A Rollback credits back the
 *   Withdraw it names once; a Rollback of a Withdraw it never applied credits nothing and leaves a
 *   tombstone, so that Withdraw arriving late is refused (code 10) instead of debiting money nobody
 *   will give back.
 */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { currencyExponent, isKnownCurrency } from '../domain/currencies';
import { MAX_MINOR, Minor, parseMajorAmount, toMajorNumber } from '../domain/money';
import { ResultCode } from '../domain/resultCodes';
import { isWithinWindow, verifySign } from '../domain/signing';
import { openStored } from '../db/storedSecrets';
import { secretContext } from '../domain/secretEnvelope';
import { MysqlErrno, Queryable, inMysqlTransaction, mysqlErrno, poolQueryable } from '../db/mysqlPool';

export type SandboxCall = 'balance' | 'withdraw' | 'deposit' | 'rollback';

/** The §6.1 path names and the call each one is. */
export const SANDBOX_PATHS: Readonly<Record<string, SandboxCall>> = Object.freeze({
  Balance: 'balance',
  Withdraw: 'withdraw',
  Deposit: 'deposit',
  Rollback: 'rollback',
});

/** What a new player holds, in major units of the currency. */
export const SANDBOX_START_BALANCE_MAJOR = 1000;

export interface SandboxAnswer {
  readonly code: number;
  readonly message: string;
  readonly balance?: number;
  readonly platformTransactionID?: string;
}

const USER_ID = /^[A-Za-z0-9_-]{4,48}$/;
const EXTERNAL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

interface Movement {
  readonly kind: Exclude<SandboxCall, 'balance'>;
  readonly agentId: string;
  readonly userId: string;
  readonly currency: string;
  readonly amount: Minor;
  readonly transactionId: string;
  readonly refTransactionId: string | null;
}

interface StoredRow {
  id: string;
  kind: Movement['kind'];
  user_id: string;
  currency: string;
  amount_minor: string;
  ref_transaction_id: string | null;
  balance_after_minor: string;
}

export function startingBalance(currency: string): Minor {
  return (BigInt(SANDBOX_START_BALANCE_MAJOR) * 10n ** BigInt(currencyExponent(currency))) as Minor;
}

const sandboxId = (rowId: string | number) => `sbx-${rowId}`;

export class SandboxWallet {
  constructor(
    private readonly pool: Pool,
    private readonly signWindowS: number,
  ) {}

  /** Answers one callback; every answer is a §6.1 body (the route sends it with HTTP 200). */
  async handle(call: SandboxCall, body: unknown): Promise<SandboxAnswer> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return fail(ResultCode.INVALID_PARAMETERS, 'the body must be a JSON object');
    const fields = body as Record<string, unknown>;
    const agentId = fields.agentID;
    if (typeof agentId !== 'string' || !EXTERNAL_ID.test(agentId))
      return fail(ResultCode.CALLER_NOT_ALLOWED, 'agentID: unknown operator');
    const [operators] = await this.pool.query<RowDataPacket[]>(
      'SELECT agent_id, secret_key FROM operators WHERE agent_id = ?',
      [agentId],
    );
    const stored = operators[0];
    const secretKey = stored
      ? openStored(secretContext.operatorSecret(stored.agent_id as string), stored.secret_key as string)
      : undefined;
    if (!secretKey) return fail(ResultCode.CALLER_NOT_ALLOWED, `agentID: no operator ${agentId} here`);
    if (!verifySign(secretKey, fields))
      return fail(ResultCode.INVALID_SIGNATURE, 'sign: not the HMAC-SHA-256 of this body with the operator secretKey');
    const timestamp = fields.timestamp;
    if (
      typeof timestamp !== 'number' ||
      !Number.isInteger(timestamp) ||
      !isWithinWindow(timestamp, Date.now(), this.signWindowS)
    ) {
      return fail(ResultCode.TIMESTAMP_OUTSIDE_WINDOW, `timestamp: more than ${this.signWindowS} s from our clock`);
    }
    const { userID, currency } = fields;
    if (typeof userID !== 'string' || !USER_ID.test(userID))
      return fail(ResultCode.INVALID_PARAMETERS, 'userID: must be 4 to 48 characters of [A-Za-z0-9_-]');
    if (typeof currency !== 'string' || !isKnownCurrency(currency))
      return fail(ResultCode.INVALID_PARAMETERS, 'currency: not a currency we know');

    if (call === 'balance') {
      const balance = await this.readBalance(agentId, userID, currency);
      return { code: ResultCode.OK, message: 'OK', balance: toMajorNumber(balance, currency) };
    }

    const amount = parseMajorAmount(fields.amount, currency);
    if (!amount.ok) return fail(ResultCode.INVALID_PARAMETERS, `amount: ${amount.reason}`);
    const transactionId = fields.transactionID;
    if (typeof transactionId !== 'string' || !EXTERNAL_ID.test(transactionId))
      return fail(ResultCode.INVALID_PARAMETERS, 'transactionID: must be 1 to 64 characters of [A-Za-z0-9_.:-]');
    const ref = fields.refTransactionID ?? null;
    if (ref !== null && (typeof ref !== 'string' || !EXTERNAL_ID.test(ref)))
      return fail(ResultCode.INVALID_PARAMETERS, 'refTransactionID: must be 1 to 64 characters of [A-Za-z0-9_.:-]');
    if (call === 'rollback' && ref === null)
      return fail(ResultCode.INVALID_PARAMETERS, 'refTransactionID: a Rollback names the Withdraw it reverses');

    const movement: Movement = {
      kind: call,
      agentId,
      userId: userID,
      currency,
      amount: amount.minor,
      transactionId,
      refTransactionId: ref,
    };
    try {
      return await this.apply(movement);
    } catch (error) {
      // Two deliveries of one transactionID raced past the lookup: the unique index let one in; the
      // other, rolled back, answers as the repeat it is.
      if (mysqlErrno(error) !== MysqlErrno.DUPLICATE_ENTRY) throw error;
      return this.apply(movement);
    }
  }

  /** The balance of a player, created with the starting balance on first sight. */
  async readBalance(agentId: string, userId: string, currency: string): Promise<Minor> {
    await this.ensurePlayer(this.pool, agentId, userId, currency);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT balance_minor FROM sandbox_balances WHERE agent_id = ? AND user_id = ? AND currency = ?',
      [agentId, userId, currency],
    );
    return BigInt(rows[0]!.balance_minor as string) as Minor;
  }

  private async ensurePlayer(sql: Queryable, agentId: string, userId: string, currency: string): Promise<void> {
    const now = new Date();
    await sql.query(
      'INSERT IGNORE INTO sandbox_balances (agent_id, user_id, currency, balance_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [agentId, userId, currency, startingBalance(currency).toString(), now, now],
    );
  }

  private async apply(m: Movement): Promise<SandboxAnswer> {
    await this.ensurePlayer(poolQueryable(this.pool), m.agentId, m.userId, m.currency);
    return inMysqlTransaction(this.pool, async (tx) => {
      // The player's balance row is the one lock: a Withdraw and its Rollback are serialised by it.
      const [locked] = await tx.query<RowDataPacket[]>(
        'SELECT balance_minor FROM sandbox_balances WHERE agent_id = ? AND user_id = ? AND currency = ? FOR UPDATE',
        [m.agentId, m.userId, m.currency],
      );
      const balance = BigInt(locked[0]!.balance_minor as string) as Minor;
      const answer = answerFor(m.currency, balance);
      const original = await findByTransactionId(tx, m.agentId, m.transactionId);
      if (original) return replayAnswer(m, original, answer);
      const judged = await judgeMovement(tx, m, balance, answer);
      if ('code' in judged) return judged;
      const id = await recordMovement(tx, m, balance, judged);
      const message =
        m.kind === 'rollback' && judged.credited === 0n ? 'OK (no such Withdraw here: nothing to give back)' : 'OK';
      return answer(ResultCode.OK, message, judged.after, id);
    });
  }
}

type Answer = (code: number, message: string, minor?: Minor, id?: string) => SandboxAnswer;

/** What this wallet answers, with the balance in major units as the §6.1 scheme carries it. */
function answerFor(currency: string, balance: Minor): Answer {
  return (code, message, minor = balance, id) => ({
    code,
    message,
    balance: toMajorNumber(minor, currency),
    ...(id ? { platformTransactionID: id } : {}),
  });
}

/** A transactionID seen before: the same content is a duplicate (11) with the first answer, other content 13. */
function replayAnswer(m: Movement, original: StoredRow, answer: Answer): SandboxAnswer {
  const sameContent =
    original.kind === m.kind &&
    original.user_id === m.userId &&
    original.currency === m.currency &&
    (m.kind === 'rollback'
      ? original.ref_transaction_id === m.refTransactionId
      : BigInt(original.amount_minor) === m.amount);
  if (!sameContent)
    return answer(
      ResultCode.TRANSACTION_CONFLICT,
      `transactionID ${m.transactionId} was used for another ${original.kind}`,
    );
  return answer(
    ResultCode.DUPLICATE_TRANSACTION,
    'duplicate: already applied',
    BigInt(original.balance_after_minor) as Minor,
    sandboxId(original.id),
  );
}

interface Judged {
  readonly credited: Minor;
  readonly after: Minor;
}

/** The movement's effect on the locked balance, or the refusal a careful wallet answers. */
async function judgeMovement(
  tx: Queryable,
  m: Movement,
  balance: Minor,
  answer: Answer,
): Promise<Judged | SandboxAnswer> {
  if (m.kind === 'withdraw') {
    const [tombstones] = await tx.query<RowDataPacket[]>(
      "SELECT id FROM sandbox_transactions WHERE agent_id = ? AND ref_transaction_id = ? AND kind = 'rollback' LIMIT 1",
      [m.agentId, m.transactionId],
    );
    if (tombstones.length)
      return answer(ResultCode.REFERENCE_NOT_FOUND, `Withdraw ${m.transactionId} was already rolled back`);
    if (m.amount > balance) return answer(ResultCode.INSUFFICIENT_FUNDS, 'insufficient funds');
    return { credited: m.amount, after: (balance - m.amount) as Minor };
  }
  if (m.kind === 'deposit') {
    if (balance + m.amount > MAX_MINOR)
      return answer(ResultCode.INVALID_PARAMETERS, 'amount: the balance would exceed the largest amount we carry');
    return { credited: m.amount, after: (balance + m.amount) as Minor };
  }
  return judgeRollback(tx, m, balance, answer);
}

async function judgeRollback(
  tx: Queryable,
  m: Movement,
  balance: Minor,
  answer: Answer,
): Promise<Judged | SandboxAnswer> {
  const [earlier] = await tx.query<RowDataPacket[]>(
    "SELECT id, balance_after_minor FROM sandbox_transactions WHERE agent_id = ? AND ref_transaction_id = ? AND kind = 'rollback' LIMIT 1",
    [m.agentId, m.refTransactionId],
  );
  if (earlier[0]) {
    return answer(
      ResultCode.DUPLICATE_TRANSACTION,
      `Withdraw ${m.refTransactionId} was already rolled back`,
      BigInt(earlier[0].balance_after_minor as string) as Minor,
      sandboxId(earlier[0].id as string),
    );
  }
  const withdraw = await findByTransactionId(tx, m.agentId, m.refTransactionId!);
  if (withdraw && withdraw.kind !== 'withdraw')
    return answer(ResultCode.REFERENCE_NOT_FOUND, `${m.refTransactionId} is a ${withdraw.kind}, not a Withdraw`);
  if (withdraw && (withdraw.user_id !== m.userId || withdraw.currency !== m.currency))
    return answer(
      ResultCode.REFERENCE_NOT_FOUND,
      `Withdraw ${m.refTransactionId} belongs to another player or currency`,
    );
  // Never applied here: nothing to give back, and a tombstone so that it is refused if it comes.
  const credited = withdraw ? (BigInt(withdraw.amount_minor) as Minor) : (0n as Minor);
  return { credited, after: (balance + credited) as Minor };
}

/** The movement's row and, when the balance changes, the balance: our id for it. */
async function recordMovement(tx: Queryable, m: Movement, balance: Minor, judged: Judged): Promise<string> {
  const [inserted] = await tx.query<ResultSetHeader>(
    `INSERT INTO sandbox_transactions (agent_id, transaction_id, kind, user_id, currency, amount_minor, ref_transaction_id, balance_after_minor, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      m.agentId,
      m.transactionId,
      m.kind,
      m.userId,
      m.currency,
      judged.credited.toString(),
      m.refTransactionId,
      judged.after.toString(),
      new Date(),
    ],
  );
  if (judged.after !== balance) {
    await tx.query(
      'UPDATE sandbox_balances SET balance_minor = ?, updated_at = ? WHERE agent_id = ? AND user_id = ? AND currency = ?',
      [judged.after.toString(), new Date(), m.agentId, m.userId, m.currency],
    );
  }
  return sandboxId(inserted.insertId);
}

async function findByTransactionId(tx: Queryable, agentId: string, transactionId: string): Promise<StoredRow | null> {
  const [rows] = await tx.query<RowDataPacket[]>(
    `SELECT id, kind, user_id, currency, amount_minor, ref_transaction_id, balance_after_minor
       FROM sandbox_transactions WHERE agent_id = ? AND transaction_id = ?`,
    [agentId, transactionId],
  );
  return (rows[0] as StoredRow | undefined) ?? null;
}

function fail(code: number, message: string): SandboxAnswer {
  return { code, message };
}
