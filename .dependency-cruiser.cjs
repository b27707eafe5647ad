/**
 * Layering rules held by `npm test` (npm run layers). The domain core of money rules imports nothing of
 * ours but the domain; use cases (app) work over store and transport interfaces and never import their
 * implementations; HTTP reaches the database only through the use cases. There is no list of known
 * breaks to ignore: any break fails the check.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain imports nothing of ours but domain (no Express, no database client, no app)',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'domain-no-frameworks',
      comment: 'domain imports no framework or database client',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: 'node_modules/(express|mysql2|@prisma|ioredis|bullmq|undici|pino)' },
    },
    {
      name: 'app-over-interfaces',
      comment: 'use cases never import the db, http, callbacks or jobs implementations',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(db|http|callbacks|jobs|generated)/' },
    },
    {
      name: 'http-through-app',
      comment: 'HTTP reaches the database only through the use cases',
      severity: 'error',
      // http/app.ts is the composition root: it builds the stores and hands them to the routes.
      from: { path: '^src/http/', pathNot: '^src/http/app\\.ts$' },
      to: { path: '^src/(db|generated)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      // Back-office section modules import their helpers from app.js, which lists them (sections/index.js):
      // that cycle is the designed plug-in shape of the page (ES modules resolve it at load), not a layering break.
      from: { path: '^src/', pathNot: '^src/http/backoffice/public/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
