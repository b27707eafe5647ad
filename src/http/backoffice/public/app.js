// @ts-check
// Back office: a single page on top of the admin API (PROTOCOL §8) and nothing else.
// Every value from the server reaches the page through text nodes (textContent), never as HTML.

import * as extraSections from './sections/index.js';
import { roundLink, roundUrl } from './sections/round.js';
import { CURRENCY_DIGITS } from './currencies.js';

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

/**
 * Builds an element; strings and numbers among the children become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  /** @type {any} every property set below is one the element has (value, checked, ...) */
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

/**
 * The page's element with that id; most are inputs and buttons (a dialog or other element is cast).
 * @template {HTMLElement} [T=HTMLInputElement]
 * @param {string} id
 * @returns {T}
 */
export const $ = (id) => /** @type {T} */ (document.getElementById(id));

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

/** A button of the page's style; `cls` adds e.g. `btn-sm`, `btn-primary` or `btn-danger`. */
export function button(label, onclick, cls = '', props = {}) {
  return h('button', { class: `btn ${cls}`.trim(), type: 'button', onclick, ...props }, label);
}

/**
 * The one table of the back office: every column is `{ title, render(item), class? }`, so every column
 * has a header; `rowProps(item)` gives the row's attributes (the data-* ids tests and links use).
 * @param {{ title: string, render: (item: any) => any, class?: string }[]} columns
 * @param {any[]} items
 * @param {{ empty?: string, rowProps?: (item: any) => Record<string, any> }} [options]
 */
export function dataTable(columns, items, { empty = 'Nothing to show.', rowProps } = {}) {
  const rows = items.map((item) =>
    h(
      'tr',
      rowProps ? rowProps(item) : {},
      columns.map((column) => cell(column.render(item), column.class)),
    ),
  );
  return table(
    columns.map((column) => column.title),
    rows,
    empty,
  );
}

/**
 * A list read from the admin API and paged by its opaque cursor (`nextCursor`, null at the end), shared by
 * every section. `fetchPage(cursor)` asks the server, `render(answer, page)` draws the answer; lists that
 * do not page leave `endLabel` empty. `first()` starts again from page 1, `reload()` reads the same page.
 */
/**
 * @param {{
 *   live: any, notices: any, doing?: string,
 *   fetchPage: (cursor?: string) => Promise<any>,
 *   render: (answer: any, page: number) => any,
 *   onLoaded?: (answer: any) => void,
 *   labels?: { first?: string, next?: string, end?: string | null, loading?: string },
 * }} options
 */
export function pagedList({ live, notices, fetchPage, render, doing, onLoaded, labels = {} }) {
  const { first = 'First page', next = 'Next page →', end = 'End of list', loading = 'Loading…' } = labels;
  const results = h('div', {}, h('div', { class: 'empty' }, loading));
  const pager = h('div', { class: 'pager' });
  let cursor;
  let page = 1;
  const go = (nextCursor, nextPage) => {
    cursor = nextCursor;
    page = nextPage;
    return load();
  };
  async function load() {
    try {
      const answer = await fetchPage(cursor);
      if (!live()) return;
      fill(results, render(answer, page));
      fill(
        pager,
        page > 1 ? button(first, () => go(undefined, 1)) : null,
        answer.nextCursor
          ? button(next, () => go(answer.nextCursor, page + 1))
          : end && h('span', { class: 'muted small' }, end),
      );
      onLoaded?.(answer);
    } catch (error) {
      if (!live()) return;
      results.replaceChildren();
      onLoaded?.(null);
      notifyError(notices, error, doing);
    }
  }
  return { node: h('div', {}, results, pager), first: () => go(undefined, 1), reload: load };
}

/** Copies `text`; without clipboard access (plain http) it falls back to a selected hidden field. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'offscreen', readonly: true }, text);
    document.body.append(area);
    area.select();
    const copied = document.execCommand?.('copy') ?? false;
    area.remove();
    return copied;
  }
}

/**
 * A long id shown short (its first `keep` characters and an ellipsis, the whole id in the tooltip) with a
 * copy button, so a row stays on one line; ids are never broken mid-word.
 */
export function shortId(id, { keep = 10, label = 'id' } = {}) {
  if (id === null || id === undefined || id === '') return '—';
  const text = String(id);
  const shown = text.length > keep + 1 ? `${text.slice(0, keep)}…` : text;
  const copy = button('⧉', null, 'btn-copy', { title: `Copy ${label}`, 'aria-label': `Copy ${label} ${text}` });
  copy.addEventListener('click', async (event) => {
    event.preventDefault();
    event.stopPropagation();
    copy.textContent = (await copyText(text)) ? '✓' : '!';
    setTimeout(() => (copy.textContent = '⧉'), 1500);
  });
  return h('span', { class: 'id-short' }, h('span', { class: 'mono', title: text, 'data-full': text }, shown), copy);
}

/** An amount (major units, a JSON number) with its currency's digits: 1234.5 EUR is "1,234.50". */
export function formatAmount(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  const digits = CURRENCY_DIGITS[currency] ?? 2;
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    Number(amount),
  );
}

/** A URL that wraps only after its slashes, dots and query separators, never inside a word. */
export function urlText(url, cls = 'mono small') {
  const parts = String(url).split(/(?<=[/?&=.])/);
  // Each piece is unbreakable (a browser would otherwise break after a hyphen); the <wbr> are the only breaks.
  const pieces = parts.flatMap((part) => [h('span', { class: 'nobreak' }, part), h('wbr')]);
  return h('span', { class: `url ${cls}`, title: String(url) }, pieces);
}

/** Query parameters after the section in the address (`#/transactions?transactionID=…`). */
export function routeParams() {
  const query = location.hash.split('?')[1] ?? '';
  return Object.fromEntries(new URLSearchParams(query));
}

/** Removes what the previous action left in a notice area (a banner of a past action misleads). */
export function clearNotices(...slots) {
  for (const slot of slots) slot?.replaceChildren();
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
  constructor(status, code, message, retryAfterS = null, answer = null) {
    super(message);
    this.status = status;
    this.code = code;
    /** With HTTP 429 (too many failed sign-ins): seconds until the lock ends. */
    this.retryAfterS = retryAfterS;
    /** The whole JSON answer, for refusals that say more than a message (go-live's `unmet`). */
    this.answer = answer;
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
    data,
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
  const dialog = /** @type {HTMLDialogElement} */ ($('modal'));
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
  /** `refusal`: the server refused (a mode switch's guard); the dialog stays open with what was typed. */
  const showError = (message, { refusal = false } = {}) => {
    errorSlot.replaceChildren(
      h(
        'div',
        {
          class: `alert alert-error${refusal ? ' alert-refusal' : ''}`,
          role: 'alert',
          'data-testid': refusal ? 'refusal' : 'modal-error',
        },
        h('div', { class: 'alert-body' }, message),
      ),
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
  /** @type {HTMLElement} */ (first ?? confirm).focus();
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
  /** @type {HTMLDialogElement} */ ($('modal')).close?.();
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
  // `#/operator/<agentID>`: the section is the first segment; the rest is the section's own.
  const key = location.hash.replace(/^#\/?/, '').split('?')[0].split('/')[0];
  const allowed = allowedSections();
  return allowed.includes(key) ? key : allowed[0];
}

export function route() {
  if (!state.session) return;
  stopPolling();
  const key = currentSection();
  if (location.hash.split('?')[0].split('/').slice(0, 2).join('/') !== `#/${key}`) {
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

const MODE_HELP =
  'Transfer mode: we keep the players\u2019 wallets. Seamless mode: every balance read, bet and win is a callback to the operator\u2019s wallet. Setting a callback URL switches to seamless; clearing it switches back.';

export function renderOperators(root, live) {
  const notices = h('div');
  const secrets = h('div');
  const ctx = { notices, secrets, reload: () => list.reload() };
  const list = pagedList({
    live,
    notices,
    doing: 'list operators',
    fetchPage: () => api('operators/list'),
    render: ({ operators }) => operatorTable(ctx, operators),
    labels: { end: null, loading: 'Loading operators…' },
  });
  const createCard = can('manage') ? operatorCreateCard(notices, secrets, ctx.reload) : null;
  if (createCard) createCard.hidden = true;
  const toggleCreate = () => {
    clearNotices(notices, secrets);
    createCard.hidden = !createCard.hidden;
    if (!createCard.hidden) createCard.querySelector('input')?.focus();
  };
  append(root, [
    sectionHead(
      'Operators',
      MODE_HELP,
      can('manage') ? button('New operator', toggleCreate, 'btn-primary') : null,
      button('Refresh', () => list.reload()),
    ),
    can('manage') ? null : readOnlyNote(`your role (${state.session.role}) may view operators but not change them.`),
    notices,
    secrets,
    createCard,
    list.node,
  ]);
  list.reload();
}

export function readOnlyNote(text) {
  return h('div', { class: 'alert alert-info' }, h('div', { class: 'alert-body' }, `Read only: ${text}`));
}

function operatorTable(ctx, operators) {
  const columns = [
    {
      title: 'Agent ID',
      render: (op) =>
        h(
          'a',
          { class: 'mono ident', href: `#/operator/${encodeURIComponent(op.agentID)}`, 'data-testid': 'operator-link' },
          op.agentID,
        ),
    },
    { title: 'Name', render: (op) => op.name, class: 'wrap' },
    { title: 'Currencies', render: (op) => op.currencies.join(', '), class: 'wrap' },
    { title: 'Mode', render: operatorModeCell, class: 'wrap' },
    { title: 'Status', render: (op) => enabledBadge(op.enabled) },
    { title: 'Security', render: securitySummary, class: 'wrap' },
  ];
  if (can('manage')) columns.push({ title: 'Actions', render: (op) => operatorActions(ctx, op) });
  return dataTable(columns, operators, {
    empty: 'No operators yet.',
    rowProps: (op) => ({ 'data-agent-id': op.agentID }),
  });
}

function operatorModeCell(op) {
  return [
    modeBadge(op.mode),
    op.callbackUrl ? h('span', { class: 'sub' }, urlText(op.callbackUrl)) : null,
    op.mode === 'seamless' ? h('span', { class: 'sub' }, `scheme ${op.callbackScheme}`) : null,
  ];
}

function operatorActions(ctx, op) {
  const allowList = () =>
    editAllowList(ctx.notices, 'operators/update', { agentID: op.agentID }, op.allowedIps, ctx.reload);
  return h(
    'div',
    { class: 'actions' },
    op.mode === 'transfer'
      ? button('Switch to seamless…', () => switchToSeamless(ctx, op), 'btn-sm')
      : button('Switch to transfer…', () => switchToTransfer(ctx, op), 'btn-sm'),
    button('Rotate secret…', () => rotateOperatorSecret(ctx, op), 'btn-sm'),
    button('IP allow-list…', allowList, 'btn-sm'),
    op.enabled
      ? button('Disable', () => setOperatorEnabled(ctx, op, false), 'btn-sm btn-danger')
      : button('Enable', () => setOperatorEnabled(ctx, op, true), 'btn-sm'),
  );
}

/**
 * Sends a mode switch. A refusal (400, or 409 code 12) keeps the dialog open with what was typed, and
 * says inside it what blocks the switch, so the staff member can fix that and try again.
 */
async function sendSwitch(ctx, op, body, showError) {
  clearNotices(ctx.notices);
  try {
    const { operator } = await api('operators/update', { agentID: op.agentID, ...body });
    notify(ctx.notices, 'success', 'Mode switched', `${operator.agentID} is now in ${operator.mode} mode.`);
    ctx.reload();
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 400 || (error.status === 409 && error.code === 12))) {
      showError(error.status === 409 ? `Mode switch refused: ${error.message}` : error.message, { refusal: true });
      return false;
    }
    notifyError(ctx.notices, error, `switch ${op.agentID}`);
    ctx.reload();
    return true;
  }
}

function switchToSeamless(ctx, op) {
  clearNotices(ctx.notices);
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
      field('Callback scheme', callbackSchemeSelect(op.callbackScheme)),
    ],
    confirmLabel: 'Switch to seamless',
    onConfirm: async (form, showError) => {
      const callbackUrl = valueOf(form, 'callbackUrl');
      if (!/^https?:\/\/\S+$/.test(callbackUrl)) {
        showError('Enter the http(s) URL of the operator\u2019s wallet.');
        return false;
      }
      return sendSwitch(ctx, op, { callbackUrl, callbackScheme: valueOf(form, 'callbackScheme') }, showError);
    },
  });
}

function callbackSchemeSelect(current) {
  return h(
    'select',
    { name: 'callbackScheme' },
    h('option', { value: 'hmac', selected: current === 'hmac' }, 'hmac (HMAC-SHA-256 signed JSON)'),
    h('option', { value: 'md5', selected: current === 'md5' }, 'md5 (salted md5 key, minor units)'),
  );
}

function switchToTransfer(ctx, op) {
  clearNotices(ctx.notices);
  openModal({
    title: `Switch ${op.agentID} to transfer mode`,
    description: `This clears the callback URL (${op.callbackUrl ?? ''}); we will keep the players\u2019 wallets again, starting from zero. The switch is refused while deliveries to the operator are still owed.`,
    confirmLabel: 'Clear URL and switch to transfer',
    danger: true,
    onConfirm: (_form, showError) => sendSwitch(ctx, op, { callbackUrl: null }, showError),
  });
}

function rotateOperatorSecret(ctx, op) {
  rotateSecret({
    ...ctx,
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

/** Enables or disables an operator or a studio through its update call, then reloads the list. */
async function setEnabled(ctx, path, idField, id, enabled) {
  clearNotices(ctx.notices, ctx.secrets);
  try {
    await api(path, { [idField]: id, enabled });
    notify(ctx.notices, 'success', null, `${id} ${enabled ? 'enabled' : 'disabled'}.`);
  } catch (error) {
    notifyError(ctx.notices, error, `${enabled ? 'enable' : 'disable'} ${id}`);
  }
  ctx.reload();
}

const setOperatorEnabled = (ctx, op, enabled) => setEnabled(ctx, 'operators/update', 'agentID', op.agentID, enabled);

function operatorCreateForm(error, onCancel) {
  return h(
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
      'p',
      { class: 'muted small' },
      'Currencies: ISO 4217 codes separated by commas or spaces, such as EUR, USD, JPY.',
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, 'Create operator'),
      button('Cancel', onCancel),
    ),
  );
}

export function operatorCreateCard(notices, secrets, reload) {
  const error = h('div');
  const form = operatorCreateForm(error, () => {
    form.reset();
    card.hidden = true;
  });
  const card = h('div', { class: 'card' }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearNotices(error, notices, secrets);
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
      const inForm = failure instanceof ApiError && failure.status === 400;
      notifyError(inForm ? error : notices, failure, 'create the operator');
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
  clearNotices(notices, secrets);
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
  clearNotices(notices);
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

function providerCreateCard(ctx) {
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
      button('Cancel', () => {
        form.reset();
        card.hidden = true;
      }),
    ),
  );
  const card = h('div', { class: 'card', hidden: true }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearNotices(error, ctx.notices, ctx.secrets);
    const body = { providerID: valueOf(form, 'providerID'), name: valueOf(form, 'name') };
    const launchUrl = valueOf(form, 'launchUrl');
    if (launchUrl) body.launchUrl = launchUrl;
    try {
      const created = await api('providers/create', body);
      form.reset();
      card.hidden = true;
      showSecrets(ctx.secrets, `Provider ${created.providerID} created`, [
        ['providerID', created.providerID],
        ['secretKey', created.secretKey],
      ]);
      ctx.reload();
    } catch (failure) {
      const inForm = failure instanceof ApiError && failure.status === 400;
      notifyError(inForm ? error : ctx.notices, failure, 'create the provider');
    }
  });
  return card;
}

export function renderProviders(root, live) {
  const notices = h('div');
  const secrets = h('div');
  const ctx = { notices, secrets, reload: () => list.reload() };
  const list = pagedList({
    live,
    notices,
    doing: 'list providers',
    fetchPage: () => api('providers/list'),
    render: ({ providers }) => providerTable(ctx, providers),
    labels: { end: null, loading: 'Loading providers…' },
  });
  const createCard = can('manage') ? providerCreateCard(ctx) : null;
  const toggleCreate = () => {
    clearNotices(notices, secrets);
    createCard.hidden = !createCard.hidden;
  };
  append(root, [
    sectionHead(
      'Providers',
      'Game studios that call the provider API with their own secret.',
      createCard ? button('New provider', toggleCreate, 'btn-primary') : null,
      button('Refresh', () => list.reload()),
    ),
    notices,
    secrets,
    createCard,
    list.node,
  ]);
  list.reload();
}

function providerTable(ctx, providers) {
  const columns = [
    { title: 'Provider ID', render: (p) => h('span', { class: 'mono ident' }, p.providerID) },
    { title: 'Name', render: (p) => p.name, class: 'wrap' },
    {
      title: 'Launch URL template',
      render: (p) => (p.launchUrl ? urlText(p.launchUrl) : h('span', { class: 'muted' }, 'none')),
      class: 'wrap',
    },
    { title: 'Status', render: (p) => enabledBadge(p.enabled) },
    { title: 'Security', render: securitySummary, class: 'wrap' },
  ];
  if (can('manage')) columns.push({ title: 'Actions', render: (p) => providerActions(ctx, p) });
  return dataTable(columns, providers, {
    empty: 'No providers yet.',
    rowProps: (p) => ({ 'data-provider-id': p.providerID }),
  });
}

function providerActions(ctx, p) {
  const allowList = () =>
    editAllowList(ctx.notices, 'providers/update', { providerID: p.providerID }, p.allowedIps, ctx.reload);
  const rotate = () =>
    rotateSecret({
      ...ctx,
      path: 'providers/rotate-secret',
      target: { providerID: p.providerID },
      title: `Rotate the secret of ${p.providerID}`,
      description:
        'A new secretKey is issued at once. The old one is still accepted on the studio\u2019s requests during the overlap (0: it stops at once).',
      shown: (rotated) => [['secretKey', rotated.secretKey]],
    });
  return h(
    'div',
    { class: 'actions' },
    button('Rotate secret…', rotate, 'btn-sm'),
    button('IP allow-list…', allowList, 'btn-sm'),
    p.enabled
      ? button('Disable', () => setProviderEnabled(ctx, p, false), 'btn-sm btn-danger')
      : button('Enable', () => setProviderEnabled(ctx, p, true), 'btn-sm'),
  );
}

const setProviderEnabled = (ctx, p, enabled) =>
  setEnabled(ctx, 'providers/update', 'providerID', p.providerID, enabled);

// ---------------------------------------------------------------------------------------------
// Games

function gameForm(manage, providerSelect) {
  return h(
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
}

/** The game in the form, or a plain-words reason it cannot be saved. */
function gameFromForm(form) {
  const gameID = Number(valueOf(form, 'gameID'));
  const rtp = Number(valueOf(form, 'rtp'));
  const checked = (name) => form.elements.namedItem(name).checked;
  const game = {
    gameID,
    providerID: valueOf(form, 'providerID'),
    name: valueOf(form, 'name'),
    type: valueOf(form, 'type'),
    rtp,
    freeSpins: checked('freeSpins'),
    demo: checked('demo'),
    enabled: checked('enabled'),
  };
  if (!Number.isInteger(gameID) || gameID <= 0) return { problem: 'Game ID must be a positive whole number.' };
  if (!game.providerID) return { problem: 'Choose the provider of the game.' };
  if (!Number.isFinite(rtp) || valueOf(form, 'rtp') === '') return { problem: 'RTP must be a number from 0 to 100.' };
  return { game };
}

const GAME_COLUMNS = [
  { title: 'Game ID', render: (g) => String(g.gameID), class: 'num' },
  { title: 'Provider', render: (g) => h('span', { class: 'mono ident' }, g.providerID) },
  { title: 'Name', render: (g) => g.name, class: 'wrap' },
  { title: 'Type', render: (g) => g.type },
  { title: 'RTP', render: (g) => `${g.rtp}%`, class: 'num' },
  { title: 'Free spins', render: (g) => (g.freeSpins ? 'yes' : 'no') },
  { title: 'Demo', render: (g) => (g.demo ? 'yes' : 'no') },
  { title: 'Enabled', render: (g) => (g.enabled ? 'yes' : 'no') },
];

export function renderGames(root, live) {
  const notices = h('div');
  const manage = can('manage');
  const providerSelect = h('select', { name: 'providerID', required: true }, h('option', { value: '' }, 'Loading…'));
  const form = gameForm(manage, providerSelect);
  const list = pagedList({
    live,
    notices,
    doing: 'list games',
    fetchPage: () => api('games/list'),
    render: ({ games }) =>
      dataTable(GAME_COLUMNS, games, {
        empty: 'No games yet',
        rowProps: (g) => ({ 'data-game-id': String(g.gameID) }),
      }),
    labels: { end: null },
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearNotices(notices);
    const { game, problem } = gameFromForm(form);
    if (problem) return notify(notices, 'error', 'Check the form', problem);
    try {
      await api('games/upsert', { games: [game] });
      notify(notices, 'success', 'Game saved', `Game ${game.gameID} (${game.name}) was created or updated.`);
      list.reload();
    } catch (error) {
      notifyError(notices, error, 'save the game');
    }
  });
  append(root, [
    sectionHead('Games', 'The game catalogue; saving an existing game ID updates that game.'),
    manage ? null : readOnlyNote(`your role (${state.session.role}) may not change games, so the form is read only.`),
    notices,
    h('div', { class: 'card' }, form),
    h('div', { class: 'card' }, h('h2', {}, 'Catalogue'), list.node),
  ]);
  list.reload();
  loadProviderChoices(live, notices, providerSelect);
}

async function loadProviderChoices(live, notices, providerSelect) {
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
}

// ---------------------------------------------------------------------------------------------
// Transactions

const TX_FILTERS = ['agentID', 'providerID', 'userID', 'roundID', 'transactionID', 'platformTransactionID'];

function transactionSearchForm(onClear) {
  const idField = (label, name, maxlength) =>
    field(label, h('input', { name, maxlength, autocomplete: 'off', spellcheck: 'false' }));
  return h(
    'form',
    { novalidate: true, 'data-testid': 'transaction-search' },
    h(
      'div',
      { class: 'form-grid' },
      idField('Agent ID', 'agentID', 64),
      idField('Provider ID', 'providerID', 64),
      idField('User ID', 'userID', 48),
      idField('Round ID', 'roundID', 64),
      idField('Transaction ID', 'transactionID', 64),
      idField('Platform transaction ID', 'platformTransactionID', 32),
      field('From (UTC)', h('input', { name: 'from', type: 'datetime-local', step: 1 })),
      field('To (UTC)', h('input', { name: 'to', type: 'datetime-local', step: 1 })),
      field(
        'Order',
        h(
          'select',
          { name: 'order' },
          h('option', { value: 'newest', selected: true }, 'Newest first'),
          h('option', { value: 'oldest' }, 'Oldest first'),
        ),
      ),
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
      button('Clear', onClear),
    ),
  );
}

function transactionFilters(form) {
  const filters = { limit: Number(valueOf(form, 'limit')) || 50, order: valueOf(form, 'order') || 'newest' };
  for (const name of TX_FILTERS) {
    const value = valueOf(form, name);
    if (value) filters[name] = value;
  }
  const from = utcFromLocalInput(valueOf(form, 'from'));
  const to = utcFromLocalInput(valueOf(form, 'to'));
  if (from) filters.from = from;
  if (to) filters.to = to;
  return filters;
}

function typeBadge(type) {
  return badge(type, type === 'bet' || type === 'withdraw' ? 'pending' : type === 'rollback' ? 'off' : 'on');
}

/** One line per transaction: ids short with a copy button, amounts with the currency's digits. */
const TRANSACTION_COLUMNS = [
  { title: 'Time', render: (t) => formatTime(t.createdAt), class: 'nowrap' },
  { title: 'Type', render: (t) => typeBadge(t.type) },
  { title: 'Agent', render: (t) => h('span', { class: 'mono ident' }, t.agentID ?? '') },
  { title: 'User', render: (t) => shortId(t.userID, { keep: 12, label: 'user ID' }) },
  { title: 'Amount', render: (t) => formatAmount(t.amount, t.currency), class: 'num' },
  { title: 'Balance after', render: (t) => formatAmount(t.balanceAfter, t.currency), class: 'num' },
  { title: 'Currency', render: (t) => t.currency },
  { title: 'Transaction ID', render: (t) => shortId(t.transactionID, { label: 'transaction ID' }) },
  {
    title: 'Platform ID',
    render: (t) => shortId(t.platformTransactionID, { keep: 8, label: 'platform transaction ID' }),
  },
  {
    title: 'Round',
    render: roundLink,
  },
  { title: 'Game', render: (t) => t.gameID ?? '—', class: 'num' },
  { title: 'Provider', render: (t) => (t.providerID ? h('span', { class: 'mono ident' }, t.providerID) : '—') },
];

export function renderTransactions(root, live) {
  const notices = h('div');
  let filters = null;
  const form = transactionSearchForm(() => {
    form.reset();
    search();
  });
  const list = pagedList({
    live,
    notices,
    doing: 'search transactions',
    fetchPage: (cursor) => api('transactions/search', cursor ? { ...filters, cursor } : filters),
    render: ({ transactions }, page) => [
      h(
        'p',
        { class: 'muted small' },
        `Page ${page} · ${transactions.length} transaction${transactions.length === 1 ? '' : 's'}`,
      ),
      h(
        'div',
        { class: 'compact', 'data-testid': 'transactions' },
        dataTable(TRANSACTION_COLUMNS, transactions, {
          empty: 'No transactions match these filters.',
          rowProps: (t) => ({ 'data-transaction-id': t.transactionID, 'data-platform-id': t.platformTransactionID }),
        }),
      ),
    ],
    labels: { end: 'End of results' },
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  append(root, [
    sectionHead('Transactions', 'Every money movement across operators and providers, newest first unless you choose.'),
    h('div', { class: 'card' }, form),
    notices,
    list.node,
  ]);

  function search() {
    clearNotices(notices);
    filters = transactionFilters(form);
    list.first();
  }
  // A link from another section (a callback's transaction) arrives as `#/transactions?platformTransactionID=…`.
  for (const [name, value] of Object.entries(routeParams())) {
    const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
    if (input && TX_FILTERS.includes(name)) input.value = value;
  }
  search();
}

// ---------------------------------------------------------------------------------------------
// Callbacks

function callbackFilterForm(onRefresh) {
  return h(
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
      button('Refresh', onRefresh),
    ),
  );
}

/** The HTTP status inside a stored error ("HTTP 503 …"), when the last attempt got that far. */
export function httpStatusOf(lastError) {
  const match = /\bHTTP (\d{3})\b/.exec(lastError ?? '');
  return match ? match[1] : null;
}

function callbackStatusBadge(c) {
  return h(
    'span',
    { class: `badge badge-${c.status}`, 'data-testid': 'callback-status' },
    c.status === 'failed' ? 'failed (parked)' : c.status,
  );
}

/**
 * What is stored of the attempts: how many of the budget, when the last one ended and how, with the HTTP
 * status and error it left. A per-attempt log (each attempt's latency) is not kept.
 */
function attemptsCell(c) {
  const status = httpStatusOf(c.lastError);
  const outcome =
    c.status === 'delivered'
      ? `delivered ${formatTime(c.deliveredAt)}`
      : c.lastAttemptAt
        ? `last attempt ${formatTime(c.lastAttemptAt)}`
        : 'not attempted yet';
  return [
    h('span', { 'data-testid': 'attempts' }, `${c.attempts}${c.maxAttempts ? ` of ${c.maxAttempts}` : ''}`),
    h('span', { class: 'sub nowrap' }, outcome),
    status ? h('span', { class: 'sub', 'data-testid': 'http-status' }, `HTTP ${status}`) : null,
  ];
}

function callbackColumns(retryCell) {
  const columns = [
    { title: 'ID', render: (c) => h('span', { class: 'mono' }, c.id) },
    { title: 'Agent', render: (c) => h('span', { class: 'mono ident' }, c.agentID) },
    { title: 'Kind', render: (c) => c.kind },
    {
      title: 'Transaction',
      render: (c) =>
        h(
          'a',
          {
            href: `#/transactions?platformTransactionID=${encodeURIComponent(c.transactionID)}`,
            class: 'mono small',
            title: `Transactions with platform ID ${c.transactionID}`,
            'data-testid': 'transaction-link',
          },
          c.transactionID,
        ),
    },
    { title: 'Status', render: callbackStatusBadge },
    { title: 'Attempts', render: attemptsCell },
    {
      title: 'Last error',
      render: (c) => (c.lastError ? h('span', { class: 'small' }, c.lastError) : '—'),
      class: 'wrap',
    },
    {
      title: 'Next attempt',
      render: (c) => (c.status === 'delivered' || c.status === 'failed' ? '—' : formatTime(c.nextAttemptAt)),
      class: 'nowrap',
    },
    { title: 'Created', render: (c) => formatTime(c.createdAt), class: 'nowrap' },
    {
      title: 'Round',
      render: (c) => h('a', { href: roundUrl({ callbackID: c.id }), 'data-testid': 'round-link' }, 'Round'),
    },
  ];
  if (retryCell) columns.push({ title: 'Retry', render: retryCell });
  return columns;
}

export function renderCallbacks(root, live) {
  const notices = h('div');
  let filters = {};
  /** The callback a retry is waiting on; the list refreshes itself until it leaves pending. */
  let watching = null;
  const retryCell = can('retry') ? (c) => retryControl(c, retryOne) : null;
  const list = pagedList({
    live,
    notices,
    doing: 'list callbacks',
    fetchPage: (cursor) => {
      stopPolling();
      return api('callbacks/list', cursor ? { ...filters, cursor } : filters);
    },
    render: ({ callbacks }) =>
      dataTable(callbackColumns(retryCell), callbacks, {
        empty: 'No callback deliveries match these filters.',
        rowProps: (c) => ({ 'data-callback-id': c.id, 'data-status': c.status }),
      }),
    onLoaded: (answer) => {
      const row = answer?.callbacks.find((c) => c.id === watching?.id);
      const stillOwed = row && (row.status === 'pending' || row.status === 'sending');
      if (stillOwed && Date.now() < watching.until) state.pollTimer = setTimeout(() => live() && list.reload(), 1000);
      else watching = null;
    },
  });
  const form = callbackFilterForm(() => list.reload());
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
    list.node,
  ]);

  function apply() {
    clearNotices(notices);
    filters = {};
    const status = valueOf(form, 'status');
    const agentID = valueOf(form, 'agentID');
    if (status) filters.status = status;
    if (agentID) filters.agentID = agentID;
    list.first();
  }

  async function retryOne(c, control) {
    clearNotices(notices);
    control.disabled = true;
    try {
      const { callback } = await api('callbacks/retry', { id: c.id });
      const what = `Callback ${callback.id} (${callback.kind} for ${callback.agentID}) is queued for delivery now.`;
      notify(notices, 'success', 'Queued again', what);
      watching = { id: callback.id, until: Date.now() + 30_000 };
    } catch (error) {
      notifyError(notices, error, `retry callback ${c.id}`);
    }
    list.reload();
  }
  apply();
}

function retryControl(c, retryOne) {
  if (c.kind !== 'withdraw' && c.status !== 'delivered') {
    return button('Retry', (event) => retryOne(c, event.currentTarget), 'btn-sm');
  }
  return h(
    'span',
    { class: 'muted small', title: c.kind === 'withdraw' ? 'A Withdraw is never redelivered' : '' },
    '—',
  );
}

// ---------------------------------------------------------------------------------------------
// Audit log

function jsonBlock(label, value) {
  return value === null
    ? null
    : h('div', {}, h('span', { class: 'sub' }, label), h('pre', { class: 'json' }, JSON.stringify(value, null, 2)));
}

function changeCell(entry) {
  if (entry.before === null && entry.after === null) return '—';
  return h(
    'details',
    {},
    h('summary', {}, entry.before === null ? 'created' : 'before → after'),
    jsonBlock('before', entry.before),
    jsonBlock('after', entry.after),
  );
}

const AUDIT_COLUMNS = [
  { title: 'When', render: (e) => formatTime(e.createdAt), class: 'nowrap' },
  { title: 'Who', render: (e) => e.actor },
  { title: 'Action', render: (e) => h('span', { class: 'mono' }, e.action) },
  {
    title: 'Target',
    render: (e) => [h('span', { class: 'muted' }, `${e.targetType} `), h('span', { class: 'mono' }, e.targetId)],
    class: 'wrap',
  },
  { title: 'Change', render: changeCell },
];

export function renderAudit(root, live) {
  const notices = h('div');
  const list = pagedList({
    live,
    notices,
    doing: 'read the audit log',
    fetchPage: (cursor) => api('audit/list', cursor ? { cursor, limit: 50 } : { limit: 50 }),
    render: ({ entries }) =>
      dataTable(AUDIT_COLUMNS, entries, {
        empty: 'The audit log is empty.',
        rowProps: (e) => ({ 'data-audit-id': e.id }),
      }),
    labels: { first: 'Newest', next: 'Older entries →', end: 'Beginning of the log' },
  });
  append(root, [
    sectionHead(
      'Audit log',
      'Every change made by staff, newest first. Secrets are never recorded.',
      button('Refresh', () => list.first()),
    ),
    notices,
    list.node,
  ]);
  list.first();
}

// ---------------------------------------------------------------------------------------------
// Staff accounts

function userCreateCard(ctx) {
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
  const card = h('div', { class: 'card', hidden: true }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearNotices(error, ctx.notices);
    try {
      await api('users/create', {
        username: valueOf(form, 'username'),
        password: /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value,
        role: valueOf(form, 'role'),
      });
      form.reset();
      card.hidden = true;
      notify(ctx.notices, 'success', 'User created', '');
      ctx.reload();
    } catch (failure) {
      const inForm = failure instanceof ApiError && failure.status === 400;
      notifyError(inForm ? error : ctx.notices, failure, 'create the user');
    }
  });
  return card;
}

function userColumns(update) {
  const manage = can('manage');
  const roleCell = (user) =>
    manage
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
  const toggle = (user) =>
    manage
      ? button(
          user.enabled ? 'Disable' : 'Enable',
          () => update({ username: user.username, enabled: !user.enabled }, user.enabled ? 'disabled' : 'enabled'),
          `btn-sm ${user.enabled ? 'btn-danger' : ''}`,
        )
      : '—';
  return [
    { title: 'Username', render: (user) => h('span', { class: 'mono ident' }, user.username) },
    { title: 'Role', render: roleCell },
    { title: 'Status', render: (user) => enabledBadge(user.enabled) },
    {
      title: 'Second factor',
      render: (user) => (user.totp ? badge('TOTP on', 'on') : badge('no second factor', 'off')),
    },
    { title: 'Created', render: (user) => formatTime(user.createdAt), class: 'nowrap' },
    { title: 'Actions', render: toggle },
  ];
}

export function renderUsers(root, live) {
  const notices = h('div');
  const ctx = { notices, reload: () => list.reload() };
  const update = async (body, doing) => {
    clearNotices(notices);
    try {
      await api('users/update', body);
      notify(notices, 'success', 'Saved', `${body.username}: ${doing}.`);
      list.reload();
    } catch (error) {
      notifyError(notices, error, doing);
    }
  };
  const list = pagedList({
    live,
    notices,
    doing: 'list staff',
    fetchPage: () => api('users/list'),
    render: ({ users }) =>
      dataTable(userColumns(update), users, { empty: 'No staff.', rowProps: (u) => ({ 'data-username': u.username }) }),
    labels: { end: null, loading: 'Loading staff…' },
  });
  const createCard = can('manage') ? userCreateCard(ctx) : null;
  const toggleCreate = () => {
    clearNotices(notices);
    createCard.hidden = !createCard.hidden;
  };
  append(root, [
    sectionHead(
      'Staff',
      'Back-office accounts. Disabling a user or changing its role signs it out everywhere at once.',
      createCard ? button('New user', toggleCreate, 'btn-primary') : null,
      button('Refresh', () => list.reload()),
    ),
    notices,
    createCard,
    list.node,
  ]);
  list.reload();
}

// ---------------------------------------------------------------------------------------------
// My account: own password and the TOTP second factor

function passwordCard(notices) {
  const passwordError = h('div');
  const passwordInput = (name, autocomplete) =>
    h('input', { name, type: 'password', required: true, maxlength: 1024, autocomplete });
  const form = h(
    'form',
    { novalidate: true, id: 'password-form' },
    h('h2', {}, 'Change your password'),
    passwordError,
    h(
      'div',
      { class: 'form-grid' },
      field('Current password', passwordInput('currentPassword', 'current-password')),
      field('New password', passwordInput('newPassword', 'new-password')),
    ),
    h(
      'p',
      { class: 'muted small' },
      '12 or more characters, not a common or easily guessed password, not your username. Every other session of yours is signed out.',
    ),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Change password')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearNotices(passwordError, notices);
    try {
      const answer = await api('me/password', {
        currentPassword: /** @type {HTMLInputElement} */ (form.elements.namedItem('currentPassword')).value,
        newPassword: /** @type {HTMLInputElement} */ (form.elements.namedItem('newPassword')).value,
      });
      saveSession(answer, state.session.username);
      form.reset();
      notify(notices, 'success', 'Password changed', 'Your other sessions were signed out.');
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429)
        notify(passwordError, 'error', 'Locked', signInProblem(failure));
      else {
        const inForm = failure instanceof ApiError && failure.status === 400;
        notifyError(inForm ? passwordError : notices, failure, 'change the password');
      }
    }
  });
  return h('div', { class: 'card' }, form);
}

function totpCard(onEnroll, totpArea) {
  return h(
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
        { class: 'btn btn-primary', type: 'button', id: 'totp-enroll', onclick: onEnroll },
        state.session.totp ? 'Replace with a new device' : 'Set up',
      ),
    ),
  );
}

export function renderAccount(root, live) {
  const notices = h('div');
  const totpArea = h('div', { id: 'totp-area' });
  const enroll = async () => {
    clearNotices(notices);
    try {
      const enrolment = await api('me/totp/enroll');
      if (live()) showEnrolment(totpArea, enrolment);
    } catch (error) {
      notifyError(notices, error, 'start the set-up');
    }
  };
  append(root, [
    sectionHead('My account', `Signed in as ${state.session.username} (${state.session.role}).`),
    notices,
    totpCard(enroll, totpArea),
    state.session.totpSetupRequired ? null : passwordCard(notices),
  ]);
}

function totpConfirmForm() {
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
    clearNotices(error);
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
  return form;
}

function showEnrolment(totpArea, enrolment) {
  const form = totpConfirmForm();
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
