# syntax=docker/dockerfile:1
# The gateway (apps/gateway): HTTP API, web UI, auth, metrics. It never runs the model, so its image
# has no model files. Build from the repository root:
#   docker build -f docker/gateway.Dockerfile -t sentiment-ops-gateway .

# Same Node as .nvmrc, pinned to a full version so a rebuild cannot drift to another release.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /repo
# onnxruntime-node's postinstall downloads CUDA binaries from outside npm; the CPU build is in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
# The lock file alone first: the dependency layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build gateway --outputStyle=static

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
# Nx writes beside main.js a package.json and lock file with only the packages the bundle imports:
# production dependencies only, no dev tools, no workspace sources.
COPY --from=build /repo/dist/apps/gateway/package.json /repo/dist/apps/gateway/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/apps/gateway ./
COPY docker/healthcheck.js ./healthcheck.js
USER node
EXPOSE 8080
# Healthy once a prediction round trip through an inference replica works (/ready); a Node script, not curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "healthcheck.js", "PORT", "8080", "/ready"]
CMD ["node", "main.js"]
