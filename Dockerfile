# syntax=docker/dockerfile:1
# Tracelane: `docker build -t tracelane .` — one image for the server, the standalone collector and the demo.
#   server:    docker run -p 8080:8080 -p 4318:4318 -p 4317:4317 -v tracelane-data:/data -e API_KEYS=… -e INGEST_KEYS=… tracelane
#   collector: docker run … -e CLICKHOUSE_URL=http://clickhouse:8123 tracelane node --import tsx collector/main.ts
# The TypeScript sources run through tsx (a production dependency), exactly as `npm start` does; the build stage
# type-checks them and builds the web UI. chDB's native library (~550 MB) stays in the runtime image because the
# embedded store is the default whenever CLICKHOUSE_URL is unset.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit -p tsconfig.json && npm run build:web

FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080 \
    OTLP_PORT=4318 \
    OTLP_GRPC_PORT=4317
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080 4318 4317
# The API's health endpoint needs no key. Collector containers override this (their port serves /metrics).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/api/v1/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
