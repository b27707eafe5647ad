// @ts-check
// Applications: the "request operator access" forms (PROTOCOL §11), listed by status for admin and support;
// an admin approves one (the operator is created in the sandbox and its secrets are shown here once, never
// again: the server does not keep them readable) or rejects it with a reason. Each is decided once.
import {
  api,
  badge,
  button,
  can,
  clearNotices,
  dataTable,
  field,
  formatTime,
  h,
  notify,
  notifyError,
  openModal,
  pagedList,
  readOnlyNote,
  sectionHead,
  showSecrets,
  state,
  valueOf,
} from '../app.js';

/**
 * @typedef {{ applicationID: string, company: string, contactEmail: string, website: string | null,
 *   walletMode: 'transfer' | 'seamless', currencies: string[], peakPerSecond: number | null,
 *   clientAddress: string, status: 'pending' | 'approved' | 'rejected', agentID: string | null,
 *   reason: string | null, decidedBy: string | null, decidedAt: string | null, createdAt: string }} Application
 * @typedef {{ notices: HTMLElement, secrets: HTMLElement, reload: () => void }} Context
 */

const STATUSES = ['pending', 'approved', 'rejected'];
/** §2 external ids: what `agentID` may be. */
const AGENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** @param {string} status */
function statusBadge(status) {
  return badge(status, status === 'pending' ? 'pending' : status === 'approved' ? 'on' : 'off');
}

/** A suggestion for the new operator's agentID, from the company name (the admin may change it). */
/** @param {string} company */
function suggestedAgentId(company) {
  return (
    company
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'operator'
  );
}

/**
 * @param {Context} ctx
 * @param {Application} app
 */
function approve(ctx, app) {
  clearNotices(ctx.notices, ctx.secrets);
  openModal({
    title: `Approve ${app.company}`,
    description: `Creates the operator in the sandbox (${app.walletMode} mode, ${app.currencies.join(', ')}). Its secretKey and saltKey are shown once, on this page, right after.`,
    fields: [
      field(
        'Agent ID of the new operator',
        h('input', {
          name: 'agentID',
          required: true,
          maxlength: 64,
          autocomplete: 'off',
          value: suggestedAgentId(app.company),
          'data-testid': 'approve-agent-id',
        }),
      ),
    ],
    confirmLabel: 'Approve and create',
    onConfirm: async (/** @type {HTMLFormElement} */ form, /** @type {(m: string) => void} */ showError) => {
      const agentID = valueOf(form, 'agentID');
      if (!AGENT_ID.test(agentID)) {
        showError('The agent ID is 1 to 64 of letters, digits and _ . : -');
        return false;
      }
      try {
        const answer = await api('applications/approve', { applicationID: app.applicationID, agentID });
        showSecrets(ctx.secrets, `Operator ${agentID} created in the sandbox for ${app.company}.`, [
          ['agentID', agentID],
          ['secretKey', answer.secretKey],
          ['saltKey', answer.saltKey],
        ]);
      } catch (error) {
        const status = /** @type {{ status?: number }} */ (error).status;
        if (status === 400) {
          showError(/** @type {Error} */ (error).message);
          return false;
        }
        notifyError(ctx.notices, error, `approve ${app.company}`);
      }
      ctx.reload();
      return true;
    },
  });
}

/**
 * @param {Context} ctx
 * @param {Application} app
 */
function reject(ctx, app) {
  clearNotices(ctx.notices, ctx.secrets);
  openModal({
    title: `Reject ${app.company}`,
    description: 'The reason is stored with the application and in the audit log. An application is decided once.',
    fields: [
      field(
        'Reason',
        h('textarea', { name: 'reason', required: true, maxlength: 512, rows: 3, 'data-testid': 'reject-reason' }),
      ),
    ],
    confirmLabel: 'Reject',
    danger: true,
    onConfirm: async (/** @type {HTMLFormElement} */ form, /** @type {(m: string) => void} */ showError) => {
      const reason = valueOf(form, 'reason');
      if (!reason) {
        showError('Give the reason (the applicant may ask).');
        return false;
      }
      try {
        await api('applications/reject', { applicationID: app.applicationID, reason });
        notify(ctx.notices, 'success', null, `${app.company}: rejected.`);
      } catch (error) {
        notifyError(ctx.notices, error, `reject ${app.company}`);
      }
      ctx.reload();
      return true;
    },
  });
}

/**
 * @param {Context} ctx
 * @param {Application[]} applications
 */
function applicationTable(ctx, applications) {
  /** @type {{ title: string, render: (a: Application) => any, class?: string }[]} */
  const columns = [
    { title: 'Received', render: (a) => formatTime(a.createdAt), class: 'nowrap' },
    {
      title: 'Company',
      render: (a) => [a.company, a.website ? h('span', { class: 'sub' }, a.website) : null],
      class: 'wrap',
    },
    { title: 'Contact', render: (a) => a.contactEmail, class: 'wrap' },
    { title: 'Mode', render: (a) => a.walletMode },
    { title: 'Currencies', render: (a) => a.currencies.join(', '), class: 'wrap' },
    { title: 'Peak/s', render: (a) => (a.peakPerSecond === null ? '—' : String(a.peakPerSecond)), class: 'num' },
    {
      title: 'Status',
      render: (a) => [
        h('span', { 'data-testid': 'application-status' }, statusBadge(a.status)),
        a.agentID ? h('span', { class: 'sub mono' }, a.agentID) : null,
        a.reason ? h('span', { class: 'sub', 'data-testid': 'application-reason' }, a.reason) : null,
        a.decidedBy ? h('span', { class: 'sub' }, `${a.decidedBy}, ${formatTime(a.decidedAt)}`) : null,
      ],
      class: 'wrap',
    },
  ];
  if (can('manage')) {
    columns.push({
      title: 'Actions',
      render: (a) =>
        a.status === 'pending'
          ? h(
              'div',
              { class: 'actions' },
              button('Approve…', () => approve(ctx, a), 'btn-sm btn-primary', { 'data-testid': 'approve' }),
              button('Reject…', () => reject(ctx, a), 'btn-sm btn-danger', { 'data-testid': 'reject' }),
            )
          : '—',
    });
  }
  return dataTable(columns, applications, {
    empty: 'No applications with this status.',
    rowProps: (a) => ({ 'data-application-id': a.applicationID, 'data-company': a.company }),
  });
}

/**
 * @param {HTMLElement} root
 * @param {() => boolean} live
 */
function render(root, live) {
  const notices = h('div');
  const secrets = h('div');
  const filter = h(
    'select',
    { name: 'status', 'data-testid': 'applications-status' },
    h('option', { value: '' }, 'all'),
    STATUSES.map((s) => h('option', { value: s, selected: s === 'pending' }, s)),
  );
  const list = pagedList({
    live,
    notices,
    doing: 'list applications',
    fetchPage: (/** @type {string | undefined} */ cursor) =>
      api('applications/list', {
        ...(filter.value ? { status: filter.value } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    render: (/** @type {{ applications: Application[] }} */ answer) => applicationTable(ctx, answer.applications),
    labels: { loading: 'Loading applications…' },
  });
  /** @type {Context} */
  const ctx = { notices, secrets, reload: () => list.first() };
  filter.addEventListener('change', () => {
    clearNotices(notices);
    list.first();
  });
  root.replaceChildren(
    sectionHead(
      'Applications',
      'Requests for operator access from the public /apply page. Approving creates the operator in the sandbox; it goes live from its operator page.',
      field('Status', filter, 'inline'),
      button('Refresh', () => list.reload()),
    ),
    ...(can('manage')
      ? []
      : [readOnlyNote(`your role (${state.session?.role ?? 'unknown'}) may view applications but not decide them.`)]),
    notices,
    secrets,
    h('div', { 'data-testid': 'applications' }, list.node),
  );
  list.first();
}

export default { key: 'applications', title: 'Applications', roles: ['admin', 'support'], render };
