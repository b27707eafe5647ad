/**
 * The launch token (PROTOCOL §4, §5): a JWT we sign naming operator, player, game, currency, mode and a
 * session id. It is the only session state: nothing is kept in memory or in a table, so any API process
 * can verify a token any other one issued. Bets need it unexpired; wins, rollbacks and jackpots accept
 * it expired as long as it is authentic (money owed is never refused for lateness).
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { hmacKey } from './hmacKey';

const AUDIENCE = 'launch';
const ISSUER = 'casino-aggregator';

export interface LaunchSession {
  readonly sessionId: string;
  readonly operatorId: number;
  readonly agentId: string;
  /** null for a demo launch without a player. */
  readonly userId: string | null;
  readonly gameId: number;
  /** Our internal id of the provider whose game this is. */
  readonly providerId: number;
  readonly currency: string;
  readonly mode: 'real' | 'demo';
}

interface Claims {
  sid: string;
  oid: number;
  aid: string;
  gid: number;
  pid: number;
  cur: string;
  mode: 'real' | 'demo';
}

export function issueLaunchToken(
  secret: string,
  session: Omit<LaunchSession, 'sessionId'>,
  ttlS: number,
): { token: string; sessionId: string } {
  const sessionId = randomUUID();
  const claims: Claims = {
    sid: sessionId,
    oid: session.operatorId,
    aid: session.agentId,
    gid: session.gameId,
    pid: session.providerId,
    cur: session.currency,
    mode: session.mode,
  };
  const token = jwt.sign(claims, hmacKey(secret), {
    algorithm: 'HS256',
    audience: AUDIENCE,
    issuer: ISSUER,
    expiresIn: ttlS,
    ...(session.userId ? { subject: session.userId } : {}),
  });
  return { token, sessionId };
}

export type TokenCheck =
  | { readonly ok: true; readonly session: LaunchSession; readonly expired: boolean }
  | { readonly ok: false; readonly reason: string };

/** Verifies signature, algorithm, audience and issuer; reports expiry separately so callers can choose. */
export function readLaunchToken(secret: string, token: string): TokenCheck {
  let payload: jwt.JwtPayload;
  try {
    const verified = jwt.verify(token, hmacKey(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      ignoreExpiration: true,
    });
    if (typeof verified === 'string') return { ok: false, reason: 'not a launch token' };
    payload = verified;
  } catch {
    return { ok: false, reason: 'the token is not one of ours' };
  }
  const claims = payload as jwt.JwtPayload & Partial<Claims>;
  if (
    typeof claims.oid !== 'number' ||
    typeof claims.gid !== 'number' ||
    typeof claims.pid !== 'number' ||
    typeof claims.cur !== 'string' ||
    typeof claims.sid !== 'string'
  ) {
    return { ok: false, reason: 'the token is not a launch token' };
  }
  return {
    ok: true,
    expired: typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now(),
    session: {
      sessionId: claims.sid,
      operatorId: claims.oid,
      agentId: String(claims.aid),
      userId: typeof claims.sub === 'string' ? claims.sub : null,
      gameId: claims.gid,
      providerId: claims.pid,
      currency: claims.cur,
      mode: claims.mode === 'demo' ? 'demo' : 'real',
    },
  };
}
