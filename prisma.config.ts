// Prisma CLI configuration. `prisma generate` reads only the schema; `prisma migrate deploy` (where a
// schema engine is available) reads the same SQL migrations that src/db/migrate.ts applies.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/casino' },
});
