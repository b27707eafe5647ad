// Back office: a single page on top of the admin API (PROTOCOL §8) and nothing else.
// Every value from the server reaches the page through text nodes (textContent), never as HTML.

import * as extraSections from './sections/index.js';

const SESSION_KEY = 'backoffice.session';
const ROLES = ['admin', 'support', 'finance'];

/** What each role may see and do; the server enforces the same rules and answers 403 otherwise. */
const PERMISSIONS = {
  admin: {
    sections: ['operators', 'providers', 'games', 'transactions', 'callbacks', 'audit', 'users', 'account'],
    manage: true,
    retry: true,
  },
  support: {
    sections: ['operators', 'providers', 'games', 'transactions', 'callbacks', 'audit', 'users', 'account'],
    manage: false,
    retry: true,
  },
  finance: { sections: ['transactions', 'account'], manage: false, retry: false },
};

const SECTIONS = {
  operators: { title: 'Operators', render: renderOperators },
  providers: { title: 'Providers', render: renderProviders },
  games: { title: 'Games', render: renderGames },
  transactions: { title: 'Transactions', render: renderTransactions },
  callbacks: { title: 'Callbacks', render: renderCallbacks },
  audit: { title: 'Audit log', render: renderAudit },
  users: { title: 'Staff', render: renderUsers },
  account: { title: 'My account', render: renderAccount },
};

// Sections kept in modules of their own (sections/*.js, listed in sections/index.js) join the menu
// before "My account", for the roles each names.
for (const section of Object.values(extraSections)) {
  const { key, title, roles, render } = section;
  SECTIONS[key] = { title, render };
  for (const role of roles) {
    const list = PERMISSIONS[role]?.sections;
    if (list && !list.includes(key)) list.splice(list.indexOf('account'), 0, key);
  }
}

export const state = {
  session: null,
  /** Grows on every section change, so answers that arrive for a section no longer shown are dropped. */
  view: 0,
  pollTimer: null,
};

// ---------------------------------------------------------------------------------------------
// DOM helpers

/** Builds an element; strings and numbers among the children become text nodes. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = String(value);
    else if (key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'required' || key === 'selected')
      el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el`; like append, it skips null/false and flattens arrays. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (id) => document.getElementById(id);

export function formatTime(iso) {
  if (!iso) return '—';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(String(iso));
  return match ? `${match[1]} ${match[2]} UTC` : String(iso);
}

export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function modeBadge(mode) {
  return h(
    'span',
    { class: `badge badge-${mode === 'seamless' ? 'seamless' : 'transfer'}`, 'data-testid': 'mode' },
    mode,
  );
}

export function enabledBadge(enabled) {
  return enabled ? badge('enabled', 'on') : badge('disabled', 'off');
}

/** A table with a header row; `rows` are arrays of cells (nodes, strings or {node, class}). */
export function table(headers, rows, emptyText) {
  if (!rows.length) return h('div', { class: 'table-wrap' }, h('div', { class: 'empty' }, emptyText));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((title) => h('th', { scope: 'col' }, title)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

export function cell(content, cls) {
  return h('td', { class: cls }, content);
}

export function sectionHead(title, description, ...tools) {
  return h(
    'div',
    { class: 'section-head' },
    h('div', {}, h('h1', {}, title), description ? h('p', { class: 'muted' }, description) : null),
    h('div', { class: 'toolbar' }, tools),
  );
}

export function field(label, input, cls) {
  return h('label', { class: cls }, label, input);
}

export function valueOf(form, name) {
  const input = form.elements.namedItem(name);
  return input ? input.value.trim() : '';
}

/** datetime-local values are read as UTC, like every time the page shows. */
export function utcFromLocalInput(value) {
  if (!value) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

// ---------------------------------------------------------------------------------------------
// Admin API

class ApiError extends Error {
  constructor(status, code, message, retryAfterS = null) {
    super(message);
    this.status = status;
    this.code = code;
    /** With HTTP 429 (too many failed sign-ins): seconds until the lock ends. */
    this.retryAfterS = retryAfterS;
  }
}

export async function api(path, body = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (state.session && path !== 'login') headers.authorization = `Bearer ${state.session.token}`;
  let response;
  try {
    response = await fetch(`/admin/v1/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 1, 'The server could not be reached. Check the connection and try again.');
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    /* not JSON */
  }
  if (response.ok && data && data.code === 0) return data;
  const message =
    data && typeof data.message === 'string' ? data.message : `the server answered HTTP ${response.status}`;
  if (response.status === 401 && path !== 'login') {
    endSession('Your session has expired or was revoked. Sign in again.');
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    data && typeof data.code === 'number' ? data.code : 1,
    message,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}

/** Keeps what the server answers on login and password change (a fresh token each time). */
export function saveSession(answer, username) {
  state.session = {
    token: answer.token,
    role: answer.role,
    username,
    totp: Boolean(answer.totp),
    totpSetupRequired: Boolean(answer.totpSetupRequired),
    expiresAt: Date.now() + (Number(answer.expiresIn) || 8 * 3600) * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
}

// ---------------------------------------------------------------------------------------------
// Notices

/** Shows a notice at the top of the current section; errors stay until dismissed. */
export function notify(slot, kind, title, message, options = {}) {
  if (!slot) return null;
  const alert = h(
    'div',
    {
      class: `alert alert-${kind}${options.refusal ? ' alert-refusal' : ''}`,
      role: kind === 'error' ? 'alert' : 'status',
      'data-testid': options.testId ?? `notice-${kind}`,
    },
    h('div', { class: 'alert-body' }, title ? h('strong', { class: 'alert-title' }, title) : null, message),
    h('button', { class: 'close', type: 'button', 'aria-label': 'Dismiss', onclick: () => alert.remove() }, '×'),
  );
  if (options.replace !== false) slot.replaceChildren(alert);
  else slot.append(alert);
  if (kind === 'success' || kind === 'info') {
    setTimeout(() => alert.remove(), 8000);
  }
  alert.scrollIntoView?.({ block: 'nearest' });
  return alert;
}

/** Renders an admin API error with what the staff member needs to know. */
export function notifyError(slot, error, doing) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    return notify(slot, 'error', `Could not ${doing}`, 'Unexpected error in the page; see the browser console.');
  }
  if (error.status === 401) return null; // the sign-in screen already says so
  if (error.status === 403) {
    return notify(
      slot,
      'error',
      'Not allowed',
      `Your role (${state.session?.role ?? 'unknown'}) may not ${doing}. The server said: ${error.message}`,
      {
        testId: 'notice-forbidden',
      },
    );
  }
  if (error.status === 409 && error.code === 12) {
    return notify(slot, 'error', 'Mode switch refused', error.message, { refusal: true, testId: 'refusal' });
  }
  return notify(slot, 'error', `Could not ${doing}`, error.message);
}

// ---------------------------------------------------------------------------------------------
// Modal dialog

/**
 * Opens the shared dialog. `onConfirm(form, showError)` returns true to close it; throwing shows the
 * message inside the dialog.
 */
export function openModal({ title, description, fields = [], confirmLabel, danger = false, onConfirm }) {
  const dialog = $('modal');
  const errorSlot = h('div');
  const confirm = h(
    'button',
    { class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, type: 'submit', 'data-testid': 'modal-confirm' },
    confirmLabel,
  );
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', {}, title),
    description ? h('p', { class: 'muted' }, description) : null,
    errorSlot,
    fields,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn', type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      confirm,
    ),
  );
  const showError = (message) => {
    errorSlot.replaceChildren(
      h('div', { class: 'alert alert-error', role: 'alert' }, h('div', { class: 'alert-body' }, message)),
    );
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    try {
      if (await onConfirm(form, showError)) dialog.close();
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    } finally {
      confirm.disabled = false;
    }
  });
  dialog.replaceChildren(form);
  dialog.showModal();
  const first = form.querySelector('input, select');
  (first ?? confirm).focus();
}

// ---------------------------------------------------------------------------------------------
// One-time secrets

export function showSecrets(slot, title, entries) {
  const panel = h(
    'section',
    { class: 'secrets', 'data-testid': 'secrets', 'aria-live': 'polite' },
    h('h2', {}, title),
    h(
      'p',
      {},
      'Copy these now and hand them over securely: they are shown only this once and cannot be read back later.',
    ),
    entries.map(([label, value]) => {
      const code = h('code', { 'data-secret': label }, value);
      const copy = h(
        'button',
        {
          class: 'btn btn-sm',
          type: 'button',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(value);
              copy.textContent = 'Copied';
            } catch {
              const range = document.createRange();
              range.selectNodeContents(code);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              copy.textContent = 'Selected: press Ctrl+C';
            }
          },
        },
        'Copy',
      );
      return h('div', { class: 'secret-row' }, h('strong', {}, label), code, copy);
    }),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        { class: 'btn btn-primary', type: 'button', onclick: () => panel.remove() },
        'I have stored them · dismiss',
      ),
    ),
  );
  slot.replaceChildren(panel);
  panel.scrollIntoView?.({ block: 'nearest' });
}

// ---------------------------------------------------------------------------------------------
// Session and navigation

export function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (!saved || typeof saved.token !== 'string' || !ROLES.includes(saved.role)) return null;
    if (typeof saved.expiresAt === 'number' && saved.expiresAt <= Date.now()) return null;
    return saved;
  } catch {
    return null;
  }
}

export function can(what) {
  const permissions = PERMISSIONS[state.session?.role];
  return Boolean(permissions && permissions[what]);
}

export function allowedSections() {
  // An admin who must set up a second factor first (ADMIN_REQUIRE_TOTP) can reach nothing else.
  if (state.session?.totpSetupRequired) return ['account'];
  return PERMISSIONS[state.session?.role]?.sections ?? [];
}

export function showLogin(message, kind = 'error') {
  stopPolling();
  $('app-view').hidden = true;
  $('content').replaceChildren();
  $('login-view').hidden = false;
  const error = $('login-error');
  error.hidden = !message;
  error.className = `alert alert-${kind}`;
  error.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  error.textContent = message ?? '';
  document.title = 'Sign in · Back office';
  $('login-username').focus();
}

export function endSession(message, kind = 'error') {
  state.session = null;
  state.view++;
  sessionStorage.removeItem(SESSION_KEY);
  $('modal').close?.();
  showLogin(message, kind);
}

export function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('session-user').textContent = state.session.username;
  const role = $('session-role');
  role.textContent = state.session.role;
  role.className = 'badge badge-role';
  role.title = `Signed in as ${state.session.role}`;
  const nav = $('side-nav');
  nav.replaceChildren(
    ...allowedSections().map((key) => h('a', { href: `#/${key}`, 'data-section': key }, SECTIONS[key].title)),
  );
  route();
}

export function currentSection() {
  const key = location.hash.replace(/^#\/?/, '');
  const allowed = allowedSections();
  return allowed.includes(key) ? key : allowed[0];
}

export function route() {
  if (!state.session) return;
  stopPolling();
  const key = currentSection();
  if (location.hash !== `#/${key}`) {
    history.replaceState(null, '', `#/${key}`);
  }
  for (const link of $('side-nav').querySelectorAll('a')) {
    if (link.dataset.section === key) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = ++state.view;
  const content = $('content');
  content.replaceChildren();
  content.dataset.section = key;
  document.title = `${SECTIONS[key].title} · Back office`;
  SECTIONS[key].render(content, () => view === state.view);
}

export function stopPolling() {
  if (state.pollTimer) clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

export async function signIn(event) {
  event.preventDefault();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  const otp = $('login-otp').value.replace(/\s+/g, '');
  const error = $('login-error');
  error.className = 'alert alert-error';
  error.setAttribute('role', 'alert');
  if (!username || !password) {
    error.textContent = 'Enter your username and password.';
    error.hidden = false;
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  button.textContent = 'Signing in…';
  try {
    const answer = await api('login', otp ? { username, password, otp } : { username, password });
    saveSession(answer, username);
    $('login-password').value = '';
    $('login-otp').value = '';
    error.hidden = true;
    showApp();
  } catch (failure) {
    error.textContent = signInProblem(failure);
    error.hidden = false;
    if (failure.status === 401 && /one-time code/.test(failure.message)) {
      $('login-otp').value = '';
      $('login-otp').focus();
    } else {
      $('login-password').select();
    }
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

export function signInProblem(failure) {
  if (failure.status === 429) {
    const minutes = failure.retryAfterS ? Math.ceil(failure.retryAfterS / 60) : 15;
    return `Too many failed sign-ins: signing in is locked for about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (failure.status === 401 && /one-time code/.test(failure.message)) {
    return 'Enter the 6-digit code from your authenticator app (or the next one if it was just used).';
  }
  return failure.status === 401 ? 'Wrong username or password.' : `Sign-in failed: ${failure.message}`;
}

export async function signOut() {
  try {
    // Revokes the token on the server too, not just in this tab.
    if (state.session) await api('logout');
  } catch {
    /* already revoked or unreachable: the page forgets it anyway */
  }
  endSession('You have signed out.', 'info');
}

// ---------------------------------------------------------------------------------------------
// Operators

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderOperators(root, live) {
  const notices = h('div');
  const secrets = h('div');
  const list = h('div', {}, h('div', { class: 'empty' }, 'Loading operators…'));
  const createCard = can('manage') ? operatorCreateCard(notices, secrets, () => load()) : null;
  if (createCard) createCard.hidden = true;
  const newButton = can('manage')
    ? h(
        'button',
        {
          class: 'btn btn-primary',
          type: 'button',
          onclick: () => {
            createCard.hidden = !createCard.hidden;
            if (!createCard.hidden) createCard.querySelector('input')?.focus();
          },
        },
        'New operator',
      )
    : null;

  append(root, [
    sectionHead(
      'Operators',
      'Transfer mode: we keep the players\u2019 wallets. Seamless mode: every balance read, bet and win is a callback to the operator\u2019s wallet. Setting a callback URL switches to seamless; clearing it switches back.',
      newButton,
      h('button', { class: 'btn', type: 'button', onclick: () => load() }, 'Refresh'),
    ),
    can('manage')
      ? null
      : h(
          'div',
          { class: 'alert alert-info' },
          h(
            'div',
            { class: 'alert-body' },
            `Read only: your role (${state.session.role}) may view operators but not change them.`,
          ),
        ),
    notices,
    secrets,
    createCard,
    list,
  ]);

  async function load() {
    try {
      const { operators } = await api('operators/list');
      if (!live()) return;
      list.replaceChildren(operatorTable(operators));
    } catch (error) {
      if (!live()) return;
      list.replaceChildren();
      notifyError(notices, error, 'list operators');
    }
  }

  function operatorTable(operators) {
    const manage = can('manage');
    const rows = operators.map((op) =>
      h(
        'tr',
        { 'data-agent-id': op.agentID },
        cell(h('span', { class: 'mono' }, op.agentID)),
        cell(op.name, 'wrap'),
        cell(op.currencies.join(', '), 'wrap'),
        cell(
          [
            modeBadge(op.mode),
            op.callbackUrl ? h('span', { class: 'sub mono', title: 'Callback URL' }, op.callbackUrl) : null,
            op.mode === 'seamless' ? h('span', { class: 'sub' }, `scheme ${op.callbackScheme}`) : null,
          ],
          'wrap',
        ),
        cell(enabledBadge(op.enabled)),
        cell(securitySummary(op), 'wrap'),
        manage
          ? cell(
              h(
                'div',
                { class: 'actions' },
                op.mode === 'transfer'
                  ? h(
                      'button',
                      { class: 'btn btn-sm', type: 'button', onclick: () => switchToSeamless(op) },
                      'Switch to seamless…',
                    )
                  : h(
                      'button',
                      { class: 'btn btn-sm', type: 'button', onclick: () => switchToTransfer(op) },
                      'Switch to transfer…',
                    ),
                h('button', { class: 'btn btn-sm', type: 'button', onclick: () => rotate(op) }, 'Rotate secret…'),
                h(
                  'button',
                  {
                    class: 'btn btn-sm',
                    type: 'button',
                    onclick: () =>
                      editAllowList(notices, 'operators/update', { agentID: op.agentID }, op.allowedIps, load),
                  },
                  'IP allow-list…',
                ),
                op.enabled
                  ? h(
                      'button',
                      { class: 'btn btn-sm btn-danger', type: 'button', onclick: () => setEnabled(op, false) },
                      'Disable',
                    )
                  : h('button', { class: 'btn btn-sm', type: 'button', onclick: () => setEnabled(op, true) }, 'Enable'),
              ),
            )
          : null,
      ),
    );
    const headers = ['Agent ID', 'Name', 'Currencies', 'Mode', 'Status', 'Security'];
    if (manage) headers.push('Actions');
    return table(headers, rows, 'No operators yet.');
  }

  /** Sends a mode switch; a refusal (409) closes the dialog and is shown prominently above the list. */
  async function sendSwitch(op, body, showError) {
    try {
      const { operator } = await api('operators/update', { agentID: op.agentID, ...body });
      notify(notices, 'success', 'Mode switched', `${operator.agentID} is now in ${operator.mode} mode.`);
      load();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        showError(error.message);
        return false;
      }
      notifyError(notices, error, `switch ${op.agentID}`);
      load();
      return true;
    }
  }

  function switchToSeamless(op) {
    openModal({
      title: `Switch ${op.agentID} to seamless mode`,
      description:
        'We will stop keeping wallets for this operator and call its wallet instead. The switch is refused while any of its transfer wallets holds money or a round is open.',
      fields: [
        field(
          'Callback URL',
          h('input', {
            name: 'callbackUrl',
            type: 'url',
            required: true,
            placeholder: 'https://wallet.operator.example/callbacks',
            maxlength: 512,
          }),
        ),
        field(
          'Callback scheme',
          h(
            'select',
            { name: 'callbackScheme' },
            h('option', { value: 'hmac', selected: op.callbackScheme === 'hmac' }, 'hmac (HMAC-SHA-256 signed JSON)'),
            h('option', { value: 'md5', selected: op.callbackScheme === 'md5' }, 'md5 (salted md5 key, minor units)'),
          ),
        ),
      ],
      confirmLabel: 'Switch to seamless',
      onConfirm: async (form, showError) => {
        const callbackUrl = valueOf(form, 'callbackUrl');
        if (!/^https?:\/\/\S+$/.test(callbackUrl)) {
          showError('Enter the http(s) URL of the operator\u2019s wallet.');
          return false;
        }
        return sendSwitch(op, { callbackUrl, callbackScheme: valueOf(form, 'callbackScheme') }, showError);
      },
    });
  }

  function switchToTransfer(op) {
    openModal({
      title: `Switch ${op.agentID} to transfer mode`,
      description: `This clears the callback URL (${op.callbackUrl ?? ''}); we will keep the players\u2019 wallets again, starting from zero. The switch is refused while deliveries to the operator are still owed.`,
      confirmLabel: 'Clear URL and switch to transfer',
      danger: true,
      onConfirm: (_form, showError) => sendSwitch(op, { callbackUrl: null }, showError),
    });
  }

  function rotate(op) {
    rotateSecret({
      notices,
      secrets,
      reload: load,
      path: 'operators/rotate-secret',
      target: { agentID: op.agentID },
      title: `Rotate the secrets of ${op.agentID}`,
      description:
        'New secretKey and saltKey are issued at once, and our callbacks use them at once. The old secretKey is still accepted on the operator\u2019s requests during the overlap (0: it stops at once).',
      shown: (rotated) => [
        ['secretKey', rotated.secretKey],
        ['saltKey', rotated.saltKey],
      ],
    });
  }

  async function setEnabled(op, enabled) {
    try {
      await api('operators/update', { agentID: op.agentID, enabled });
      notify(notices, 'success', null, `${op.agentID} ${enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      notifyError(notices, error, `${enabled ? 'enable' : 'disable'} ${op.agentID}`);
    }
    load();
  }

  load();
}

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function operatorCreateCard(notices, secrets, reload) {
  const error = h('div');
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'operator-create' },
    h('h2', {}, 'New operator'),
    error,
    h(
      'div',
      { class: 'form-grid' },
      field(
        'Agent ID',
        h('input', {
          name: 'agentID',
          required: true,
          maxlength: 64,
          placeholder: 'casino-royale',
          autocomplete: 'off',
        }),
      ),
      field('Name', h('input', { name: 'name', required: true, maxlength: 128, placeholder: 'Casino Royale Ltd' })),
      field('Currencies', h('input', { name: 'currencies', required: true, placeholder: 'EUR, USD' })),
      field(
        'Callback URL (empty: transfer mode)',
        h('input', { name: 'callbackUrl', type: 'url', maxlength: 512, placeholder: 'https://…' }),
        'wide',
      ),
      field(
        'Callback scheme',
        h(
          'select',
          { name: 'callbackScheme' },
          h('option', { value: 'hmac' }, 'hmac'),
          h('option', { value: 'md5' }, 'md5'),
        ),
      ),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, 'Create operator'),
      h(
        'button',
        {
          class: 'btn',
          type: 'button',
          onclick: () => {
            form.reset();
            card.hidden = true;
          },
        },
        'Cancel',
      ),
    ),
  );
  const card = h('div', { class: 'card' }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.replaceChildren();
    const currencies = valueOf(form, 'currencies')
      .toUpperCase()
      .split(/[\s,]+/)
      .filter(Boolean);
    const callbackUrl = valueOf(form, 'callbackUrl');
    const body = {
      agentID: valueOf(form, 'agentID'),
      name: valueOf(form, 'name'),
      currencies,
      callbackScheme: valueOf(form, 'callbackScheme'),
    };
    if (callbackUrl) body.callbackUrl = callbackUrl;
    try {
      const created = await api('operators/create', body);
      form.reset();
      card.hidden = true;
      showSecrets(secrets, `Operator ${created.agentID} created`, [
        ['agentID', created.agentID],
        ['secretKey', created.secretKey],
        ['saltKey', created.saltKey],
      ]);
      reload();
    } catch (failure) {
      notifyError(
        failure instanceof ApiError && failure.status === 400 ? error : notices,
        failure,
        'create the operator',
      );
    }
  });
  return card;
}

// ---------------------------------------------------------------------------------------------
// Security of operators and providers (PROTOCOL §10): allow-list and rotation overlap

export function securitySummary(caller) {
  return [
    h(
      'span',
      { class: 'sub', 'data-testid': 'allowed-ips' },
      caller.allowedIps.length ? `IPs: ${caller.allowedIps.join(', ')}` : 'any address',
    ),
    caller.previousSecretExpiresAt
      ? h(
          'span',
          { class: 'sub', 'data-testid': 'previous-secret' },
          `previous secret accepted until ${caller.previousSecretExpiresAt.replace('T', ' ').slice(0, 19)} UTC`,
        )
      : null,
  ];
}

export function rotateSecret({ notices, secrets, reload, path, target, title, description, shown }) {
  openModal({
    title,
    description,
    fields: [
      field(
        'Overlap (seconds; 0 for none)',
        h('input', { name: 'overlapSeconds', type: 'number', min: 0, step: 1, value: 3600, required: true }),
      ),
    ],
    confirmLabel: 'Rotate',
    danger: true,
    onConfirm: async (form, showError) => {
      const overlapSeconds = Number(valueOf(form, 'overlapSeconds'));
      if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0) {
        showError('The overlap is a whole number of seconds, 0 or more.');
        return false;
      }
      try {
        const rotated = await api(path, { ...target, overlapSeconds });
        const until = rotated.previousSecretExpiresAt
          ? ` The previous secret works until ${rotated.previousSecretExpiresAt}.`
          : '';
        showSecrets(secrets, `New secrets for ${Object.values(target)[0]}.${until}`, shown(rotated));
      } catch (error) {
        notifyError(notices, error, 'rotate the secret');
      }
      reload();
      return true;
    },
  });
}

export function editAllowList(notices, path, target, current, reload) {
  openModal({
    title: `IP allow-list of ${Object.values(target)[0]}`,
    description:
      'IPv4 and IPv6 addresses or CIDRs, one per line or separated by commas. Requests from any other address get code 5. Empty: every address.',
    fields: [
      field(
        'Allowed addresses',
        h(
          'textarea',
          { name: 'allowedIps', rows: 4, placeholder: '203.0.113.0/24\n2001:db8::/32' },
          current.join('\n'),
        ),
      ),
    ],
    confirmLabel: 'Save allow-list',
    onConfirm: async (form, showError) => {
      const allowedIps = valueOf(form, 'allowedIps')
        .split(/[\s,]+/)
        .filter(Boolean);
      try {
        await api(path, { ...target, allowedIps });
      } catch (error) {
        if (error instanceof ApiError && error.status === 400) {
          showError(error.message);
          return false;
        }
        notifyError(notices, error, 'save the allow-list');
      }
      reload();
      return true;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Providers

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderProviders(root, live) {
  const notices = h('div');
  const secrets = h('div');
  const list = h('div', {}, h('div', { class: 'empty' }, 'Loading providers…'));
  const manage = can('manage');
  let createCard = null;
  if (manage) {
    const error = h('div');
    const form = h(
      'form',
      { novalidate: true },
      h('h2', {}, 'New provider'),
      error,
      h(
        'div',
        { class: 'form-grid' },
        field(
          'Provider ID',
          h('input', {
            name: 'providerID',
            required: true,
            maxlength: 64,
            placeholder: 'studio-one',
            autocomplete: 'off',
          }),
        ),
        field('Name', h('input', { name: 'name', required: true, maxlength: 128, placeholder: 'Studio One' })),
        field(
          'Launch URL template',
          h('input', {
            name: 'launchUrl',
            type: 'url',
            maxlength: 1024,
            placeholder: 'https://studio.example/play?token={token}&game={gameID}&lang={language}&lobby={lobbyUrl}',
          }),
          'wide',
        ),
      ),
      h('p', { class: 'muted small' }, 'Placeholders: {token}, {gameID}, {language}, {lobbyUrl}.'),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { class: 'btn btn-primary', type: 'submit' }, 'Create provider'),
        h(
          'button',
          {
            class: 'btn',
            type: 'button',
            onclick: () => {
              form.reset();
              createCard.hidden = true;
            },
          },
          'Cancel',
        ),
      ),
    );
    createCard = h('div', { class: 'card', hidden: true }, form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.replaceChildren();
      const body = { providerID: valueOf(form, 'providerID'), name: valueOf(form, 'name') };
      const launchUrl = valueOf(form, 'launchUrl');
      if (launchUrl) body.launchUrl = launchUrl;
      try {
        const created = await api('providers/create', body);
        form.reset();
        createCard.hidden = true;
        showSecrets(secrets, `Provider ${created.providerID} created`, [
          ['providerID', created.providerID],
          ['secretKey', created.secretKey],
        ]);
        load();
      } catch (failure) {
        notifyError(
          failure instanceof ApiError && failure.status === 400 ? error : notices,
          failure,
          'create the provider',
        );
      }
    });
  }

  append(root, [
    sectionHead(
      'Providers',
      'Game studios that call the provider API with their own secret.',
      manage
        ? h(
            'button',
            {
              class: 'btn btn-primary',
              type: 'button',
              onclick: () => {
                createCard.hidden = !createCard.hidden;
              },
            },
            'New provider',
          )
        : null,
      h('button', { class: 'btn', type: 'button', onclick: () => load() }, 'Refresh'),
    ),
    notices,
    secrets,
    createCard,
    list,
  ]);

  async function load() {
    try {
      const { providers } = await api('providers/list');
      if (!live()) return;
      const rows = providers.map((p) =>
        h(
          'tr',
          { 'data-provider-id': p.providerID },
          cell(h('span', { class: 'mono' }, p.providerID)),
          cell(p.name, 'wrap'),
          cell(
            p.launchUrl ? h('span', { class: 'mono small' }, p.launchUrl) : h('span', { class: 'muted' }, 'none'),
            'wrap',
          ),
          cell(enabledBadge(p.enabled)),
          cell(securitySummary(p), 'wrap'),
          manage
            ? cell(
                h(
                  'div',
                  { class: 'actions' },
                  h('button', { class: 'btn btn-sm', type: 'button', onclick: () => rotate(p) }, 'Rotate secret…'),
                  h(
                    'button',
                    {
                      class: 'btn btn-sm',
                      type: 'button',
                      onclick: () =>
                        editAllowList(notices, 'providers/update', { providerID: p.providerID }, p.allowedIps, load),
                    },
                    'IP allow-list…',
                  ),
                  p.enabled
                    ? h(
                        'button',
                        { class: 'btn btn-sm btn-danger', type: 'button', onclick: () => setEnabled(p, false) },
                        'Disable',
                      )
                    : h(
                        'button',
                        { class: 'btn btn-sm', type: 'button', onclick: () => setEnabled(p, true) },
                        'Enable',
                      ),
                ),
              )
            : null,
        ),
      );
      const headers = ['Provider ID', 'Name', 'Launch URL template', 'Status', 'Security'];
      if (manage) headers.push('Actions');
      list.replaceChildren(table(headers, rows, 'No providers yet.'));
    } catch (error) {
      if (!live()) return;
      list.replaceChildren();
      notifyError(notices, error, 'list providers');
    }
  }

  function rotate(p) {
    rotateSecret({
      notices,
      secrets,
      reload: load,
      path: 'providers/rotate-secret',
      target: { providerID: p.providerID },
      title: `Rotate the secret of ${p.providerID}`,
      description:
        'A new secretKey is issued at once. The old one is still accepted on the studio\u2019s requests during the overlap (0: it stops at once).',
      shown: (rotated) => [['secretKey', rotated.secretKey]],
    });
  }

  async function setEnabled(p, enabled) {
    try {
      await api('providers/update', { providerID: p.providerID, enabled });
      notify(notices, 'success', null, `${p.providerID} ${enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      notifyError(notices, error, `${enabled ? 'enable' : 'disable'} ${p.providerID}`);
    }
    load();
  }

  load();
}

// ---------------------------------------------------------------------------------------------
// Games

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderGames(root, live) {
  const notices = h('div');
  const gamesTable = h('table', { class: 'table' }, h('tbody', {}, h('tr', {}, h('td', {}, 'Loading…'))));
  const manage = can('manage');
  const providerSelect = h('select', { name: 'providerID', required: true }, h('option', { value: '' }, 'Loading…'));
  const form = h(
    'form',
    { novalidate: true },
    h('h2', {}, 'Create or update a game'),
    h(
      'fieldset',
      { disabled: !manage, class: 'plain' },
      h(
        'div',
        { class: 'form-grid' },
        field(
          'Game ID',
          h('input', { name: 'gameID', type: 'number', min: 1, step: 1, required: true, placeholder: '1001' }),
        ),
        field('Provider', providerSelect),
        field('Name', h('input', { name: 'name', required: true, maxlength: 128, placeholder: 'Book of Tests' })),
        field('Type', h('input', { name: 'type', required: true, value: 'slot', pattern: '[a-z0-9_-]{1,32}' })),
        field(
          'RTP (%)',
          h('input', {
            name: 'rtp',
            type: 'number',
            min: 0,
            max: 100,
            step: 0.01,
            required: true,
            placeholder: '96.50',
          }),
        ),
      ),
      h(
        'div',
        { class: 'checks spaced' },
        h('label', {}, h('input', { type: 'checkbox', name: 'freeSpins' }), 'Free spins'),
        h('label', {}, h('input', { type: 'checkbox', name: 'demo' }), 'Demo play'),
        h('label', {}, h('input', { type: 'checkbox', name: 'enabled', checked: true }), 'Enabled'),
      ),
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Save game')),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const gameID = Number(valueOf(form, 'gameID'));
    const rtp = Number(valueOf(form, 'rtp'));
    const game = {
      gameID,
      providerID: valueOf(form, 'providerID'),
      name: valueOf(form, 'name'),
      type: valueOf(form, 'type'),
      rtp,
      freeSpins: form.elements.namedItem('freeSpins').checked,
      demo: form.elements.namedItem('demo').checked,
      enabled: form.elements.namedItem('enabled').checked,
    };
    if (!Number.isInteger(gameID) || gameID <= 0)
      return notify(notices, 'error', 'Check the form', 'Game ID must be a positive whole number.');
    if (!game.providerID) return notify(notices, 'error', 'Check the form', 'Choose the provider of the game.');
    if (!Number.isFinite(rtp) || valueOf(form, 'rtp') === '')
      return notify(notices, 'error', 'Check the form', 'RTP must be a number from 0 to 100.');
    try {
      await api('games/upsert', { games: [game] });
      notify(notices, 'success', 'Game saved', `Game ${gameID} (${game.name}) was created or updated.`);
      loadGames();
    } catch (error) {
      notifyError(notices, error, 'save the game');
    }
  });

  append(root, [
    sectionHead('Games', 'The game catalogue; saving an existing game ID updates that game.'),
    manage
      ? null
      : h(
          'div',
          { class: 'alert alert-info' },
          h(
            'div',
            { class: 'alert-body' },
            `Your role (${state.session.role}) may not change games, so the form is read only.`,
          ),
        ),
    notices,
    h('div', { class: 'card' }, form),
    h('div', { class: 'card' }, h('h2', {}, 'Catalogue'), gamesTable),
  ]);

  const loadGames = async () => {
    try {
      const { games } = await api('games/list');
      if (!live()) return;
      fill(
        gamesTable,
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Game ID', 'Provider', 'Name', 'Type', 'RTP', 'Free spins', 'Demo', 'Enabled'].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          games.length
            ? games.map((g) =>
                h(
                  'tr',
                  { 'data-game-id': String(g.gameID) },
                  [
                    String(g.gameID),
                    g.providerID,
                    g.name,
                    g.type,
                    `${g.rtp}%`,
                    g.freeSpins ? 'yes' : 'no',
                    g.demo ? 'yes' : 'no',
                    g.enabled ? 'yes' : 'no',
                  ].map((v) => h('td', {}, v)),
                ),
              )
            : h('tr', {}, h('td', { colspan: 8 }, 'No games yet')),
        ),
      );
    } catch (error) {
      if (live()) notifyError(notices, error, 'list games');
    }
  };
  loadGames();

  (async () => {
    try {
      const { providers } = await api('providers/list');
      if (!live()) return;
      fill(
        providerSelect,
        h('option', { value: '' }, providers.length ? 'Choose a provider' : 'No providers yet'),
        providers.map((p) => h('option', { value: p.providerID }, `${p.providerID} · ${p.name}`)),
      );
    } catch (error) {
      if (!live()) return;
      providerSelect.replaceChildren(h('option', { value: '' }, 'Could not load providers'));
      notifyError(notices, error, 'list providers');
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// Transactions

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderTransactions(root, live) {
  const notices = h('div');
  const results = h('div');
  const pager = h('div', { class: 'pager' });
  let filters = null;
  let cursor;
  let page = 1;

  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'transaction-search' },
    h(
      'div',
      { class: 'form-grid' },
      field('Agent ID', h('input', { name: 'agentID', maxlength: 64, autocomplete: 'off' })),
      field('Provider ID', h('input', { name: 'providerID', maxlength: 64, autocomplete: 'off' })),
      field('User ID', h('input', { name: 'userID', maxlength: 48, autocomplete: 'off' })),
      field('Round ID', h('input', { name: 'roundID', maxlength: 64, autocomplete: 'off' })),
      field('Transaction ID', h('input', { name: 'transactionID', maxlength: 64, autocomplete: 'off' })),
      field('From (UTC)', h('input', { name: 'from', type: 'datetime-local', step: 1 })),
      field('To (UTC)', h('input', { name: 'to', type: 'datetime-local', step: 1 })),
      field(
        'Per page',
        h(
          'select',
          { name: 'limit' },
          [25, 50, 100, 250].map((n) => h('option', { value: n, selected: n === 50 }, String(n))),
        ),
      ),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, 'Search'),
      h(
        'button',
        {
          class: 'btn',
          type: 'button',
          onclick: () => {
            form.reset();
            search();
          },
        },
        'Clear',
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });

  append(root, [
    sectionHead('Transactions', 'Every money movement across operators and providers, oldest first.'),
    h('div', { class: 'card' }, form),
    notices,
    results,
    pager,
  ]);

  function search() {
    filters = { limit: Number(valueOf(form, 'limit')) || 50 };
    for (const name of ['agentID', 'providerID', 'userID', 'roundID', 'transactionID']) {
      const value = valueOf(form, name);
      if (value) filters[name] = value;
    }
    const from = utcFromLocalInput(valueOf(form, 'from'));
    const to = utcFromLocalInput(valueOf(form, 'to'));
    if (from) filters.from = from;
    if (to) filters.to = to;
    cursor = undefined;
    page = 1;
    load();
  }

  // eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
  async function load() {
    notices.replaceChildren();
    try {
      const answer = await api('transactions/search', cursor ? { ...filters, cursor } : filters);
      if (!live()) return;
      const rows = answer.transactions.map((t) =>
        h(
          'tr',
          { 'data-transaction-id': t.transactionID },
          cell(formatTime(t.createdAt), 'nowrap'),
          cell(h('span', { class: 'mono' }, t.agentID ?? '')),
          cell(
            badge(t.type, t.type === 'bet' || t.type === 'withdraw' ? 'pending' : t.type === 'rollback' ? 'off' : 'on'),
          ),
          cell(h('span', { class: 'mono' }, t.userID)),
          cell(String(t.amount), 'num'),
          cell(t.balanceAfter === null || t.balanceAfter === undefined ? '—' : String(t.balanceAfter), 'num'),
          cell(t.currency),
          cell(
            [
              h('span', { class: 'mono' }, t.transactionID),
              h('span', { class: 'sub mono', title: 'platformTransactionID' }, t.platformTransactionID),
            ],
            'wrap',
          ),
          cell(t.roundID ? h('span', { class: 'mono' }, t.roundID) : '—', 'wrap'),
          cell(t.gameID ?? '—'),
          cell(t.providerID ?? '—'),
        ),
      );
      fill(
        results,
        h(
          'p',
          { class: 'muted small' },
          `Page ${page} · ${answer.transactions.length} transaction${answer.transactions.length === 1 ? '' : 's'}`,
        ),
        table(
          [
            'Time',
            'Agent',
            'Type',
            'User',
            'Amount',
            'Balance after',
            'Currency',
            'Transaction ID',
            'Round',
            'Game',
            'Provider',
          ],
          rows,
          'No transactions match these filters.',
        ),
      );
      fill(
        pager,
        page > 1
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = undefined;
                  page = 1;
                  load();
                },
              },
              'First page',
            )
          : null,
        answer.nextCursor
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = answer.nextCursor;
                  page++;
                  load();
                },
              },
              'Next page →',
            )
          : h('span', { class: 'muted small' }, 'End of results'),
      );
    } catch (error) {
      if (!live()) return;
      notifyError(notices, error, 'search transactions');
    }
  }

  search();
}

// ---------------------------------------------------------------------------------------------
// Callbacks

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderCallbacks(root, live) {
  const notices = h('div');
  const results = h('div');
  const pager = h('div', { class: 'pager' });
  let cursor;
  let page = 1;
  let filters = {};
  /** The callback a retry is waiting on; the list refreshes itself until it leaves pending. */
  let watching = null;

  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'callback-filters' },
    h(
      'div',
      { class: 'form-grid' },
      field(
        'Status',
        h(
          'select',
          { name: 'status' },
          h('option', { value: '' }, 'All'),
          h('option', { value: 'pending' }, 'Pending (still owed)'),
          h('option', { value: 'failed' }, 'Failed (parked)'),
          h('option', { value: 'delivered' }, 'Delivered'),
        ),
      ),
      field('Agent ID', h('input', { name: 'agentID', maxlength: 64, autocomplete: 'off' })),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, 'Apply filters'),
      h('button', { class: 'btn', type: 'button', onclick: () => load() }, 'Refresh'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });

  append(root, [
    sectionHead(
      'Callbacks',
      'Seamless-mode wallet deliveries to operators. Failed means parked after the last attempt: retry it once the operator\u2019s wallet is back.',
    ),
    h('div', { class: 'card' }, form),
    notices,
    results,
    pager,
  ]);

  function apply() {
    filters = {};
    const status = valueOf(form, 'status');
    const agentID = valueOf(form, 'agentID');
    if (status) filters.status = status;
    if (agentID) filters.agentID = agentID;
    cursor = undefined;
    page = 1;
    load();
  }

  // eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
  async function load() {
    stopPolling();
    try {
      const answer = await api('callbacks/list', cursor ? { ...filters, cursor } : filters);
      if (!live()) return;
      const retry = can('retry');
      const rows = answer.callbacks.map((c) => {
        const retryable = retry && c.kind !== 'withdraw' && c.status !== 'delivered';
        return h(
          'tr',
          { 'data-callback-id': c.id, 'data-status': c.status },
          cell(h('span', { class: 'mono' }, c.id)),
          cell(h('span', { class: 'mono' }, c.agentID)),
          cell(c.kind),
          cell(h('span', { class: 'mono small' }, c.transactionID), 'wrap'),
          cell(
            h(
              'span',
              { class: `badge badge-${c.status}`, 'data-testid': 'callback-status' },
              c.status === 'failed' ? 'failed (parked)' : c.status,
            ),
          ),
          cell(String(c.attempts), 'num'),
          cell(c.lastError ? h('span', { class: 'small' }, c.lastError) : '—', 'wrap'),
          cell(c.status === 'delivered' || c.status === 'failed' ? '—' : formatTime(c.nextAttemptAt), 'nowrap'),
          cell(formatTime(c.createdAt), 'nowrap'),
          retry
            ? cell(
                retryable
                  ? h(
                      'button',
                      { class: 'btn btn-sm', type: 'button', onclick: (event) => retryOne(c, event.currentTarget) },
                      'Retry',
                    )
                  : h(
                      'span',
                      { class: 'muted small', title: c.kind === 'withdraw' ? 'A Withdraw is never redelivered' : '' },
                      '—',
                    ),
              )
            : null,
        );
      });
      const headers = [
        'ID',
        'Agent',
        'Kind',
        'Transaction ID',
        'Status',
        'Attempts',
        'Last error',
        'Next attempt',
        'Created',
      ];
      if (retry) headers.push('');
      results.replaceChildren(table(headers, rows, 'No callback deliveries match these filters.'));
      fill(
        pager,
        page > 1
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = undefined;
                  page = 1;
                  load();
                },
              },
              'First page',
            )
          : null,
        answer.nextCursor
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = answer.nextCursor;
                  page++;
                  load();
                },
              },
              'Next page →',
            )
          : h('span', { class: 'muted small' }, 'End of list'),
      );
      if (watching) {
        const row = answer.callbacks.find((c) => c.id === watching.id);
        const stillOwed = row && (row.status === 'pending' || row.status === 'sending');
        if (stillOwed && Date.now() < watching.until) {
          state.pollTimer = setTimeout(() => live() && load(), 1000);
        } else {
          watching = null;
        }
      }
    } catch (error) {
      if (!live()) return;
      watching = null;
      notifyError(notices, error, 'list callbacks');
    }
  }

  async function retryOne(c, button) {
    button.disabled = true;
    try {
      const { callback } = await api('callbacks/retry', { id: c.id });
      notify(
        notices,
        'success',
        'Queued again',
        `Callback ${callback.id} (${callback.kind} for ${callback.agentID}) is queued for delivery now.`,
      );
      watching = { id: callback.id, until: Date.now() + 30_000 };
    } catch (error) {
      notifyError(notices, error, `retry callback ${c.id}`);
    }
    load();
  }

  apply();
}

// ---------------------------------------------------------------------------------------------
// Audit log

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderAudit(root, live) {
  const notices = h('div');
  const results = h('div');
  const pager = h('div', { class: 'pager' });
  let cursor;
  let page = 1;

  append(root, [
    sectionHead(
      'Audit log',
      'Every change made by staff, newest first. Secrets are never recorded.',
      h(
        'button',
        {
          class: 'btn',
          type: 'button',
          onclick: () => {
            cursor = undefined;
            page = 1;
            load();
          },
        },
        'Refresh',
      ),
    ),
    notices,
    results,
    pager,
  ]);

  function changeCell(entry) {
    if (entry.before === null && entry.after === null) return '—';
    return h(
      'details',
      {},
      h('summary', {}, entry.before === null ? 'created' : 'before → after'),
      entry.before === null
        ? null
        : h(
            'div',
            {},
            h('span', { class: 'sub' }, 'before'),
            h('pre', { class: 'json' }, JSON.stringify(entry.before, null, 2)),
          ),
      entry.after === null
        ? null
        : h(
            'div',
            {},
            h('span', { class: 'sub' }, 'after'),
            h('pre', { class: 'json' }, JSON.stringify(entry.after, null, 2)),
          ),
    );
  }

  async function load() {
    try {
      const answer = await api('audit/list', cursor ? { cursor, limit: 50 } : { limit: 50 });
      if (!live()) return;
      const rows = answer.entries.map((e) =>
        h(
          'tr',
          { 'data-audit-id': e.id },
          cell(formatTime(e.createdAt), 'nowrap'),
          cell(e.actor),
          cell(h('span', { class: 'mono' }, e.action)),
          cell([h('span', { class: 'muted' }, `${e.targetType} `), h('span', { class: 'mono' }, e.targetId)], 'wrap'),
          cell(changeCell(e)),
        ),
      );
      results.replaceChildren(table(['When', 'Who', 'Action', 'Target', 'Change'], rows, 'The audit log is empty.'));
      fill(
        pager,
        page > 1
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = undefined;
                  page = 1;
                  load();
                },
              },
              'Newest',
            )
          : null,
        answer.nextCursor
          ? h(
              'button',
              {
                class: 'btn',
                type: 'button',
                onclick: () => {
                  cursor = answer.nextCursor;
                  page++;
                  load();
                },
              },
              'Older entries →',
            )
          : h('span', { class: 'muted small' }, 'Beginning of the log'),
      );
    } catch (error) {
      if (!live()) return;
      notifyError(notices, error, 'read the audit log');
    }
  }

  load();
}

// ---------------------------------------------------------------------------------------------
// Staff accounts

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderUsers(root, live) {
  const notices = h('div');
  const list = h('div', {}, h('div', { class: 'empty' }, 'Loading staff…'));
  const manage = can('manage');
  let createCard = null;
  if (manage) {
    const error = h('div');
    const form = h(
      'form',
      { novalidate: true },
      h('h2', {}, 'New staff member'),
      error,
      h(
        'div',
        { class: 'form-grid' },
        field('Username', h('input', { name: 'username', required: true, maxlength: 64, autocomplete: 'off' })),
        field(
          'Password',
          h('input', {
            name: 'password',
            type: 'password',
            required: true,
            maxlength: 1024,
            autocomplete: 'new-password',
          }),
        ),
        field(
          'Role',
          h(
            'select',
            { name: 'role' },
            ROLES.map((role) => h('option', { value: role }, role)),
          ),
        ),
      ),
      h(
        'p',
        { class: 'muted small' },
        '12 or more characters, not a common or easily guessed password, not the username.',
      ),
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Create user')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.replaceChildren();
      try {
        await api('users/create', {
          username: valueOf(form, 'username'),
          password: form.elements.namedItem('password').value,
          role: valueOf(form, 'role'),
        });
        form.reset();
        createCard.hidden = true;
        notify(notices, 'success', 'User created', '');
        load();
      } catch (failure) {
        notifyError(
          failure instanceof ApiError && failure.status === 400 ? error : notices,
          failure,
          'create the user',
        );
      }
    });
    createCard = h('div', { class: 'card', hidden: true }, form);
  }

  append(root, [
    sectionHead(
      'Staff',
      'Back-office accounts. Disabling a user or changing its role signs it out everywhere at once.',
      manage
        ? h(
            'button',
            {
              class: 'btn btn-primary',
              type: 'button',
              onclick: () => {
                createCard.hidden = !createCard.hidden;
              },
            },
            'New user',
          )
        : null,
      h('button', { class: 'btn', type: 'button', onclick: () => load() }, 'Refresh'),
    ),
    notices,
    createCard,
    list,
  ]);

  async function update(body, doing) {
    try {
      await api('users/update', body);
      notify(notices, 'success', 'Saved', `${body.username}: ${doing}.`);
      load();
    } catch (error) {
      notifyError(notices, error, doing);
    }
  }

  async function load() {
    try {
      const { users } = await api('users/list');
      if (!live()) return;
      const rows = users.map((user) => {
        const roleCell = manage
          ? h(
              'select',
              {
                'aria-label': `Role of ${user.username}`,
                'data-testid': 'user-role',
                onchange: (event) =>
                  update({ username: user.username, role: event.target.value }, `role set to ${event.target.value}`),
              },
              ROLES.map((role) => h('option', { value: role, selected: role === user.role }, role)),
            )
          : user.role;
        const toggle = manage
          ? h(
              'button',
              {
                class: `btn btn-sm ${user.enabled ? 'btn-danger' : ''}`,
                type: 'button',
                onclick: () =>
                  update({ username: user.username, enabled: !user.enabled }, user.enabled ? 'disabled' : 'enabled'),
              },
              user.enabled ? 'Disable' : 'Enable',
            )
          : null;
        return h(
          'tr',
          { 'data-username': user.username },
          cell(h('span', { class: 'mono' }, user.username)),
          cell(roleCell),
          cell(enabledBadge(user.enabled)),
          cell(user.totp ? badge('TOTP on', 'on') : badge('no second factor', 'off')),
          cell(formatTime(user.createdAt), 'nowrap'),
          cell(toggle),
        );
      });
      list.replaceChildren(table(['Username', 'Role', 'Status', 'Second factor', 'Created', ''], rows, 'No staff.'));
    } catch (error) {
      if (!live()) return;
      list.replaceChildren();
      notifyError(notices, error, 'list staff');
    }
  }

  load();
}

// ---------------------------------------------------------------------------------------------
// My account: own password and the TOTP second factor

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function renderAccount(root, live) {
  const notices = h('div');
  const passwordError = h('div');
  const passwordForm = h(
    'form',
    { novalidate: true, id: 'password-form' },
    h('h2', {}, 'Change your password'),
    passwordError,
    h(
      'div',
      { class: 'form-grid' },
      field(
        'Current password',
        h('input', {
          name: 'currentPassword',
          type: 'password',
          required: true,
          maxlength: 1024,
          autocomplete: 'current-password',
        }),
      ),
      field(
        'New password',
        h('input', {
          name: 'newPassword',
          type: 'password',
          required: true,
          maxlength: 1024,
          autocomplete: 'new-password',
        }),
      ),
    ),
    h(
      'p',
      { class: 'muted small' },
      '12 or more characters, not a common or easily guessed password, not your username. Every other session of yours is signed out.',
    ),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Change password')),
  );
  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    passwordError.replaceChildren();
    try {
      const answer = await api('me/password', {
        currentPassword: passwordForm.elements.namedItem('currentPassword').value,
        newPassword: passwordForm.elements.namedItem('newPassword').value,
      });
      saveSession(answer, state.session.username);
      passwordForm.reset();
      notify(notices, 'success', 'Password changed', 'Your other sessions were signed out.');
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429)
        notify(passwordError, 'error', 'Locked', signInProblem(failure));
      else
        notifyError(
          failure instanceof ApiError && failure.status === 400 ? passwordError : notices,
          failure,
          'change the password',
        );
    }
  });

  const totpArea = h('div', { id: 'totp-area' });
  const totpCard = h(
    'div',
    { class: 'card' },
    h('h2', {}, 'Second factor (TOTP)'),
    h(
      'p',
      { 'data-testid': 'totp-status' },
      state.session.totp
        ? 'On: signing in asks for a code from your authenticator app.'
        : 'Off: signing in needs only your password.',
    ),
    state.session.totpSetupRequired
      ? h(
          'div',
          { class: 'alert alert-info' },
          h('div', { class: 'alert-body' }, 'Admins must set up a second factor before anything else.'),
        )
      : null,
    totpArea,
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        { class: 'btn btn-primary', type: 'button', id: 'totp-enroll', onclick: () => enroll() },
        state.session.totp ? 'Replace with a new device' : 'Set up',
      ),
    ),
  );

  append(root, [
    sectionHead('My account', `Signed in as ${state.session.username} (${state.session.role}).`),
    notices,
    totpCard,
    state.session.totpSetupRequired ? null : h('div', { class: 'card' }, passwordForm),
  ]);

  async function enroll() {
    try {
      const enrolment = await api('me/totp/enroll');
      if (!live()) return;
      const error = h('div');
      const form = h(
        'form',
        { novalidate: true, id: 'totp-confirm-form' },
        error,
        field(
          'Code from the app',
          h('input', {
            name: 'code',
            id: 'totp-code',
            inputmode: 'numeric',
            autocomplete: 'one-time-code',
            maxlength: 6,
            required: true,
          }),
        ),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { class: 'btn btn-primary', type: 'submit', id: 'totp-confirm' }, 'Turn on'),
        ),
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.replaceChildren();
        try {
          await api('me/totp/confirm', { code: valueOf(form, 'code') });
          state.session = { ...state.session, totp: true, totpSetupRequired: false };
          sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
          // Re-render: the status now says it is on, and the other sections open up.
          showApp();
        } catch (failure) {
          notifyError(error, failure, 'turn on the second factor');
        }
      });
      // The QR code is an SVG rendered by our server, shown as an image (never as markup in the page).
      const qr = h('img', {
        id: 'totp-qr',
        class: 'qr',
        alt: 'QR code to scan with an authenticator app',
        width: 200,
        height: 200,
        src: `data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`,
      });
      fill(
        totpArea,
        h('p', {}, 'Scan this with an authenticator app, or type the key in, then enter the code it shows.'),
        qr,
        h(
          'div',
          { class: 'secret-row' },
          h('strong', {}, 'Key'),
          h('code', { id: 'totp-secret', 'data-secret': 'totp' }, enrolment.secret),
        ),
        form,
      );
      form.querySelector('input')?.focus();
    } catch (error) {
      notifyError(notices, error, 'start the set-up');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Start

export function start() {
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  state.session = loadSession();
  if (state.session) showApp();
  else {
    sessionStorage.removeItem(SESSION_KEY);
    showLogin();
  }
}

start();
