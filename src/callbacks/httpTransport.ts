/**
 * The HTTP side of callbacks: one keep-alive connection pool per process (undici), an explicit timeout
 * on every request, and every way a request can go wrong turned into a value.
 */
import { Agent, request } from 'undici';

let agent: Agent | null = null;

function pooledAgent(): Agent {
  agent ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connections: 128,
    connect: { timeout: 5_000 },
  });
  return agent;
}

export type TransportResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly error: string };

const MAX_ANSWER_BYTES = 64 * 1024;

export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<TransportResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: pooledAgent(),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    if (text.length > MAX_ANSWER_BYTES) return { ok: false, error: `answer larger than ${MAX_ANSWER_BYTES} bytes` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, error: `HTTP ${response.statusCode} with a body that is not JSON` };
    }
    return { ok: true, status: response.statusCode, body: parsed };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError' || /Timeout/.test(name)) return { ok: false, error: `no answer within ${timeoutMs} ms` };
    return { ok: false, error: `request failed: ${(error as Error).message}` };
  }
}

/** Closes the pooled connections; a later call opens a new pool (tests run several servers per process). */
export async function closeTransport(): Promise<void> {
  const closing = agent;
  agent = null;
  await closing?.close();
}
