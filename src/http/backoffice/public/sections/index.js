// @ts-check
// Back-office sections kept in modules of their own, one line each:
//   export { default as reports } from './reports.js';
// A section module imports what it needs from '../app.js' (h, table, api, notify, ...) and its default
// export is { key, title, roles: ['admin', ...], render(root, live) }; app.js adds it to the menu.
export { default as blocks } from './catalogueBlocks.js';
export { default as round } from './round.js';
export { default as players } from './players.js';
export { default as reports } from './reports.js';
export { default as applications } from './applications.js';
export { default as operator } from './operator.js';
