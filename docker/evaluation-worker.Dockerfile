# syntax=docker/dockerfile:1
# The evaluation worker (apps/evaluation-worker): BullMQ jobs (evaluations, fine-tuning, drift reports),
# Postgres migrations at start. Build from the repository root:
#   docker build -f docker/evaluation-worker.Dockerfile -t sentiment-ops-evaluation-worker .

# Same Node as .nvmrc, pinned to a full version so a rebuild cannot drift to another release.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /repo
# onnxruntime-node's postinstall downloads CUDA binaries from outside npm; the CPU build is in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
# The lock file alone first: the dependency layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build evaluation-worker --outputStyle=static

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
# Nx writes beside main.js a package.json and lock file with only the packages the bundle imports:
# production dependencies only, no dev tools, no workspace sources.
COPY --from=build /repo/dist/apps/evaluation-worker/package.json /repo/dist/apps/evaluation-worker/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/apps/evaluation-worker ./
COPY docker/healthcheck.js ./healthcheck.js
# sentiment-lite is the default base of fine-tune jobs; their models go to models/finetuned (a volume the
# inference replicas share in compose) and hub datasets to datasets/cache, both writable by the app user.
COPY --chown=node:node models/sentiment-lite ./models/sentiment-lite
RUN mkdir -p models/finetuned datasets/cache && chown node:node models models/finetuned datasets datasets/cache
USER node
EXPOSE 8082
# Healthy once migrations ran and the BullMQ worker takes jobs; a Node script, not curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "healthcheck.js", "WORKER_HTTP_PORT", "8082", "/health/ready"]
CMD ["node", "main.js"]
