// @ts-check
// Operator page (`#/operator/<agentID>`, PROTOCOL §11 and §6.3): what staff need to take one operator from
// the sandbox to real players. Its status (sandbox/live), mode, fee, credit limit and peak; the circuit
// breaker of its wallet (seamless); the prepaid credit with its history, top-ups and adjustments (admin,
// finance); certification runs with every check, the exact requests and answers of a failed one and the
// load figures (start: admin; read: admin, support); and the go-live button with the reasons it is refused.
// Finance may not read operators/list nor certification runs: it sees the credit part only.
import {
  api,
  badge,
  button,
  can,
  cell,
  dataTable,
  field,
  fill,
  formatAmount,
  formatTime,
  h,
  modeBadge,
  notify,
  notifyError,
  pagedList,
  sectionHead,
  state,
  table,
  urlText,
  valueOf,
} from '../app.js';
import { CURRENCY_DIGITS } from '../currencies.js';

/**
 * @typedef {{ agentID: string, name: string, mode: 'transfer' | 'seamless', callbackUrl: string | null,
 *   callbackScheme: 'hmac' | 'md5', currencies: string[], enabled: boolean, status: 'sandbox' | 'live',
 *   liveSince: string | null, feePercent: number, creditLimit: number, peakPerSecond: number,
 *   wallet: { state: string } | null }} Operator
 * @typedef {{ id: string, kind: 'topup' | 'adjustment' | 'fee', amount: number, balanceAfter: number,
 *   reference: string, reason: string | null, day: string | null, createdAt: string }} CreditEntry
 * @typedef {{ call: string, url: string, request: unknown, status: number | null, answer: unknown,
 *   outcome: string, ms: number }} Exchange
 * @typedef {{ name: string, passed: boolean, detail: string, exchanges?: Exchange[] }} Check
 * @typedef {{ ratePerSecond: number, sent: number, errors: number, p50Ms: number, p99Ms: number,
 *   passed: boolean, detail?: string, failures?: Exchange[] }} Phase
 * @typedef {{ id: string, agentID: string, status: 'running' | 'passed' | 'failed', callbackUrl: string,
 *   scheme: string, userID: string, currency: string, loadSeconds: number, soakSeconds: number,
 *   ratePerSecond: number, startedAt: string, finishedAt: string | null, checks: Check[],
 *   load: Phase | null, soak: Phase | null }} Run
 * @typedef {{ status?: number, code?: number, message?: string, answer?: { unmet?: string[] } | null }} Failure
 */

const POLL_MS = 1000;
/** §2 external ids. */
const EXTERNAL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The role may move credit (§11: admin or finance). */
const mayMoveCredit = () => state.session?.role === 'admin' || state.session?.role === 'finance';
/** The role may read operators/list and certification runs (admin, support). */
const mayReadOperator = () => state.session?.role === 'admin' || state.session?.role === 'support';

/** The agentID in the address: `#/operator/<agentID>`. */
function agentIdFromLocation() {
  const path = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [, id] = path.split('/');
  return id ? decodeURIComponent(id) : '';
}

/**
 * @param {string} label
 * @param {any} value
 * @param {string} [testId]
 */
function item(label, value, testId) {
  return h(
    'div',
    { class: 'kv' },
    h('span', { class: 'muted small' }, label),
    h('span', { 'data-testid': testId }, value),
  );
}

/** @param {string} status */
function passBadge(status) {
  return badge(status, status === 'passed' ? 'delivered' : status === 'running' ? 'pending' : 'failed');
}

/** @param {string | null | undefined} breaker */
function breakerBadge(breaker) {
  if (!breaker) return badge('unknown', 'off');
  return badge(breaker, breaker === 'closed' ? 'on' : breaker === 'open' ? 'failed' : 'pending');
}

/**
 * The amount typed in a form, in the base currency's major units; null (with the reason) when it is not one.
 * @param {string} text
 * @param {string} currency
 * @param {boolean} signed
 * @returns {{ amount: number } | { error: string }}
 */
function parseAmount(text, currency, signed) {
  const digits = CURRENCY_DIGITS[/** @type {keyof typeof CURRENCY_DIGITS} */ (currency)] ?? 2;
  const pattern = new RegExp(`^${signed ? '-?' : ''}\\d{1,13}${digits > 0 ? `(\\.\\d{1,${digits}})?` : ''}$`);
  if (!pattern.test(text)) {
    const places = digits === 0 ? 'no decimals' : `at most ${digits} decimal${digits === 1 ? '' : 's'}`;
    return {
      error: `Enter an amount in ${currency} with ${places}${signed ? ' (negative to take credit away)' : ''}.`,
    };
  }
  const amount = Number(text);
  if (signed ? amount === 0 : !(amount > 0))
    return { error: signed ? 'The amount may not be 0.' : 'The amount must be above 0.' };
  return { amount };
}

// ---------------------------------------------------------------------------------------------
// Summary, breaker and go-live

/**
 * @param {Operator} op
 * @param {string} baseCurrency
 */
function summaryCard(op, baseCurrency) {
  return h(
    'div',
    { class: 'card', 'data-testid': 'operator-summary' },
    h('h2', {}, h('span', { class: 'mono' }, op.agentID), ' ', op.name),
    h(
      'div',
      { class: 'form-grid' },
      item('Status', badge(op.status, op.status === 'live' ? 'on' : 'pending'), 'operator-status'),
      item('Live since', formatTime(op.liveSince), 'operator-live-since'),
      item('Mode', [modeBadge(op.mode), op.mode === 'seamless' ? ` ${op.callbackScheme}` : null]),
      item('Callback URL', op.callbackUrl ? urlText(op.callbackUrl) : '—'),
      item('Currencies', op.currencies.join(', ')),
      item('Fee', `${op.feePercent}% of positive GGR`, 'operator-fee'),
      item('Credit limit', `${formatAmount(op.creditLimit, baseCurrency)} ${baseCurrency}`, 'operator-credit-limit'),
      item('Expected peak', `${op.peakPerSecond} bets/s`, 'operator-peak'),
      item(
        'Wallet circuit breaker',
        op.mode === 'seamless' ? breakerBadge(op.wallet?.state) : h('span', { class: 'muted' }, 'none (transfer mode)'),
        'breaker-state',
      ),
      item('Enabled', op.enabled ? 'yes' : 'no'),
    ),
  );
}

/**
 * The go-live button (admin, sandbox operators). A refusal lists every unmet condition (§11: HTTP 409, code 12).
 * @param {Operator} op
 * @param {() => void} reload
 */
function goLiveCard(op, reload) {
  const result = h('div', { 'data-testid': 'go-live-result' });
  const go = button(
    'Go live',
    async () => {
      go.disabled = true;
      result.replaceChildren();
      try {
        const { operator } = await api('operators/go-live', { agentID: op.agentID });
        notify(result, 'success', 'Live', `${operator.agentID} is live since ${formatTime(operator.liveSince)}.`, {
          testId: 'go-live-done',
        });
        reload();
      } catch (error) {
        const failure = /** @type {Failure} */ (error);
        if (failure.status === 409 && failure.code === 12) {
          const unmet = failure.answer?.unmet ?? [String(failure.message)];
          result.replaceChildren(
            h(
              'div',
              { class: 'alert alert-error alert-refusal', role: 'alert', 'data-testid': 'go-live-refused' },
              h(
                'div',
                { class: 'alert-body' },
                h('strong', { class: 'alert-title' }, 'Go-live refused: not yet met'),
                h(
                  'ul',
                  {},
                  unmet.map((reason) => h('li', { 'data-testid': 'go-live-unmet' }, reason)),
                ),
              ),
            ),
          );
        } else notifyError(result, error, `put ${op.agentID} live`);
      } finally {
        go.disabled = false;
      }
    },
    'btn-primary',
    { 'data-testid': 'go-live' },
  );
  const conditions =
    op.mode === 'seamless'
      ? 'Needs a passed certification run finished in the last 30 days for the current callback URL and scheme, and a credit above zero.'
      : 'Needs a credit above zero.';
  return h(
    'div',
    { class: 'card' },
    h('h3', {}, 'Go live'),
    op.status === 'live'
      ? h('p', {}, `Live since ${formatTime(op.liveSince)}: real-money launches are billed and use the prepaid credit.`)
      : [
          h('p', { class: 'muted' }, conditions),
          can('manage') ? go : h('p', { class: 'muted small' }, 'An admin puts operators live.'),
        ],
    result,
  );
}

// ---------------------------------------------------------------------------------------------
// Prepaid credit

/**
 * @param {CreditEntry[]} entries
 * @param {string} currency
 */
function creditTable(entries, currency) {
  return dataTable(
    [
      { title: 'When', render: (/** @type {CreditEntry} */ e) => formatTime(e.createdAt), class: 'nowrap' },
      {
        title: 'Kind',
        render: (/** @type {CreditEntry} */ e) =>
          badge(e.kind, e.kind === 'topup' ? 'on' : e.kind === 'fee' ? 'pending' : 'off'),
      },
      {
        title: `Amount (${currency})`,
        render: (/** @type {CreditEntry} */ e) => formatAmount(e.amount, currency),
        class: 'num',
      },
      {
        title: `Balance after (${currency})`,
        render: (/** @type {CreditEntry} */ e) => formatAmount(e.balanceAfter, currency),
        class: 'num',
      },
      {
        title: 'Reference',
        render: (/** @type {CreditEntry} */ e) => h('span', { class: 'mono' }, e.reference),
        class: 'wrap',
      },
      { title: 'Reason', render: (/** @type {CreditEntry} */ e) => e.reason ?? '—', class: 'wrap' },
      { title: 'Day billed', render: (/** @type {CreditEntry} */ e) => e.day ?? '—', class: 'nowrap' },
    ],
    entries,
    {
      empty: 'No credit entries yet: top up before going live.',
      rowProps: (/** @type {CreditEntry} */ e) => ({ 'data-reference': e.reference, 'data-kind': e.kind }),
    },
  );
}

/**
 * A top-up or adjustment form. `kind` picks the path and whether the amount is signed and a reason asked.
 * @param {'topup' | 'adjust'} kind
 * @param {string} agentID
 * @param {() => string} currency
 * @param {HTMLElement} notices
 * @param {() => void} reload
 * @param {(() => void)[]} refreshers where the form puts how it shows a newly known currency
 */
function creditForm(kind, agentID, currency, notices, reload, refreshers) {
  const signed = kind === 'adjust';
  const digits = () => CURRENCY_DIGITS[/** @type {keyof typeof CURRENCY_DIGITS} */ (currency())] ?? 2;
  const amount = h('input', {
    name: 'amount',
    inputmode: 'decimal',
    autocomplete: 'off',
    required: true,
    'data-testid': `${kind}-amount`,
  });
  const form = h(
    'form',
    { novalidate: true, 'data-testid': `${kind}-form` },
    h('h3', {}, signed ? 'Adjust (correction, signed)' : 'Top up'),
    h(
      'div',
      { class: 'form-grid' },
      field(h('span', { 'data-testid': `${kind}-amount-label` }, `Amount (${currency()})`), amount),
      field(
        'Reference (idempotency key)',
        h('input', {
          name: 'reference',
          maxlength: 64,
          autocomplete: 'off',
          required: true,
          'data-testid': `${kind}-reference`,
        }),
      ),
      signed
        ? field(
            'Reason',
            h('input', { name: 'reason', maxlength: 512, required: true, 'data-testid': 'adjust-reason' }),
          )
        : null,
    ),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        { class: 'btn btn-primary', type: 'submit', 'data-testid': `${kind}-submit` },
        signed ? 'Adjust' : 'Top up',
      ),
    ),
  );
  const refresh = () => {
    amount.setAttribute('placeholder', digits() ? `0.${'0'.repeat(digits())}` : '0');
    const label = form.querySelector(`[data-testid="${kind}-amount-label"]`);
    if (label) label.textContent = `Amount (${currency()})`;
  };
  refresh();
  refreshers.push(refresh);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitCredit(form, signed, agentID, currency, notices, reload);
  });
  return form;
}

/**
 * Sends a top-up or adjustment typed in `form`, after checking it reads as one.
 * @param {HTMLFormElement} form
 * @param {boolean} signed
 * @param {string} agentID
 * @param {() => string} currency
 * @param {HTMLElement} notices
 * @param {() => void} reload
 */
async function submitCredit(form, signed, agentID, currency, notices, reload) {
  const parsed = parseAmount(valueOf(form, 'amount'), currency(), signed);
  const reference = valueOf(form, 'reference');
  const reason = valueOf(form, 'reason');
  if ('error' in parsed) return void notify(notices, 'error', 'Check the amount', parsed.error);
  if (!EXTERNAL_ID.test(reference))
    return void notify(
      notices,
      'error',
      'Check the reference',
      '1 to 64 of letters, digits and _ . : - (unique per entry).',
    );
  if (signed && !reason) return void notify(notices, 'error', 'Give a reason', 'An adjustment says why it was made.');
  try {
    const answer = await api(signed ? 'credit/adjust' : 'credit/topup', {
      agentID,
      amount: parsed.amount,
      reference,
      ...(signed ? { reason } : {}),
    });
    notify(notices, 'success', null, `Credit is now ${formatAmount(answer.credit, currency())} ${currency()}.`);
    form.reset();
  } catch (error) {
    const failure = /** @type {Failure} */ (error);
    // A repeat of an applied reference is code 11 (HTTP 200): nothing moved again.
    if (failure.status === 200 && failure.code === 11)
      notify(notices, 'info', 'Already applied', `${failure.message}: nothing moved again.`, {
        testId: 'notice-repeat',
      });
    else notifyError(notices, error, signed ? 'adjust the credit' : 'top up the credit');
  }
  reload();
}

/**
 * @param {string} agentID
 * @param {() => boolean} live
 * @param {() => void} changed called after every credit change (the go-live conditions depend on it)
 */
function creditCard(agentID, live, changed) {
  const notices = h('div');
  const balance = h('strong', { 'data-testid': 'credit-balance' }, '…');
  let currency = '';
  /** @type {(() => void)[]} */
  const refreshers = [];
  const list = pagedList({
    live,
    notices,
    doing: 'read the credit history',
    fetchPage: (/** @type {string | undefined} */ cursor) =>
      api('credit/history', { agentID, ...(cursor ? { cursor } : {}) }),
    render: (/** @type {{ entries: CreditEntry[], baseCurrency: string }} */ answer, /** @type {number} */ page) => [
      h('p', { class: 'muted small' }, `Oldest first, page ${page}.`),
      creditTable(answer.entries, answer.baseCurrency),
    ],
    onLoaded: (/** @type {{ credit: number, baseCurrency: string } | null} */ answer) => {
      if (!answer) return;
      currency = answer.baseCurrency;
      balance.textContent = `${formatAmount(answer.credit, currency)} ${currency}`;
      for (const refresh of refreshers) refresh();
    },
    labels: { loading: 'Loading the credit history…' },
  });
  const reload = () => {
    list.first();
    changed();
  };
  const forms = mayMoveCredit()
    ? h(
        'div',
        { class: 'form-grid' },
        creditForm('topup', agentID, () => currency, notices, reload, refreshers),
        creditForm('adjust', agentID, () => currency, notices, reload, refreshers),
      )
    : h(
        'p',
        { class: 'muted small', 'data-testid': 'credit-read-only' },
        'Admin and finance top up and adjust the credit.',
      );
  list.first();
  return h(
    'div',
    { class: 'card', 'data-testid': 'credit' },
    h('h2', {}, 'Prepaid credit: ', balance),
    h(
      'p',
      { class: 'muted' },
      'In the base currency. Fees are debited daily; at or below minus the credit limit a live operator’s real-money launches are refused (code 18).',
    ),
    notices,
    forms,
    h('h3', {}, 'History'),
    h('div', { 'data-testid': 'credit-history' }, list.node),
  );
}

// ---------------------------------------------------------------------------------------------
// Certification

/** @param {Exchange} e */
function exchangeBlock(e) {
  return h(
    'div',
    { class: 'exchange', 'data-testid': 'exchange', 'data-call': e.call },
    h(
      'p',
      { class: 'small' },
      h('strong', {}, e.call),
      ` → ${e.url} · HTTP ${e.status ?? 'none'} · ${e.outcome} · ${e.ms} ms`,
    ),
    h('span', { class: 'sub' }, 'request'),
    h('pre', { class: 'json', 'data-testid': 'exchange-request' }, JSON.stringify(e.request, null, 2)),
    h('span', { class: 'sub' }, 'answer'),
    h('pre', { class: 'json', 'data-testid': 'exchange-answer' }, JSON.stringify(e.answer, null, 2)),
  );
}

/** @param {Exchange[] | undefined} exchanges */
function exchangesOf(exchanges) {
  if (!exchanges?.length) return null;
  return h(
    'details',
    { open: true },
    h('summary', {}, `The exact requests and answers (${exchanges.length})`),
    exchanges.map(exchangeBlock),
  );
}

/** @param {Check[]} checks */
function checksTable(checks) {
  const rows = checks.map((c) =>
    h(
      'tr',
      { 'data-check': c.name, 'data-passed': String(c.passed) },
      cell(h('span', { class: 'mono' }, c.name)),
      cell(passBadge(c.passed ? 'passed' : 'failed')),
      cell(
        [h('span', { 'data-testid': 'check-detail' }, c.detail), c.passed ? null : exchangesOf(c.exchanges)],
        'wrap',
      ),
    ),
  );
  return table(['Check', 'Result', 'Detail'], rows, 'No checks yet.');
}

/** @param {Run} run */
function phasesTable(run) {
  /** @type {[string, Phase | null, number][]} */
  const phases = [
    ['load', run.load, run.loadSeconds],
    ['soak', run.soak, run.soakSeconds],
  ];
  const rows = phases.map(([name, phase, seconds]) =>
    h(
      'tr',
      { 'data-phase': name },
      cell(name),
      phase
        ? [
            cell(passBadge(phase.passed ? 'passed' : 'failed')),
            cell(`${seconds} s`, 'num'),
            cell(String(phase.ratePerSecond), 'num'),
            cell(String(phase.sent), 'num'),
            cell(String(phase.errors), 'num'),
            cell(`${phase.p50Ms} ms`, 'num'),
            cell(`${phase.p99Ms} ms`, 'num'),
            cell([phase.detail ?? '', phase.passed ? null : exchangesOf(phase.failures)], 'wrap'),
          ]
        : [
            cell(seconds ? (run.status === 'running' ? 'not yet' : 'not run') : 'none asked'),
            cell(`${seconds} s`, 'num'),
            cell(String(run.ratePerSecond), 'num'),
            cell('—'),
            cell('—'),
            cell('—'),
            cell('—'),
            cell(''),
          ],
    ),
  );
  return table(['Phase', 'Result', 'Duration', 'Rate/s', 'Sent', 'Errors', 'p50', 'p99', 'Detail'], rows, '');
}

/** @param {Run} run */
function runDetail(run) {
  return h(
    'div',
    { class: 'card', 'data-testid': 'run-detail', 'data-run-id': run.id, 'data-status': run.status },
    h('h3', {}, `Run ${run.id} `, passBadge(run.status)),
    h(
      'p',
      { class: 'muted small' },
      `${run.scheme} · ${run.callbackUrl} · player ${run.userID} (${run.currency}) · started ${formatTime(run.startedAt)}` +
        (run.finishedAt ? ` · finished ${formatTime(run.finishedAt)}` : ' · running…'),
    ),
    h('h4', {}, 'Checks'),
    h('div', { 'data-testid': 'run-checks' }, checksTable(run.checks)),
    h('h4', {}, 'Load and soak (pass: no error and p99 ≤ 300 ms)'),
    h('div', { 'data-testid': 'run-phases' }, phasesTable(run)),
  );
}

/** @param {Operator} op */
function startFields(op) {
  return [
    field(
      'Player (userID, ≥ 10.00 at the wallet)',
      h('input', { name: 'userID', maxlength: 48, required: true, 'data-testid': 'cert-user' }),
    ),
    field(
      'Currency',
      h(
        'select',
        { name: 'currency', 'data-testid': 'cert-currency' },
        op.currencies.map((c) => h('option', { value: c }, c)),
      ),
    ),
    field(
      'Load seconds (0: none)',
      h('input', {
        name: 'loadSeconds',
        type: 'number',
        min: 0,
        max: 3600,
        step: 1,
        value: 30,
        'data-testid': 'cert-load',
      }),
    ),
    field(
      'Soak seconds (0: none)',
      h('input', {
        name: 'soakSeconds',
        type: 'number',
        min: 0,
        max: 86400,
        step: 1,
        value: 0,
        'data-testid': 'cert-soak',
      }),
    ),
    field(
      'Rate per second',
      h('input', {
        name: 'ratePerSecond',
        type: 'number',
        min: 1,
        max: 5000,
        step: 1,
        placeholder: `${op.peakPerSecond * 2} (twice the peak)`,
        'data-testid': 'cert-rate',
      }),
    ),
  ];
}

/**
 * @param {Operator} op
 * @param {(run: Run) => void} started
 * @param {HTMLElement} notices
 */
function startForm(op, started, notices) {
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'cert-form' },
    h('div', { class: 'form-grid' }, startFields(op)),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        { class: 'btn btn-primary', type: 'submit', 'data-testid': 'cert-start' },
        'Start a certification run',
      ),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const body = { agentID: op.agentID, userID: valueOf(form, 'userID'), currency: valueOf(form, 'currency') };
    for (const name of ['loadSeconds', 'soakSeconds', 'ratePerSecond']) {
      const text = valueOf(form, name);
      if (text === '') continue;
      const value = Number(text);
      if (!Number.isInteger(value) || value < 0)
        return void notify(notices, 'error', 'Check the figures', `${name}: a whole number, 0 or more.`);
      body[name] = value;
    }
    if (!body.userID)
      return void notify(
        notices,
        'error',
        'Name the player',
        'A player holding at least 10.00 at the operator’s wallet.',
      );
    try {
      const { id } = await api('certification/run', body);
      notify(notices, 'success', null, `Run ${id} started: the workers run it now.`);
      started(await api('certification/get', { id }));
    } catch (error) {
      notifyError(notices, error, 'start a certification run');
    }
  });
  return form;
}

/**
 * @param {Run[]} list
 * @param {(id: string) => void} open
 */
function runsTable(list, open) {
  return dataTable(
    [
      {
        title: 'Run',
        render: (/** @type {Run} */ r) =>
          button(r.id, () => open(r.id), 'btn-link mono', { 'data-testid': 'open-run' }),
      },
      { title: 'Result', render: (/** @type {Run} */ r) => passBadge(r.status) },
      { title: 'Started', render: (/** @type {Run} */ r) => formatTime(r.startedAt), class: 'nowrap' },
      { title: 'Finished', render: (/** @type {Run} */ r) => formatTime(r.finishedAt), class: 'nowrap' },
      { title: 'Wallet', render: (/** @type {Run} */ r) => [r.scheme, ' ', urlText(r.callbackUrl)], class: 'wrap' },
      {
        title: 'Failed checks',
        render: (/** @type {Run} */ r) =>
          r.checks
            .filter((c) => !c.passed)
            .map((c) => c.name)
            .join(', ') || '—',
        class: 'wrap',
      },
      {
        title: 'Load p50 / p99',
        render: (/** @type {Run} */ r) => (r.load ? `${r.load.p50Ms} / ${r.load.p99Ms} ms` : '—'),
        class: 'num',
      },
    ],
    list,
    {
      empty: 'No certification runs yet.',
      rowProps: (/** @type {Run} */ r) => ({ 'data-run-id': r.id, 'data-status': r.status }),
    },
  );
}

/**
 * @param {Operator} op
 * @param {() => boolean} live
 * @param {() => void} finished called when a watched run ends (go-live may now be met)
 */
function certificationCard(op, live, finished) {
  const notices = h('div');
  const runs = h('div', { 'data-testid': 'cert-runs' }, h('div', { class: 'empty' }, 'Loading runs…'));
  const detail = h('div');
  /** @type {string | null} */
  let shown = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;

  async function loadRuns() {
    try {
      const answer = await api('certification/list', { agentID: op.agentID });
      if (live()) fill(runs, runsTable(answer.runs, open));
    } catch (error) {
      if (live()) notifyError(notices, error, 'list certification runs');
    }
  }

  /** @param {string} id */
  async function open(id) {
    shown = id;
    if (timer) clearTimeout(timer);
    try {
      /** @type {Run} */
      const run = await api('certification/get', { id });
      if (!live() || shown !== id) return;
      show(run);
    } catch (error) {
      if (live()) notifyError(notices, error, `read run ${id}`);
    }
  }

  /** @param {Run} run */
  function show(run) {
    shown = run.id;
    fill(detail, runDetail(run));
    if (run.status === 'running') {
      timer = setTimeout(async () => {
        if (!live() || shown !== run.id) return;
        await open(run.id);
      }, POLL_MS);
    } else {
      loadRuns();
      finished();
    }
  }

  loadRuns();
  return h(
    'div',
    { class: 'card', 'data-testid': 'certification' },
    h('h2', {}, 'Certification'),
    h(
      'p',
      { class: 'muted' },
      'Tries the operator’s wallet the way we will use it: the named checks, then load at the rate below (open loop) and an optional soak. Every debit is reversed.',
    ),
    notices,
    op.mode !== 'seamless'
      ? h('p', { class: 'muted small' }, 'Transfer mode: there is no operator wallet to certify.')
      : can('manage')
        ? startForm(op, show, notices)
        : h('p', { class: 'muted small', 'data-testid': 'cert-read-only' }, 'An admin starts certification runs.'),
    h('h3', {}, 'Runs (newest first)'),
    runs,
    detail,
  );
}

// ---------------------------------------------------------------------------------------------

/**
 * @param {HTMLElement} root
 * @param {() => boolean} live
 * @param {string} agentID
 */
function renderOperator(root, live, agentID) {
  const notices = h('div');
  const summary = h('div', { 'data-testid': 'operator-head' });
  const certification = h('div');
  let first = true;

  async function loadSummary() {
    if (!mayReadOperator()) return;
    try {
      const [{ operators }, history] = await Promise.all([
        api('operators/list'),
        api('credit/history', { agentID }).catch(() => ({ baseCurrency: 'EUR' })),
      ]);
      if (!live()) return;
      /** @type {Operator | undefined} */
      const op = operators.find((/** @type {Operator} */ o) => o.agentID === agentID);
      if (!op) return void notify(notices, 'error', 'No such operator', `There is no operator ${agentID}.`);
      fill(summary, summaryCard(op, history.baseCurrency), goLiveCard(op, loadSummary));
      if (first) fill(certification, certificationCard(op, live, loadSummary));
      first = false;
    } catch (error) {
      if (live()) notifyError(notices, error, `read operator ${agentID}`);
    }
  }

  root.replaceChildren(
    sectionHead(
      `Operator ${agentID}`,
      'From the sandbox to real players: status, credit, certification and go-live.',
      button('All operators', () => (location.hash = mayReadOperator() ? '#/operators' : '#/operator'), '', {}),
      button('Refresh', () => renderOperator(root, live, agentID)),
    ),
    notices,
    summary,
    creditCard(agentID, live, loadSummary),
    certification,
  );
  loadSummary();
}

/**
 * Without an agentID in the address: pick one (finance, which may not list operators, types it).
 * @param {HTMLElement} root
 * @param {() => boolean} live
 */
function renderPicker(root, live) {
  const notices = h('div');
  const input = mayReadOperator()
    ? h('select', { name: 'agentID', required: true, 'data-testid': 'operator-pick' })
    : h('input', {
        name: 'agentID',
        required: true,
        maxlength: 64,
        autocomplete: 'off',
        'data-testid': 'operator-pick',
      });
  const form = h(
    'form',
    { novalidate: true },
    h('div', { class: 'form-grid' }, field('Operator (agent ID)', input)),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Open')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const agentID = valueOf(form, 'agentID');
    if (agentID) location.hash = `#/operator/${encodeURIComponent(agentID)}`;
  });
  root.replaceChildren(
    sectionHead(
      'Operator',
      'One operator’s go-live: status, prepaid credit, certification runs and the go-live button.',
    ),
    notices,
    h('div', { class: 'card' }, form),
  );
  if (mayReadOperator())
    api('operators/list')
      .then(({ operators }) => {
        if (live())
          fill(
            input,
            operators.map((/** @type {Operator} */ op) => h('option', { value: op.agentID }, op.agentID)),
          );
      })
      .catch((error) => live() && notifyError(notices, error, 'list operators'));
}

/**
 * @param {HTMLElement} root
 * @param {() => boolean} live
 */
function render(root, live) {
  const agentID = agentIdFromLocation();
  if (agentID) renderOperator(root, live, agentID);
  else renderPicker(root, live);
}

export default { key: 'operator', title: 'Operator go-live', roles: ['admin', 'support', 'finance'], render };
