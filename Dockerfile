FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY machines ./machines
COPY migrations ./migrations
ENV NODE_ENV=production
EXPOSE 3000
USER node
CMD ["npx", "tsx", "src/main.ts"]
