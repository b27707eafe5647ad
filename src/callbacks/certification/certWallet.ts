/**
 * The operator's wallet as certification (PROTOCOL §11) calls it: the product's own request bodies
 * (hmac/, md5/), transport (httpTransport.ts) and answer readers, with each exchange kept as it went
 * over the wire so that a failed check can show the operator exactly what was sent and answered. Two
 * deliberate faults can be put into a call: a wrong signature (or md5 key) and a stale timestamp.
 */
import { HMAC_PATHS, hmacRequestBody, readHmacAnswer } from '../hmac/hmacScheme';
import { md5Key, md5RequestBody, readMd5Answer } from '../md5/md5Scheme';
import { postJson } from '../httpTransport';
import { OperatorTarget, WalletCall, WalletReply } from '../walletCallback';

export interface CertificationTarget extends OperatorTarget {
  readonly scheme: 'hmac' | 'md5';
}

/** One request and its answer, as they went over the wire. */
export interface Exchange {
  readonly call: WalletCall['kind'];
  readonly url: string;
  readonly request: Record<string, unknown>;
  /** Null when no HTTP answer came (timeout, refused connection). */
  readonly status: number | null;
  readonly answer: unknown;
  /** Our reading of the answer: ok, insufficient, duplicate, or failed with the reason. */
  readonly outcome: string;
  readonly ms: number;
}

export type Fault = 'bad-signature' | 'stale-timestamp';

/** How old a stale timestamp is (§11: 120 s). */
export const STALE_TIMESTAMP_S = 120;

function requestOf(
  target: CertificationTarget,
  call: WalletCall,
  fault: Fault | undefined,
): { url: string; body: Record<string, unknown> } {
  const now = Math.floor(Date.now() / 1000) - (fault === 'stale-timestamp' ? STALE_TIMESTAMP_S : 0);
  if (target.scheme === 'hmac') {
    const body = hmacRequestBody(target, call, now);
    if (fault === 'bad-signature') body.sign = flipHex(String(body.sign));
    return { url: `${target.callbackUrl.replace(/\/+$/, '')}/${HMAC_PATHS[call.kind]}`, body };
  }
  const body = md5RequestBody(target, call, now);
  if (fault === 'bad-signature') body.key = md5Key(now, `${target.saltKey}-not-the-salt`);
  return { url: target.callbackUrl, body };
}

/** The same signature with its first character changed: well-formed, and wrong. */
function flipHex(sign: string): string {
  return (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1);
}

export function describeReply(reply: WalletReply): string {
  if (reply.outcome === 'failed') return `failed: ${reply.error}`;
  return `${reply.outcome}, balance ${reply.balance === null ? 'none' : String(reply.balance)}`;
}

export async function exchange(
  target: CertificationTarget,
  call: WalletCall,
  timeoutMs: number,
  fault?: Fault,
): Promise<{ reply: WalletReply; exchange: Exchange }> {
  const { url, body } = requestOf(target, call, fault);
  const started = performance.now();
  const result = await postJson(url, body, timeoutMs);
  const ms = Math.round((performance.now() - started) * 10) / 10;
  let reply: WalletReply;
  if (!result.ok) reply = { outcome: 'failed', error: result.error };
  else
    reply =
      target.scheme === 'hmac'
        ? readHmacAnswer(call, result.status, result.body)
        : readMd5Answer(call, result.status, result.body);
  return {
    reply,
    exchange: {
      call: call.kind,
      url,
      request: body,
      status: result.ok ? result.status : null,
      answer: result.ok ? result.body : result.error,
      outcome: describeReply(reply),
      ms,
    },
  };
}
