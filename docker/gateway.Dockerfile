# syntax=docker/dockerfile:1
# The gateway service. Build from the repository root: docker build -f docker/gateway.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /repo
# onnxruntime-node's postinstall downloads CUDA binaries; the CPU build is in the npm package.
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build gateway --outputStyle=static

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
# Nx writes a package.json and lock file with only the packages the bundle needs.
COPY --from=build /repo/dist/apps/gateway/package.json /repo/dist/apps/gateway/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/apps/gateway ./
COPY docker/healthcheck.js ./healthcheck.js
USER node
EXPOSE 8080
# A small Node script, not curl: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "healthcheck.js", "8080", "/live"]
CMD ["node", "main.js"]
