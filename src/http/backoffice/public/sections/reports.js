// @ts-check
// Reports: GGR per day as a chart (Chart.js, served by us from node_modules) with the table of the
// chosen grouping, and its CSV (PROTOCOL §12). Everything goes through /admin/v1/reports/ggr.
import {
  api,
  append,
  cell,
  field,
  fill,
  formatTime,
  h,
  notify,
  notifyError,
  sectionHead,
  state,
  table,
  valueOf,
} from '../app.js';

const CHART_LIBRARY = '/backoffice/vendor/chartjs/chart.umd.min.js';
const GROUP_KEYS = [
  ['day', 'Day'],
  ['agentID', 'Operator'],
  ['providerID', 'Studio'],
  ['gameID', 'Game'],
  ['currency', 'Currency'],
];
const FIGURES = [
  ['betCount', 'Bets (count)'],
  ['bets', 'Bets'],
  ['rollbacks', 'Rollbacks'],
  ['wins', 'Wins'],
  ['ggr', 'GGR'],
  ['rounds', 'Rounds'],
  ['players', 'Players'],
  ['missingRates', 'Missing rates'],
];
const LOCAL_FIGURES = [
  ['betsLocal', 'Bets (local)'],
  ['rollbacksLocal', 'Rollbacks (local)'],
  ['winsLocal', 'Wins (local)'],
  ['ggrLocal', 'GGR (local)'],
];
const DAY_MS = 86_400_000;

/** The library sets globalThis.Chart once loaded; loaded the first time a chart is drawn. */
let chartLibrary = null;
function loadChartLibrary() {
  chartLibrary ??= import(CHART_LIBRARY).then(() => globalThis.Chart);
  return chartLibrary;
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Every day of [from, to), so that days without play show as 0 instead of disappearing. */
function daysOf(from, to) {
  const days = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms < Date.parse(`${to}T00:00:00Z`); ms += DAY_MS)
    days.push(isoDay(ms));
  return days;
}

function filterForm(onSubmit, onCsv) {
  const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'report-filters' },
    h(
      'div',
      { class: 'form-grid' },
      field(
        'From (UTC day)',
        h('input', { name: 'from', type: 'date', value: isoDay(today - 29 * DAY_MS), required: true }),
      ),
      field('To (exclusive)', h('input', { name: 'to', type: 'date', value: isoDay(today + DAY_MS), required: true })),
      field('Agent ID', h('input', { name: 'agentID', maxlength: 64, autocomplete: 'off' })),
      field('Provider ID', h('input', { name: 'providerID', maxlength: 64, autocomplete: 'off' })),
    ),
    h(
      'div',
      { class: 'checks spaced', 'data-testid': 'report-group-by' },
      h('span', { class: 'muted small' }, 'Group by'),
      GROUP_KEYS.map(([key, label]) =>
        h('label', {}, h('input', { type: 'checkbox', name: `group-${key}`, checked: key === 'day' }), label),
      ),
      h('label', {}, h('input', { type: 'checkbox', name: 'includeSandbox' }), 'Include sandbox'),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, 'Show report'),
      h(
        'button',
        { class: 'btn', type: 'button', 'data-testid': 'report-csv', onclick: () => onCsv() },
        'Download CSV',
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit();
  });
  return form;
}

function filtersOf(form) {
  const filters = {
    from: valueOf(form, 'from'),
    to: valueOf(form, 'to'),
    groupBy: GROUP_KEYS.map(([key]) => key).filter((key) => form.elements.namedItem(`group-${key}`).checked),
    includeSandbox: form.elements.namedItem('includeSandbox').checked,
  };
  for (const name of ['agentID', 'providerID']) {
    const value = valueOf(form, name);
    if (value) filters[name] = value;
  }
  return filters;
}

function reportTable(answer) {
  const keys = GROUP_KEYS.filter(([key]) => answer.groupBy.includes(key));
  const figures = answer.groupBy.includes('currency') ? [...FIGURES, ...LOCAL_FIGURES] : FIGURES;
  const headers = [...keys.map(([, label]) => label), ...figures.map(([, label]) => label)];
  const rows = answer.rows.map((row) =>
    h(
      'tr',
      { 'data-testid': 'report-row' },
      keys.map(([key]) => cell(h('span', { class: 'mono' }, String(row[key])))),
      figures.map(([key]) => cell(String(row[key]), 'num')),
    ),
  );
  if (rows.length) {
    rows.push(
      h(
        'tr',
        { class: 'totals', 'data-testid': 'report-totals' },
        keys.map((_, i) => cell(i === 0 ? h('strong', {}, 'Total') : '')),
        figures.map(([key]) => cell(key in answer.totals ? h('strong', {}, String(answer.totals[key])) : '—', 'num')),
      ),
    );
  }
  return table(headers, rows, 'Nothing was played in this period.');
}

function drawChart(Chart, canvas, previous, perDay, filters) {
  const byDay = new Map(perDay.rows.map((row) => [row.day, row.ggr]));
  const days = daysOf(filters.from, filters.to);
  previous?.destroy();
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: days,
      datasets: [
        {
          label: `GGR (${perDay.baseCurrency})`,
          data: days.map((day) => byDay.get(day) ?? 0),
          backgroundColor: '#2f6fde',
          borderColor: '#2f6fde',
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: true } },
      scales: { y: { beginAtZero: true } },
    },
  });
}

/** The CSV needs the bearer token, so it is fetched, then handed to the browser as a download. */
async function downloadCsv(filters, notices) {
  const response = await fetch('/admin/v1/reports/ggr', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${state.session.token}` },
    body: JSON.stringify({ ...filters, format: 'csv' }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    const answer = await response.json().catch(() => null);
    notify(notices, 'error', 'Could not download the CSV', answer?.message ?? `HTTP ${response.status}`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: `ggr-${filters.from}-${filters.to}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function render(root, live) {
  const notices = h('div');
  const freshness = h('p', { class: 'muted small', 'data-testid': 'report-freshness' });
  const canvas = h('canvas', { 'data-testid': 'ggr-chart', 'aria-label': 'GGR per day', role: 'img' });
  const chartBox = h('div', { class: 'card' }, canvas);
  chartBox.style.height = '300px';
  const results = h('div');
  let chart = null;
  /** Answers to an earlier "Show report" than the last are dropped. */
  let shown = 0;
  const form = filterForm(show, () =>
    downloadCsv(filtersOf(form), notices).catch((error) => notifyError(notices, error, 'download the CSV')),
  );

  append(root, [
    sectionHead('Reports', 'GGR (bets − rollbacks − wins) in the base currency, from the daily aggregate.'),
    h('div', { class: 'card' }, form),
    notices,
    freshness,
    chartBox,
    results,
  ]);

  async function show() {
    notices.replaceChildren();
    const filters = filtersOf(form);
    const request = ++shown;
    const current = () => live() && request === shown;
    try {
      // The chart is always per day; the table follows the grouping chosen.
      const [perDay, report] = await Promise.all([
        api('reports/ggr', { ...filters, groupBy: ['day'] }),
        api('reports/ggr', filters),
      ]);
      if (!current()) return;
      fill(
        freshness,
        report.freshness.asOf
          ? `Figures include every transaction folded by ${formatTime(report.freshness.asOf)} (feed position ${report.freshness.lastSeq}).`
          : 'The aggregate has not been folded yet: the figures are empty until the sequencer runs.',
      );
      fill(results, reportTable(report));
      const Chart = await loadChartLibrary();
      if (!current()) return;
      chart = drawChart(Chart, canvas, chart, perDay, filters);
      canvas.dataset.drawn = `${filters.from}/${filters.to}`;
    } catch (error) {
      if (!current()) return;
      notifyError(notices, error, 'read the report');
    }
  }

  show();
}

export default { key: 'reports', title: 'Reports', roles: ['admin', 'support', 'finance'], render };
