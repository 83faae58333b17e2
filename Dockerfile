FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies patches/ after the install (postgres.js: see docs/operations.md, "Known defects").
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY machines ./machines
COPY migrations ./migrations
COPY sql ./sql
# The data folder (generated secrets key) is a volume; created here so it belongs to the unprivileged user.
RUN mkdir -p /app/.slotkeeper && chown node:node /app/.slotkeeper
ENV NODE_ENV=production
EXPOSE 3000
USER node
CMD ["npx", "tsx", "src/main.ts"]
