# The Frontline API. Runs TypeScript through tsx (no build step), as `npm start` does.
#   docker build -t frontline . && docker run -p 3000:3000 -v frontline-data:/data frontline
# Alone it serves the embedded database in /data; without API_TOKENS it generates a write token at first start,
# keeps it in /data/api-token (mode 0600) and prints it once in the log (`docker logs`).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY data ./data
COPY openapi ./openapi
# The volume's mount point must exist and belong to the user before VOLUME: a new volume copies its owner from it.
# Declared after VOLUME, /data would stay root's and the first start would fail with EACCES.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# The image has no curl: node asks /health itself. The first start loads the bundled dataset (about 10 s).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains requests for SHUTDOWN_TIMEOUT_MS (8 s), under docker stop's 10 s before SIGKILL.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/server.ts"]
