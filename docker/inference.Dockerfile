# syntax=docker/dockerfile:1
# An inference replica (apps/inference): loads the model and answers predictions from Redis Streams.
# Build from the repository root:
#   docker build -f docker/inference.Dockerfile -t sentiment-ops-inference .
# Bake a hub model into the image (the build needs the hub; the container then runs offline):
#   docker build -f docker/inference.Dockerfile --build-arg MODEL_PULL=cardiffnlp/twitter-roberta-base-sentiment-latest -t sentiment-ops-inference .

# Same Node as .nvmrc, pinned to a full version so a rebuild cannot drift to another release.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /repo
# onnxruntime-node's postinstall downloads CUDA binaries from outside npm; the CPU build is in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
# The lock file alone first: the dependency layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build inference --outputStyle=static
# Optional model baked into the hub cache by the project's own puller (same cache layout the service
# reads). Declared after the build so changing it does not rebuild the app.
ARG MODEL_PULL=""
ARG MODEL_DTYPE=q8
RUN mkdir -p models/cache \
  && if [ -n "$MODEL_PULL" ]; then npm run model:pull -- "$MODEL_PULL" --dtype "$MODEL_DTYPE" --cache-dir models/cache; fi

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
# Nx writes beside main.js a package.json and lock file with only the packages the bundle imports:
# production dependencies only, no dev tools, no workspace sources.
COPY --from=build /repo/dist/apps/inference/package.json /repo/dist/apps/inference/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/apps/inference ./
COPY docker/healthcheck.js ./healthcheck.js
# The project's own model (MODEL_ID=sentiment-lite serves with no download), the hub cache (empty unless
# MODEL_PULL was given; compose mounts a volume over it, which Docker seeds from here) and the folder
# fine-tuned models arrive in. Relative model paths resolve from /app.
COPY --chown=node:node models/sentiment-lite ./models/sentiment-lite
COPY --from=build --chown=node:node /repo/models/cache ./models/cache
RUN mkdir -p models/finetuned && chown node:node models models/finetuned
ENV MODELS_CACHE_DIR=/app/models/cache
USER node
EXPOSE 8081
# Healthy once the default model is loaded and the replica reads requests; a hub download can take minutes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 CMD ["node", "healthcheck.js", "INFERENCE_HTTP_PORT", "8081", "/health/ready"]
CMD ["node", "main.js"]
