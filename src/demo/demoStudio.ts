/**
 * The demo studio: a game provider that lives in this process, so that a launch URL opens a game that
 * moves real money through the provider API (PROTOCOL §5), in both wallet modes.
 *
 * - `GET /demo-studio/play?token=&game=&lang=&lobby=&currency=&mode=`: the game page (a three-reel slot),
 *   self-contained HTML, no CDN. The browser holds the launch token, never the studio's secret.
 * - `POST /demo-studio/api/auth|balance|spin`: the studio's server side, which the page calls. It holds
 *   the `demo-studio` provider's secretKey (read from the providers table on every call) and calls OUR
 *   provider API over real HTTP on the port the request came in on, signed as any studio signs (§3):
 *   a spin is a bet, then a win (amount 0 on a loss) with `roundClosed: true`, with fresh ids each time.
 * - A demo-mode launch (`mode=demo`) never touches money: the page plays with credits it keeps itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Request, Response, Router } from 'express';
import jwt from 'jsonwebtoken';
import { Pool, RowDataPacket } from 'mysql2/promise';
import { Logger } from 'pino';
import { currencyExponent, isKnownCurrency } from '../domain/currencies';
import { Minor, parseMajorAmount, toMajorNumber } from '../domain/money';
import { ResultCode } from '../domain/resultCodes';
import { signBody } from '../domain/signing';
import { spin } from './slotMath';
import { openStored } from '../db/storedSecrets';
import { secretContext } from '../domain/secretEnvelope';

export const DEMO_PROVIDER_ID = 'demo-studio';

/** How long the studio waits for one provider API call (a seamless bet waits for the operator). */
const PROVIDER_CALL_TIMEOUT_MS = 20_000;
const WIN_ATTEMPTS = 3;

type ProviderReply = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

interface StudioAnswer extends Record<string, unknown> {
  code: number;
  message: string;
}

export function demoStudioRoutes(deps: { pool: Pool; logger: Logger }): Router {
  const router = Router();
  const { pool, logger } = deps;

  router.get('/demo-studio/play', async (req, res) => {
    const gameId = positiveInt(req.query.game);
    const game = gameId === null ? null : await loadGame(pool, gameId);
    const nonce = randomBytes(16).toString('base64');
    res
      .status(200)
      .set({
        'content-type': 'text/html; charset=utf-8',
        // The URL carries the launch token: never cache it, never send it on as a referrer.
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`,
      })
      .send(gamePage(nonce, game?.name ?? 'Demo slot', typeof req.query.lang === 'string' ? req.query.lang : 'en'));
  });

  /** The studio's side of every API call the page makes: the answer always has `code` and `message`. */
  const api = (path: string, handler: (req: Request, studio: Studio) => Promise<StudioAnswer>) =>
    router.post(path, async (req, res: Response) => {
      const studio = await loadStudio(pool, selfUrl(req));
      if (!studio) {
        res.status(200).json({
          code: ResultCode.INTERNAL_ERROR,
          message: `the ${DEMO_PROVIDER_ID} provider does not exist or is disabled: start with DEMO_SEED=true`,
        });
        return;
      }
      res.status(200).json(await handler(req, studio));
    });

  api('/demo-studio/api/auth', async (req, studio) => {
    const token = tokenOf(req);
    if (!token) return badToken();
    return relay(await studio.call('/provider/v1/auth', { token }));
  });

  api('/demo-studio/api/balance', async (req, studio) => {
    const token = tokenOf(req);
    if (!token) return badToken();
    const answer = relay(await studio.call('/provider/v1/balance', { token }));
    return withExponent(answer);
  });

  api('/demo-studio/api/spin', (req, studio) => playSpin(pool, logger, req, studio));

  return router;
}

/** One spin: play money stays in the page; real money is a bet, then its win, through the provider API. */
async function playSpin(pool: Pool, logger: Logger, req: Request, studio: Studio): Promise<StudioAnswer> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const bet = body.bet;
  if (typeof bet !== 'number' || !Number.isFinite(bet) || bet <= 0)
    return { code: ResultCode.INVALID_PARAMETERS, message: 'bet: must be a positive amount' };
  const token = tokenOf(req);
  const gameId = positiveInt(body.game) ?? (token ? gameIdInToken(token) : null);
  if (gameId === null) return { code: ResultCode.INVALID_PARAMETERS, message: 'game: which game is this spin for?' };
  const game = await loadGame(pool, gameId);
  if (!game) return { code: ResultCode.GAME_NOT_FOUND, message: `game ${gameId} is not one of ${DEMO_PROVIDER_ID}'s` };
  if (body.demo === true) return playMoneySpin(bet, game.rtp);
  if (!token) return badToken();
  let currency = typeof body.currency === 'string' && isKnownCurrency(body.currency) ? body.currency : null;
  if (!currency) {
    const balance = relay(await studio.call('/provider/v1/balance', { token }));
    if (balance.code !== ResultCode.OK) return balance;
    currency = String(balance.currency);
  }
  return realMoneySpin(logger, studio, { token, gameId, rtp: game.rtp, bet, currency });
}

function playMoneySpin(bet: number, rtp: number): StudioAnswer {
  const stake = parseMajorAmount(bet, 'EUR');
  if (!stake.ok) return { code: ResultCode.INVALID_PARAMETERS, message: `bet: ${stake.reason}` };
  const outcome = spin(rtp);
  return {
    code: ResultCode.OK,
    message: 'OK',
    reels: outcome.reels,
    multiplier: outcome.multiplier,
    bet,
    win: toMajorNumber((stake.minor * BigInt(outcome.multiplier)) as Minor, 'EUR'),
  };
}

interface RealSpin {
  readonly token: string;
  readonly gameId: number;
  readonly rtp: number;
  /** In major units, as the page sent it. */
  readonly bet: number;
  readonly currency: string;
}

async function realMoneySpin(logger: Logger, studio: Studio, play: RealSpin): Promise<StudioAnswer> {
  const { token, gameId, bet, currency } = play;
  const stake = parseMajorAmount(bet, currency);
  if (!stake.ok) return { code: ResultCode.INVALID_PARAMETERS, message: `bet: ${stake.reason}` };
  const roundID = `demo-round-${randomUUID()}`;
  const betID = `demo-bet-${randomUUID()}`;
  const placed = relay(
    await studio.call('/provider/v1/bet', { token, transactionID: betID, roundID, gameID: gameId, amount: bet }),
  );
  if (placed.code !== ResultCode.OK) return { ...placed, currency, bet };
  const outcome = spin(play.rtp);
  const win = toMajorNumber((stake.minor * BigInt(outcome.multiplier)) as Minor, currency);
  const winFields = {
    token,
    transactionID: `demo-win-${randomUUID()}`,
    refTransactionID: betID,
    roundID,
    gameID: gameId,
    amount: win,
    roundClosed: true,
  };
  const paid = await reportWin(studio, winFields);
  if (paid.code !== ResultCode.OK)
    logger.error(
      { roundID, code: paid.code, message: paid.message },
      'demo studio: the win of a round was not accepted',
    );
  return {
    ...paid,
    balance: paid.balance ?? placed.balance,
    currency,
    bet,
    win,
    multiplier: outcome.multiplier,
    reels: outcome.reels,
    roundID,
    betTransactionID: betID,
    winTransactionID: winFields.transactionID,
  };
}

/** The win is owed: retried with the same ids (a repeat answers 11, which is the same success). */
async function reportWin(studio: Studio, winFields: Record<string, unknown>): Promise<StudioAnswer> {
  let paid: StudioAnswer = { code: ResultCode.INTERNAL_ERROR, message: 'the win was not reported' };
  for (let attempt = 1; attempt <= WIN_ATTEMPTS; attempt++) {
    paid = relay(await studio.call('/provider/v1/win', winFields));
    if (paid.code === ResultCode.DUPLICATE_TRANSACTION) paid = { ...paid, code: ResultCode.OK, message: 'OK' };
    if (paid.code !== ResultCode.INTERNAL_ERROR) break;
  }
  return paid;
}

interface Studio {
  call(path: string, fields: Record<string, unknown>): Promise<ProviderReply>;
}

/** The studio's credentials from the providers table (fresh on every call: a rotation applies at once). */
async function loadStudio(pool: Pool, baseUrl: string): Promise<Studio | null> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT secret_key, enabled FROM providers WHERE provider_id = ?', [
    DEMO_PROVIDER_ID,
  ]);
  const row = rows[0];
  if (!row || !row.enabled) return null;
  const secretKey = openStored(secretContext.providerSecret(DEMO_PROVIDER_ID), row.secret_key as string);
  return {
    async call(path, fields) {
      try {
        const response = await fetch(baseUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(signBody(secretKey, { providerID: DEMO_PROVIDER_ID, ...fields })),
          signal: AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS),
        });
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return { ok: false, error: `${path} answered HTTP ${response.status} with a body that is not JSON` };
        }
        if (response.status !== 200 || typeof body !== 'object' || body === null)
          return { ok: false, error: `${path} answered HTTP ${response.status}` };
        return { ok: true, body: body as Record<string, unknown> };
      } catch (error) {
        return { ok: false, error: `${path} failed: ${(error as Error).message}` };
      }
    },
  };
}

/** Our own API, on the port this request came in on: the real listening port, whatever PORT said. */
function selfUrl(req: Request): string {
  return `http://127.0.0.1:${req.socket.localPort}`;
}

async function loadGame(pool: Pool, gameId: number): Promise<{ name: string; rtp: number } | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT g.name, g.rtp FROM games g JOIN providers p ON p.id = g.provider_id WHERE g.game_id = ? AND p.provider_id = ?',
    [gameId, DEMO_PROVIDER_ID],
  );
  const row = rows[0];
  return row ? { name: row.name as string, rtp: Number(row.rtp) } : null;
}

function relay(reply: ProviderReply): StudioAnswer {
  if (!reply.ok) return { code: ResultCode.INTERNAL_ERROR, message: reply.error };
  const { code, message, ...rest } = reply.body;
  return {
    ...rest,
    code: typeof code === 'number' ? code : ResultCode.INTERNAL_ERROR,
    message: typeof message === 'string' ? message : '',
  };
}

function withExponent(answer: StudioAnswer): StudioAnswer {
  return typeof answer.currency === 'string' && isKnownCurrency(answer.currency)
    ? { ...answer, exponent: currencyExponent(answer.currency) }
    : answer;
}

function tokenOf(req: Request): string | null {
  const token = (req.body as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' && token.length > 0 && token.length <= 4096 ? token : null;
}

const badToken = (): StudioAnswer => ({
  code: ResultCode.SESSION_INVALID,
  message: 'token: the launch token from the game URL is missing',
});

/** The game a launch token names, read (not verified: our API verifies it) when the page did not say. */
function gameIdInToken(token: string): number | null {
  const payload = jwt.decode(token);
  return payload && typeof payload === 'object' ? positiveInt((payload as Record<string, unknown>).gid) : null;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The slot page's styles (inlined under the page's CSP nonce). */
const GAME_STYLES = `  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         font: 16px/1.4 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #f5f0ff;
         background: radial-gradient(circle at 50% 20%, #3b1d6e, #12081f 70%); }
  main { width: min(440px, 94vw); padding: 24px; border-radius: 18px; background: #1d1033;
         box-shadow: 0 20px 60px #0009, inset 0 0 0 1px #ffffff18; text-align: center; }
  h1 { margin: 0 0 4px; font-size: 1.4rem; letter-spacing: .02em; }
  .sub { margin: 0 0 18px; font-size: .8rem; color: #b9a8d9; }
  .reels { display: flex; gap: 10px; justify-content: center; margin: 8px 0 18px; }
  .reel { width: 96px; height: 110px; display: flex; align-items: center; justify-content: center; font-size: 56px;
          border-radius: 12px; background: linear-gradient(#fff, #e9e2f7); color: #222; box-shadow: inset 0 -6px 12px #0002; }
  .reel.spinning { filter: blur(1.5px); }
  .row { display: flex; justify-content: space-between; align-items: center; gap: 12px; margin: 10px 0; }
  .balance { font-size: 1.2rem; font-weight: 700; }
  select, button { font: inherit; border-radius: 10px; border: 0; padding: 10px 14px; }
  select { background: #2d1b4d; color: inherit; }
  button { width: 100%; margin-top: 8px; padding: 14px; font-size: 1.2rem; font-weight: 800; cursor: pointer;
           background: linear-gradient(#ffcf3f, #f59e0b); color: #3a2300; }
  button:disabled { opacity: .5; cursor: wait; }
  .message { min-height: 1.5em; margin-top: 14px; font-weight: 600; }
  .message.win { color: #7cf29a; } .message.error { color: #ff8a8a; }
  a { color: #c6b3ff; font-size: .85rem; }
`;

/** The slot page's script: auth, balance and spins through this studio's own API, never ours directly. */
const GAME_SCRIPT = `(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') || '';
  const game = Number(params.get('game')) || undefined;
  const demo = params.get('mode') === 'demo';
  let currency = params.get('currency') || '';
  let exponent = 2;
  let balance = null;
  // Inline SVG, so the symbols look the same everywhere (no emoji font, no image to fetch).
  const svg = (body) => '<svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true">' + body + '</svg>';
  const FACES = {
    cherry: svg('<path d="M32 8 C30 22 22 30 20 38 M32 8 C36 22 42 30 44 38" stroke="#2f7d32" stroke-width="4" fill="none"/><circle cx="20" cy="44" r="12" fill="#d62839"/><circle cx="44" cy="44" r="12" fill="#b3122e"/>'),
    lemon: svg('<ellipse cx="32" cy="34" rx="24" ry="17" fill="#f7d60a" stroke="#c9a800" stroke-width="3"/>'),
    plum: svg('<circle cx="32" cy="36" r="21" fill="#7b2cbf"/><path d="M32 15 q8 -8 14 -6" stroke="#2f7d32" stroke-width="4" fill="none"/>'),
    bell: svg('<path d="M32 8 c-12 0 -16 12 -16 24 v8 l-6 8 h44 l-6 -8 v-8 c0 -12 -4 -24 -16 -24z" fill="#f5b301" stroke="#b07d00" stroke-width="3"/><circle cx="32" cy="53" r="5" fill="#b07d00"/>'),
    bar: svg('<rect x="6" y="20" width="52" height="24" rx="4" fill="#222"/><text x="32" y="39" font-family="Arial Black, Arial, sans-serif" font-weight="900" font-size="17" fill="#fff" text-anchor="middle">BAR</text>'),
    seven: svg('<text x="32" y="54" font-family="Arial Black, Arial, sans-serif" font-weight="900" font-size="56" fill="#e0162b" stroke="#7a0010" stroke-width="2" text-anchor="middle">7</text>'),
  };
  const NAMES = { 2: 'invalid parameters', 3: 'invalid signature', 5: 'studio not allowed', 6: 'player not found', 7: 'insufficient funds',
    8: 'game not found', 9: 'session invalid or expired', 12: 'not available in this wallet mode', 14: 'currency not supported',
    15: 'round closed', 17: 'operator wallet unavailable' };
  const $ = (id) => document.getElementById(id);
  const reels = [$('r0'), $('r1'), $('r2')];
  ['cherry', 'bell', 'seven'].forEach((s, i) => { reels[i].innerHTML = FACES[s]; });
  const format = (amount) => amount === null || amount === undefined ? '…' :
    Number(amount).toLocaleString(undefined, { minimumFractionDigits: exponent, maximumFractionDigits: exponent }) + (currency ? ' ' + currency : '');
  const say = (text, kind) => { const m = $('message'); m.textContent = text; m.className = 'message ' + (kind || ''); };
  const fail = (answer) => say('Error ' + answer.code + (NAMES[answer.code] ? ' (' + NAMES[answer.code] + ')' : '') + (answer.message ? ': ' + answer.message : ''), 'error');
  const post = async (path, body) => {
    try {
      const response = await fetch('/demo-studio/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return await response.json();
    } catch (error) { return { code: 1, message: 'the studio did not answer: ' + error }; }
  };
  const showBalance = () => { $('balance').textContent = format(balance); };
  const fillBets = () => {
    const steps = exponent === 0 ? [10, 20, 50, 100, 200, 500, 1000] : [0.1, 0.2, 0.5, 1, 2, 5, 10];
    $('bet').replaceChildren(...steps.map((v) => { const o = document.createElement('option'); o.value = String(v); o.textContent = format(v); if (v === 1 || v === 100) o.selected = true; return o; }));
  };
  const lobby = params.get('lobby');
  if (lobby && /^https?:\\/\\//.test(lobby)) { const a = $('lobby'); a.href = lobby; a.hidden = false; }

  async function start() {
    if (demo) {
      currency = 'FUN'; balance = 1000; $('who').textContent = 'demo mode: play credits, no real money';
      fillBets(); showBalance(); $('spin').disabled = false; return;
    }
    const auth = await post('auth', { token });
    if (auth.code !== 0) { fail(auth); $('who').textContent = 'no session'; return; }
    currency = auth.currency; $('who').textContent = 'player ' + auth.userID + ' at ' + auth.agentID + ' · real money';
    const read = await post('balance', { token });
    if (read.code === 0) { exponent = read.exponent ?? 2; balance = read.balance; } else { balance = auth.balance; }
    fillBets(); showBalance(); $('spin').disabled = false;
  }

  $('spin').addEventListener('click', async () => {
    const bet = Number($('bet').value);
    $('spin').disabled = true; say('');
    const timer = setInterval(() => reels.forEach((r) => { r.classList.add('spinning'); r.innerHTML = Object.values(FACES)[Math.floor(Math.random() * 6)]; }), 70);
    const [answer] = await Promise.all([
      demo && balance < bet ? Promise.resolve({ code: 7, message: 'not enough play credits' }) : post('spin', { token, game, bet, currency: demo ? undefined : currency, demo }),
      new Promise((resolve) => setTimeout(resolve, 600)),
    ]);
    clearInterval(timer);
    reels.forEach((r) => r.classList.remove('spinning'));
    if (answer.reels) answer.reels.forEach((s, i) => { reels[i].innerHTML = FACES[s] || '?'; });
    if (demo && answer.code === 0) balance = Math.round((balance - bet + answer.win) * 100) / 100;
    else if (answer.balance !== undefined) balance = answer.balance;
    showBalance();
    if (answer.code !== 0) fail(answer);
    else if (answer.win > 0) say('WIN ' + format(answer.win) + ' (×' + answer.multiplier + ')', 'win');
    else say('No win this time');
    $('spin').disabled = false;
  });

  start();
})();
`;

function gamePage(nonce: string, gameName: string, lang: string): string {
  const safeLang = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/.test(lang) ? lang : 'en';
  return `<!doctype html>
<html lang="${safeLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(gameName)} · demo studio</title>
<style nonce="${nonce}">
${GAME_STYLES}</style>
</head>
<body>
<main>
  <h1 id="title">${escapeHtml(gameName)}</h1>
  <p class="sub" id="who">connecting…</p>
  <div class="reels"><div class="reel" id="r0"></div><div class="reel" id="r1"></div><div class="reel" id="r2"></div></div>
  <div class="row"><span>Balance</span><span class="balance" id="balance">…</span></div>
  <div class="row"><label for="bet">Bet</label><select id="bet"></select></div>
  <button id="spin" disabled>SPIN</button>
  <div class="message" id="message"></div>
  <p><a id="lobby" hidden>← back to the lobby</a></p>
</main>
<script nonce="${nonce}">
${GAME_SCRIPT}</script>
</body>
</html>
`;
}
