# Multi-stage build: compile with dev dependencies, ship production dependencies only, run as non-root.
# Node 22 (maintained LTS); the code still runs on Node 20.19+ (package.json engines).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The migrator applies these SQL files at every start-up.
COPY --from=build --chown=node:node /app/prisma ./prisma
# /docs/integration.md serves the integration guide.
COPY --chown=node:node docs/INTEGRATION.md ./docs/INTEGRATION.md
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A larger young generation, as `npm start` runs it: each request's short-lived objects die young
# instead of being copied and promoted (measured in `npm run bench`, see docs/DECISIONS.md).
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
