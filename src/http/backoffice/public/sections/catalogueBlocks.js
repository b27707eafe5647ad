// @ts-check
// Catalogue blocks (PROTOCOL §14): the studios and games one operator neither lists nor launches, set
// with operators/update (blockedProviders, blockedGames), and each game's country blocks shown beside it.
import { api, append, can, cell, field, h, notify, notifyError, sectionHead, state, table } from '../app.js';

/** Games shown at once in the picker; the filter narrows a large catalogue, blocked games always show. */
const MAX_GAME_ROWS = 200;

function readOnlyNotice() {
  return h(
    'div',
    { class: 'alert alert-info' },
    h(
      'div',
      { class: 'alert-body' },
      `Read only: your role (${state.session.role}) may view catalogue blocks but not change them.`,
    ),
  );
}

function providerChecks(providers, blocked, manage) {
  if (!providers.length) return h('div', { class: 'empty' }, 'No providers yet');
  return h(
    'div',
    { class: 'checks', 'data-testid': 'blocked-providers' },
    providers.map((p) =>
      h(
        'label',
        {},
        h('input', {
          type: 'checkbox',
          name: 'blockedProvider',
          value: p.providerID,
          checked: blocked.has(p.providerID),
          disabled: !manage,
        }),
        `${p.providerID} · ${p.name}`,
      ),
    ),
  );
}

function gameRows(games, blocked, filterText, manage) {
  const needle = filterText.trim().toLowerCase();
  const matches = games.filter(
    (g) =>
      blocked.has(g.gameID) ||
      !needle ||
      String(g.gameID).includes(needle) ||
      g.name.toLowerCase().includes(needle) ||
      g.providerID.toLowerCase().includes(needle),
  );
  const shown = matches.slice(0, MAX_GAME_ROWS);
  const rows = shown.map((g) =>
    h(
      'tr',
      { 'data-game-id': String(g.gameID) },
      cell(
        h('input', {
          type: 'checkbox',
          name: 'blockedGame',
          value: String(g.gameID),
          checked: blocked.has(g.gameID),
          disabled: !manage,
          'aria-label': `Block game ${g.gameID}`,
        }),
      ),
      cell(String(g.gameID)),
      cell(g.name, 'wrap'),
      cell(g.providerID),
      cell(g.category ?? '—'),
      cell(g.blockedCountries.length ? g.blockedCountries.join(', ') : '—', 'wrap'),
      cell(g.enabled ? 'yes' : 'no'),
    ),
  );
  return [
    table(
      ['Blocked', 'Game ID', 'Name', 'Provider', 'Category', 'Blocked countries', 'Enabled'],
      rows,
      'No games match',
    ),
    matches.length > shown.length
      ? h('p', { class: 'muted' }, `${matches.length - shown.length} more match: narrow the filter to see them.`)
      : null,
  ];
}

/** The editor of one operator's blocks: studios as checkboxes, games as a filtered table of checkboxes. */
function blocksEditor(operator, providers, games, notices, reload) {
  const manage = can('manage');
  const blockedGames = new Set(operator.blockedGames);
  const gamesSlot = h('div');
  const filterInput = h('input', { type: 'search', name: 'gameFilter', placeholder: 'ID, name or provider' });
  const redrawGames = () => gamesSlot.replaceChildren(...gameRows(games, blockedGames, filterInput.value, manage));
  filterInput.addEventListener('input', redrawGames);
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'blocks-form' },
    h('h2', {}, `Blocked studios for ${operator.agentID}`),
    providerChecks(providers, new Set(operator.blockedProviders), manage),
    h('h2', { class: 'spaced' }, `Blocked games for ${operator.agentID}`),
    field('Filter games', filterInput),
    gamesSlot,
    manage
      ? h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit' }, 'Save blocks'))
      : null,
  );
  // Checked games are remembered across filtering, so narrowing the list never drops a block.
  form.addEventListener('change', (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.name !== 'blockedGame') return;
    if (input.checked) blockedGames.add(Number(input.value));
    else blockedGames.delete(Number(input.value));
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const blockedProviders = [...form.querySelectorAll('input[name="blockedProvider"]:checked')].map(
      (i) => /** @type {HTMLInputElement} */ (i).value,
    );
    try {
      const { operator: saved } = await api('operators/update', {
        agentID: operator.agentID,
        blockedProviders,
        blockedGames: [...blockedGames].sort((a, b) => a - b),
      });
      notify(
        notices,
        'success',
        'Blocks saved',
        `${saved.agentID}: ${saved.blockedProviders.length} studio(s) and ${saved.blockedGames.length} game(s) blocked.`,
      );
      reload(saved.agentID);
    } catch (error) {
      notifyError(notices, error, 'save the blocks');
    }
  });
  redrawGames();
  return form;
}

function render(root, live) {
  const notices = h('div');
  const operatorSelect = h('select', { name: 'agentID', 'data-testid': 'blocks-operator' });
  const editorSlot = h('div', { class: 'card' }, h('div', { class: 'empty' }, 'Loading…'));
  let data = null;

  append(root, [
    sectionHead(
      'Catalogue blocks',
      'Studios and games an operator neither lists nor launches (its launches get code 8); other operators are not affected. Countries are blocked per game (blockedCountries, in games/upsert) and apply to launches that name the player\u2019s country.',
    ),
    can('manage') ? null : readOnlyNotice(),
    notices,
    h('div', { class: 'card' }, field('Operator', operatorSelect)),
    editorSlot,
  ]);

  const showEditor = () => {
    const operator = data.operators.find((o) => o.agentID === operatorSelect.value);
    if (!operator) return editorSlot.replaceChildren(h('div', { class: 'empty' }, 'No operators yet'));
    editorSlot.replaceChildren(blocksEditor(operator, data.providers, data.games, notices, load));
  };
  operatorSelect.addEventListener('change', showEditor);

  async function load(selected) {
    try {
      const [{ operators }, { providers }, { games }] = await Promise.all([
        api('operators/list'),
        api('providers/list'),
        api('games/list'),
      ]);
      if (!live()) return;
      data = { operators, providers, games };
      const keep = selected ?? operatorSelect.value;
      operatorSelect.replaceChildren(
        ...operators.map((o) =>
          h('option', { value: o.agentID, selected: o.agentID === keep }, `${o.agentID} · ${o.name}`),
        ),
      );
      showEditor();
    } catch (error) {
      if (live()) notifyError(notices, error, 'load the catalogue blocks');
    }
  }
  load();
}

export default { key: 'blocks', title: 'Catalogue blocks', roles: ['admin', 'support'], render };
