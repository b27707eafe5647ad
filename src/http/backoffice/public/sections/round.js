// @ts-check
// Round: a round's whole story for support during a dispute (PROTOCOL §14 `/admin/v1/rounds/get`): the
// round, its transactions in order and, in seamless mode, every delivery to the operator's wallet with
// each attempt. The page is a URL: the round's identity is in the query (`?agentID=&userID=&roundID=
// &providerID=` or `?callbackID=`), so a link from a transaction or callback row opens it, and it can be
// pasted into a ticket.

import { api, badge, cell, field, fill, formatTime, h, notifyError, sectionHead, table, valueOf } from '../app.js';

const IDENTITY = ['agentID', 'userID', 'roundID', 'providerID', 'callbackID'];

/** The URL of a round's page (relative to the back office), from the fields that name the round. */
export function roundUrl(identity) {
  const query = new URLSearchParams();
  for (const name of IDENTITY) if (identity[name]) query.set(name, String(identity[name]));
  return `?${query}#/round`;
}

/**
 * A transaction's round as a link to its page, or a dash when it has none (Transactions, Players).
 * @param {{ agentID?: string, userID?: string, roundID?: string | null, providerID?: string | null }} t
 */
export function roundLink(t) {
  if (!t.roundID) return '—';
  const href = roundUrl({ agentID: t.agentID, userID: t.userID, roundID: t.roundID, providerID: t.providerID });
  return h('a', { class: 'mono', href, 'data-testid': 'round-link', title: 'Open the round' }, t.roundID);
}

function identityFromLocation() {
  const query = new URLSearchParams(location.search);
  const identity = {};
  for (const name of IDENTITY) if (query.get(name)) identity[name] = query.get(name);
  return identity;
}

const named = (identity) => Boolean(identity.callbackID || (identity.agentID && identity.userID && identity.roundID));

function kindBadge(type) {
  return badge(type, type === 'bet' || type === 'withdraw' ? 'pending' : type === 'rollback' ? 'off' : 'on');
}

function summary(round) {
  const item = (label, value) => h('div', { class: 'kv' }, h('span', { class: 'muted small' }, label), value);
  return h(
    'div',
    { class: 'card', 'data-testid': 'round-summary' },
    h(
      'div',
      { class: 'form-grid' },
      item('Round', h('span', { class: 'mono' }, round.roundID)),
      item('Agent', h('span', { class: 'mono' }, round.agentID)),
      item('Player', h('span', { class: 'mono' }, round.userID)),
      item('Studio', h('span', { class: 'mono' }, round.providerID)),
      item('Game', String(round.gameID)),
      item(
        'Status',
        h('span', { 'data-testid': 'round-status' }, badge(round.status, round.status === 'open' ? 'pending' : 'off')),
      ),
      item('Opened', formatTime(round.openedAt)),
      item('Closed', round.closedAt ? `${formatTime(round.closedAt)} (${round.closeReason ?? '—'})` : '—'),
      item('Bets · wins · rolled back', `${round.betCount} · ${round.winCount} · ${round.rolledBackCount}`),
    ),
  );
}

function transactionsTable(transactions) {
  const rows = transactions.map((t) =>
    h(
      'tr',
      { 'data-transaction-id': t.transactionID },
      cell(formatTime(t.createdAt), 'nowrap'),
      cell(kindBadge(t.type)),
      cell(String(t.amount), 'num'),
      cell(t.balanceAfter === null ? '—' : String(t.balanceAfter), 'num'),
      cell(t.currency),
      cell(
        [
          h('span', { class: 'mono' }, t.transactionID),
          h('span', { class: 'sub mono', title: 'platformTransactionID' }, t.platformTransactionID),
        ],
        'wrap',
      ),
      cell(t.freeSpinID ? h('span', { class: 'mono' }, t.freeSpinID) : '—'),
    ),
  );
  return table(
    ['Time', 'Type', 'Amount', 'Balance after', 'Currency', 'Transaction ID', 'Free spins'],
    rows,
    'No transactions.',
  );
}

function attemptRows(delivery) {
  return delivery.attempts.map((a, index) =>
    h(
      'tr',
      { 'data-testid': 'attempt', 'data-outcome': a.outcome },
      cell(String(index + 1), 'num'),
      cell(formatTime(a.at), 'nowrap'),
      cell(a.via === 'inline' ? 'while the studio waited' : 'from the queue'),
      cell(badge(a.outcome, a.outcome === 'failed' ? 'failed' : 'delivered')),
      cell(a.httpStatus === null ? '—' : String(a.httpStatus), 'num'),
      cell(a.operatorCode === null ? '—' : String(a.operatorCode), 'num'),
      cell(`${a.latencyMs} ms`, 'num'),
      cell(a.error ? h('span', { class: 'small' }, a.error) : '—', 'wrap'),
    ),
  );
}

function deliveryCard(d) {
  return h(
    'div',
    { class: 'card', 'data-testid': 'round-callback', 'data-kind': d.kind, 'data-status': d.status },
    h(
      'p',
      {},
      h('strong', {}, d.kind),
      ' ',
      badge(d.status === 'failed' ? 'failed (parked)' : d.status, d.status === 'refused' ? 'failed' : d.status),
      ' ',
      h('span', { class: 'mono small' }, d.transactionID),
      d.providerTransactionID
        ? h('span', { class: 'muted small' }, ` · studio transaction ${d.providerTransactionID}`)
        : h('span', { class: 'muted small' }, ` · compensates ${d.refTransactionID}`),
      h(
        'span',
        { class: 'sub' },
        `${d.amount} ${d.currency} · ${d.attemptCount} of ${d.maxAttempts} attempts · created ${formatTime(d.createdAt)}`,
        d.deliveredAt ? ` · delivered ${formatTime(d.deliveredAt)}` : '',
        d.lastError ? ` · last error: ${d.lastError}` : '',
      ),
    ),
    table(
      ['#', 'Time', 'Made', 'Outcome', 'HTTP', 'Operator code', 'Latency', 'Error'],
      attemptRows(d),
      'No attempt recorded yet.',
    ),
  );
}

function story(round) {
  const parts = [
    summary(round),
    h('h2', {}, 'Transactions'),
    h('p', { class: 'muted small' }, 'Applied transactions of the round, in the order stored.'),
    transactionsTable(round.transactions),
  ];
  if (round.callbacks) {
    parts.push(
      h('h2', {}, 'Callbacks to the operator'),
      h('p', { class: 'muted small' }, "Every delivery to the operator's wallet, with each attempt made."),
      round.callbacks.length
        ? round.callbacks.map(deliveryCard)
        : h('div', { class: 'empty' }, 'No delivery for this round.'),
    );
  }
  return parts;
}

function lookupForm(identity, onSubmit) {
  const input = (name, maxlength) =>
    h('input', { name, maxlength, autocomplete: 'off', value: name === 'callbackID' ? undefined : identity[name] });
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'round-lookup' },
    h(
      'div',
      { class: 'form-grid' },
      field('Agent ID', input('agentID', 64)),
      field('User ID', input('userID', 48)),
      field('Round ID', input('roundID', 64)),
      field('Provider ID (optional)', input('providerID', 64)),
    ),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Show round')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = {};
    for (const name of ['agentID', 'userID', 'roundID', 'providerID']) {
      const value = valueOf(form, name);
      if (value) next[name] = value;
    }
    onSubmit(next);
  });
  return form;
}

export default {
  key: 'round',
  title: 'Round',
  roles: ['admin', 'support', 'finance'],
  render(root, live) {
    const notices = h('div');
    const results = h('div', { 'data-testid': 'round-story' });
    let identity = identityFromLocation();

    async function load() {
      fill(notices);
      fill(results);
      if (!named(identity)) return;
      try {
        const answer = await api('rounds/get', identity);
        if (!live()) return;
        fill(results, story(answer));
      } catch (error) {
        if (!live()) return;
        notifyError(notices, error, 'show this round');
      }
    }

    fill(
      root,
      sectionHead('Round', "A round's whole story for a dispute: its transactions and every callback attempt."),
      h(
        'div',
        { class: 'card' },
        lookupForm(identity, (next) => {
          identity = next;
          // The page stays a URL that names the round (to paste into a ticket).
          history.replaceState(null, '', roundUrl(identity));
          load();
        }),
      ),
      notices,
      results,
    );
    load();
  },
};
