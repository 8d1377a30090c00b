# syntax=docker/dockerfile:1
# The inference service. Build from the repository root: docker build -f docker/inference.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /repo
# onnxruntime-node's postinstall downloads CUDA binaries; the CPU build is in the npm package.
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build inference --outputStyle=static

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
# Nx writes a package.json and lock file with only the packages the bundle needs.
COPY --from=build /repo/dist/apps/inference/package.json /repo/dist/apps/inference/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/apps/inference ./
# Hub downloads go to this cache (a volume in compose.yml); pre-pull with npm run model:pull.
ENV MODELS_CACHE_DIR=/app/models/cache
RUN mkdir -p /app/models/cache && chown -R node:node /app/models
COPY docker/healthcheck.js ./healthcheck.js
# The project's own model, so MODEL_ID=sentiment-lite serves with no download.
COPY models/sentiment-lite ./models/sentiment-lite
USER node
EXPOSE 8081
# A small Node script, not curl: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "healthcheck.js", "8081", "/health/live"]
CMD ["node", "main.js"]
