// @ts-check
// Players: one operator's players, each with balances per currency, transactions, restriction and
// maxBet limits (PROTOCOL §14). Reads for admin and support; restrictions and limits for admin only
// (the server answers 403 otherwise, so the controls are simply not shown to other roles).
import {
  api,
  badge,
  can,
  cell,
  field,
  fill,
  formatTime,
  h,
  modeBadge,
  notify,
  notifyError,
  sectionHead,
  table,
  utcFromLocalInput,
  valueOf,
} from '../app.js';
import { roundLink } from './round.js';

const REASONS = ['self-exclusion', 'cool-off', 'operator'];

function searchForm(onSearch) {
  const operators = h('select', { name: 'agentID', required: true, 'data-testid': 'players-operator' });
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'players-search' },
    h(
      'div',
      { class: 'form-grid' },
      field('Operator', operators),
      field(
        'User ID starts with',
        h('input', { name: 'userID', maxlength: 48, autocomplete: 'off', 'data-testid': 'players-user' }),
      ),
    ),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Search')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSearch(valueOf(form, 'agentID'), valueOf(form, 'userID'));
  });
  return { form, operators };
}

function restrictionText(restriction) {
  if (!restriction) return badge('not restricted', 'on');
  const until = restriction.until ? `until ${formatTime(restriction.until)}` : 'until lifted';
  if (!restriction.active) return badge(`${restriction.reason} ended ${formatTime(restriction.until)}`, 'off');
  return badge(`restricted: ${restriction.reason}, ${until}`, 'pending');
}

function balancesTable(player) {
  const rows = player.balances.map((b) =>
    h(
      'tr',
      { 'data-currency': b.currency },
      cell(b.currency),
      cell(String(b.balance), 'num'),
      cell(b.source === 'wallet' ? 'our wallet' : "operator's wallet, last reported"),
      cell(formatTime(b.updatedAt), 'nowrap'),
    ),
  );
  return table(['Currency', 'Balance', 'Source', 'Updated'], rows, 'No balance known for this player.');
}

function limitsTable(player) {
  const rows = player.limits.map((l) =>
    h('tr', { 'data-currency': l.currency }, cell(l.currency), cell(String(l.maxBet), 'num')),
  );
  return table(['Currency', 'Max bet'], rows, 'No bet limits.');
}

/** The admin's controls: restrict / lift, and set / clear a maxBet. `change(path, body)` reloads the player. */
function protectionControls(player, change) {
  const restrictForm = h(
    'form',
    { novalidate: true, 'data-testid': 'restrict-form' },
    h(
      'div',
      { class: 'form-grid' },
      field(
        'Reason',
        h(
          'select',
          { name: 'reason' },
          REASONS.map((r) => h('option', { value: r }, r)),
        ),
      ),
      field('Until (UTC, empty: until lifted)', h('input', { name: 'until', type: 'datetime-local', step: 1 })),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-danger', type: 'submit', 'data-testid': 'restrict' }, 'Restrict'),
      player.restriction
        ? h(
            'button',
            {
              class: 'btn',
              type: 'button',
              'data-testid': 'unrestrict',
              onclick: () => change('players/unrestrict', {}),
            },
            'Lift restriction',
          )
        : null,
    ),
  );
  restrictForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const until = utcFromLocalInput(valueOf(restrictForm, 'until'));
    change('players/restrict', { reason: valueOf(restrictForm, 'reason'), ...(until ? { until } : {}) });
  });
  return [restrictForm, limitForm(player, change)];
}

function limitForm(player, change) {
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'limit-form' },
    h(
      'div',
      { class: 'form-grid' },
      field(
        'Currency',
        h(
          'select',
          { name: 'currency' },
          player.currencies.map((c) => h('option', { value: c }, c)),
        ),
      ),
      field('Max bet (major units)', h('input', { name: 'maxBet', inputmode: 'decimal', autocomplete: 'off' })),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', 'data-testid': 'set-limit' }, 'Set limit'),
      h(
        'button',
        {
          class: 'btn',
          type: 'button',
          'data-testid': 'clear-limit',
          onclick: () => change('players/limits', { currency: valueOf(form, 'currency'), maxBet: null }),
        },
        'Clear limit',
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = valueOf(form, 'maxBet');
    // Sent as typed (a number when it reads as one): the server says what is wrong with it, in words.
    const maxBet = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    change('players/limits', { currency: valueOf(form, 'currency'), maxBet });
  });
  return form;
}

function transactionsTable(transactions) {
  const rows = transactions.map((t) =>
    h(
      'tr',
      { 'data-transaction-id': t.transactionID },
      cell(formatTime(t.createdAt), 'nowrap'),
      cell(badge(t.type, t.type === 'bet' || t.type === 'withdraw' ? 'pending' : 'on')),
      cell(String(t.amount), 'num'),
      cell(t.currency),
      cell(t.balanceAfter === null || t.balanceAfter === undefined ? '—' : String(t.balanceAfter), 'num'),
      cell(h('span', { class: 'mono' }, t.transactionID), 'wrap'),
      cell(roundLink(t), 'wrap'),
    ),
  );
  return table(
    ['Time', 'Type', 'Amount', 'Currency', 'Balance after', 'Transaction ID', 'Round'],
    rows,
    'No transactions for this player.',
  );
}

function renderPlayer(panel, player, transactions, change) {
  fill(
    panel,
    h(
      'div',
      { class: 'card', 'data-testid': 'player-detail', 'data-user-id': player.userID },
      h('h2', {}, h('span', { class: 'mono' }, player.userID), ' ', modeBadge(player.mode)),
      h('p', { 'data-testid': 'player-restriction' }, restrictionText(player.restriction)),
      h('h3', {}, 'Balances'),
      h('div', { 'data-testid': 'player-balances' }, balancesTable(player)),
      h('h3', {}, 'Bet limits'),
      h('div', { 'data-testid': 'player-limits' }, limitsTable(player)),
      can('manage') ? [h('h3', {}, 'Protection'), protectionControls(player, change)] : null,
      h('h3', {}, 'Transactions (oldest first, first 100)'),
      h('div', { 'data-testid': 'player-transactions' }, transactionsTable(transactions)),
    ),
  );
}

function playerList(players, open) {
  const rows = players.map((p) =>
    h(
      'tr',
      { 'data-user-id': p.userID },
      cell(
        h('button', { class: 'btn btn-link mono', type: 'button', onclick: () => open(p.userID) }, p.userID),
        'wrap',
      ),
      cell(formatTime(p.createdAt), 'nowrap'),
      cell(p.restricted ? badge('restricted', 'pending') : badge('active', 'on')),
    ),
  );
  return table(['User ID', 'Known since', 'Status'], rows, 'No players match.');
}

function render(root, live) {
  const notices = h('div');
  const results = h('div', { 'data-testid': 'players-results' });
  const detail = h('div');
  let agentID = '';

  async function open(userID) {
    notices.replaceChildren();
    try {
      const [{ player }, { transactions }] = await Promise.all([
        api('players/get', { agentID, userID }),
        api('transactions/search', { agentID, userID, limit: 100 }),
      ]);
      if (live()) renderPlayer(detail, player, transactions, change(userID));
    } catch (error) {
      if (live()) notifyError(notices, error, 'load the player');
    }
  }

  const change = (userID) => async (path, body) => {
    notices.replaceChildren();
    try {
      await api(path, { agentID, userID, ...body });
      if (!live()) return;
      await open(userID);
      notify(notices, 'success', 'Saved', `${userID}: the change applies to bets from now on.`);
    } catch (error) {
      if (live()) notifyError(notices, error, 'change the player');
    }
  };

  async function search(chosen, prefix) {
    agentID = chosen;
    notices.replaceChildren();
    try {
      const answer = await api('players/search', { agentID, ...(prefix ? { userID: prefix } : {}) });
      if (live()) fill(results, playerList(answer.players, open));
    } catch (error) {
      if (live()) notifyError(notices, error, 'search players');
    }
  }

  const { form, operators } = searchForm(search);
  fill(
    root,
    sectionHead('Players', "An operator's players: balances per currency, transactions, restrictions and bet limits."),
    h('div', { class: 'card' }, form),
    notices,
    results,
    detail,
  );
  api('operators/list')
    .then(({ operators: list }) => {
      if (!live()) return;
      fill(
        operators,
        list.map((op) => h('option', { value: op.agentID }, op.agentID)),
      );
    })
    .catch((error) => live() && notifyError(notices, error, 'list operators'));
}

export default { key: 'players', title: 'Players', roles: ['admin', 'support'], render };
