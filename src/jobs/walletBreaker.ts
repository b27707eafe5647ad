/**
 * The per-operator circuit breaker of PROTOCOL §6.3, shared by every process through Redis.
 *
 * The state of each operator is one Redis hash (`state`, `failures`, `openUntil`, `trialUntil`), changed
 * only by the Lua scripts below, so processes racing on it see one order of events. Every process keeps
 * a copy of the hashes it has used, updated by a pub/sub message at each change (and each counted
 * failure) and re-read in the background every REFRESH_MS in case a message was missed. So a bet on a
 * closed breaker with no failures counted pays no Redis round trip: admit() reads the local copy, and a
 * success with nothing to reset writes nothing. Redis unreachable: the breaker counts as closed (calls
 * go out as they would without it) rather than refusing bets for want of Redis.
 */
import { Logger } from 'pino';
import { Admission, BreakerState, WalletBreakerPort } from '../app/seamless/walletBreaker';
import type { RedisClient } from './redisConnection';

export interface BreakerSettings {
  /** CALLBACK_BREAKER_FAILURES: consecutive failed inline calls that open the breaker. */
  readonly failures: number;
  /** CALLBACK_BREAKER_OPEN_S, in ms. */
  readonly openMs: number;
  /** How long the half-open trial may take before another process may try (the call's timeout, twice). */
  readonly trialLeaseMs: number;
}

/** A change of state, for the log line and the /metrics counter. */
export type BreakerListener = (change: {
  operatorId: number;
  agentId: string | null;
  from: BreakerState;
  to: BreakerState;
}) => void;

interface Local {
  state: BreakerState;
  failures: number;
  openUntil: number;
  trialUntil: number;
  loadedAt: number;
}

const REFRESH_MS = 5_000;
const CLOSED: Omit<Local, 'loadedAt'> = { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0 };

/**
 * Every script answers the hash after it ran, and the state before: {state, failures, openUntil, trialUntil,
 * before}.
 */
const READ = `
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'openUntil', 'trialUntil')
return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0'}`;

/** ARGV: now, threshold, openMs, admission. A failed trial, or the threshold reached, opens it. */
const FAIL = `
local before = redis.call('HGET', KEYS[1], 'state') or 'closed'
local now = tonumber(ARGV[1])
if ARGV[4] == 'trial' or before == 'half-open' then
  redis.call('HSET', KEYS[1], 'state', 'open', 'failures', '0', 'openUntil', tostring(now + tonumber(ARGV[3])), 'trialUntil', '0')
elseif before == 'closed' then
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if failures >= tonumber(ARGV[2]) then
    redis.call('HSET', KEYS[1], 'state', 'open', 'failures', '0', 'openUntil', tostring(now + tonumber(ARGV[3])))
  end
end
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'openUntil', 'trialUntil')
return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0', before}`;

/** ARGV: admission. The trial's success closes it; any success while closed resets the count. */
const SUCCEED = `
local before = redis.call('HGET', KEYS[1], 'state') or 'closed'
if (before == 'half-open' and ARGV[1] == 'trial') or before == 'closed' then
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', '0', 'openUntil', '0', 'trialUntil', '0')
end
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'openUntil', 'trialUntil')
return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0', before}`;

/** ARGV: now, leaseMs. Claims the one half-open call once the open period is over (or a trial's lease ran out). */
const CLAIM_TRIAL = `
local before = redis.call('HGET', KEYS[1], 'state') or 'closed'
local now = tonumber(ARGV[1])
local due = (before == 'open' and now >= tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0'))
  or (before == 'half-open' and now >= tonumber(redis.call('HGET', KEYS[1], 'trialUntil') or '0'))
if due then
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'trialUntil', tostring(now + tonumber(ARGV[2])))
end
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'openUntil', 'trialUntil')
return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0', before, due and 1 or 0}`;

type ScriptAnswer = [string, string, string, string, string?, number?];

export class RedisWalletBreaker implements WalletBreakerPort {
  private readonly local = new Map<number, Local>();
  private readonly loading = new Map<number, Promise<Local>>();
  private readonly channel: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly settings: BreakerSettings,
    private readonly logger: Logger,
    private readonly names: (operatorId: number) => Promise<string | null>,
    private readonly listener: BreakerListener = () => undefined,
  ) {
    this.channel = `${prefix}:breaker:changed`;
  }

  private key(operatorId: number): string {
    return `${this.prefix}:breaker:${operatorId}`;
  }

  /** Listens for changes made by other processes (on the shared subscriber connection). */
  listen(subscriber: RedisClient): void {
    subscriber
      .subscribe(this.channel)
      .catch((error) => this.logger.warn({ err: (error as Error).message }, 'breaker: no change notifications'));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        const { operatorId, ...state } = JSON.parse(message) as Omit<Local, 'loadedAt'> & { operatorId: number };
        this.local.set(operatorId, { ...state, loadedAt: Date.now() });
      } catch {
        /* not ours */
      }
    });
  }

  /** The local copy; read from Redis the first time, refreshed in the background when old. */
  private async current(operatorId: number): Promise<Local> {
    const held = this.local.get(operatorId);
    if (held) {
      if (Date.now() - held.loadedAt > REFRESH_MS) void this.load(operatorId);
      return held;
    }
    return this.load(operatorId);
  }

  private load(operatorId: number): Promise<Local> {
    let loading = this.loading.get(operatorId);
    if (!loading) {
      loading = this.run(operatorId, READ, [])
        .then((answer) => this.adopt(operatorId, answer))
        .catch(() => ({ ...CLOSED, loadedAt: 0 }))
        .finally(() => this.loading.delete(operatorId));
      this.loading.set(operatorId, loading);
    }
    return loading;
  }

  private async run(operatorId: number, script: string, args: (string | number)[]): Promise<ScriptAnswer> {
    return (await this.redis.eval(script, 1, this.key(operatorId), ...args)) as ScriptAnswer;
  }

  private adopt(operatorId: number, answer: ScriptAnswer): Local {
    const state: Local = {
      state: answer[0] as BreakerState,
      failures: Number(answer[1]),
      openUntil: Number(answer[2]),
      trialUntil: Number(answer[3]),
      loadedAt: Date.now(),
    };
    this.local.set(operatorId, state);
    return state;
  }

  /** Runs a script that may change the state: adopts the answer, tells the others, logs a change. */
  private async change(operatorId: number, script: string, args: (string | number)[]): Promise<ScriptAnswer | null> {
    let answer: ScriptAnswer;
    try {
      answer = await this.run(operatorId, script, args);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, operatorId }, 'breaker: redis did not answer');
      return null;
    }
    const before = this.local.get(operatorId);
    const after = this.adopt(operatorId, answer);
    if (before?.state !== after.state || before.failures !== after.failures) {
      const { loadedAt: _at, ...shared } = after;
      this.redis.publish(this.channel, JSON.stringify({ operatorId, ...shared })).catch(() => undefined);
    }
    const from = (answer[4] ?? 'closed') as BreakerState;
    if (from !== after.state) void this.announce(operatorId, from, after.state);
    return answer;
  }

  private async announce(operatorId: number, from: BreakerState, to: BreakerState): Promise<void> {
    const agentId = await this.names(operatorId).catch(() => null);
    const log = to === 'closed' ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
    log({ agentID: agentId, operatorId, from, to }, 'operator wallet circuit breaker changed state');
    this.listener({ operatorId, agentId, from, to });
  }

  async admit(operatorId: number): Promise<Admission> {
    const state = await this.current(operatorId);
    if (state.state === 'closed') return 'send';
    const now = Date.now();
    const due = state.state === 'open' ? now >= state.openUntil : now >= state.trialUntil;
    if (!due) return 'refuse';
    const answer = await this.change(operatorId, CLAIM_TRIAL, [now, this.settings.trialLeaseMs]);
    // Redis down: as without a breaker.
    if (!answer) return 'send';
    return answer[5] === 1 ? 'trial' : answer[0] === 'closed' ? 'send' : 'refuse';
  }

  async record(operatorId: number, admission: Admission, failed: boolean): Promise<void> {
    if (admission === 'refuse') return;
    if (failed) {
      await this.change(operatorId, FAIL, [Date.now(), this.settings.failures, this.settings.openMs, admission]);
      return;
    }
    const state = this.local.get(operatorId);
    // The common case: closed, nothing counted, nothing to write.
    if (admission === 'send' && (!state || (state.state === 'closed' && state.failures === 0))) return;
    await this.change(operatorId, SUCCEED, [admission]);
  }

  async isOpen(operatorId: number): Promise<boolean> {
    const state = await this.current(operatorId);
    if (state.state === 'open') return Date.now() < state.openUntil;
    return state.state === 'half-open';
  }

  /** Read from Redis (staff views: operators/list), the local copy when Redis does not answer. */
  async state(operatorId: number): Promise<BreakerState> {
    try {
      return this.adopt(operatorId, await this.run(operatorId, READ, [])).state;
    } catch {
      return (await this.current(operatorId)).state;
    }
  }

  /** The states this process holds (for /metrics). */
  held(): { operatorId: number; state: BreakerState }[] {
    return [...this.local].map(([operatorId, local]) => ({ operatorId, state: local.state }));
  }
}
