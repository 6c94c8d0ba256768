# The Frontline API. Runs TypeScript through tsx (no build step), as `npm start` does.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY data ./data
COPY openapi ./openapi
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "--import", "tsx", "src/server.ts"]
