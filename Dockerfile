# The four Make Us Rich images, one target each, built from the repository root:
#   docker build --target operator  -t make-us-rich/operator .
#   docker build --target server    -t make-us-rich/server .
#   docker build --target dashboard -t make-us-rich/dashboard .
#   docker build --target trainer   -t make-us-rich/trainer .
# One dependency stage installs each workspace's production dependencies (npm workspaces: the root package-lock.json
# pins them all), so a rebuild of any image reuses it. Each image gets only its workspace's node_modules and source
# folders, runs as uid 10001 and writes nothing at run time (the chart mounts a read-only root filesystem).

ARG NODE_IMAGE=node:24-bookworm-slim
# @tensorflow/tfjs-node-gpu 4.22 links libtensorflow 2.9, built for CUDA 11.2 and cuDNN 8.1: the trainer's CUDA runtime
# base must match that major/minor line. Without a GPU the same image falls back to libtensorflow's CPU kernels.
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04
# gpu: the trainer adds the GPU build of TensorFlow.js, whose install script downloads libtensorflow from Google's
# storage. cpu: it leaves that out and trains on TensorFlow.js's own backends (wasm, then cpu), for builds without
# that download.
ARG TRAINER_TENSORFLOW=gpu

# ---- dependencies, shared by every image -----------------------------------------------------------------------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY core/package.json core/
COPY operator/package.json operator/
COPY server-image/package.json server-image/
COPY dashboard/package.json dashboard/
COPY trainer-image/package.json trainer-image/
COPY local-cluster/package.json local-cluster/
COPY test/package.json test/
COPY scripts/prune-foreign-binaries.ts scripts/

FROM manifests AS deps
# Install scripts stay off: no image loads an addon that builds or downloads at install time (onnxruntime-node's
# script would only fetch CUDA files). The npm cache is shared by the four installs, so each package downloads once.
RUN for workspace in operator server-image dashboard trainer-image; do \
      npm ci --workspace "$workspace" --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
      && node scripts/prune-foreign-binaries.ts node_modules \
      && mkdir -p "/deps/$workspace" && mv node_modules "/deps/$workspace/" \
      || exit 1; \
    done \
 && npm cache clean --force

# ---- Node images: operator, server, dashboard --------------------------------------------------------------------
FROM ${NODE_IMAGE} AS node-runtime
RUN groupadd --gid 10001 mur && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin mur
WORKDIR /app

# Each image's sources in one layer of their own (tests and test-support folders are left out by .dockerignore).
FROM scratch AS operator-files
COPY core /app/core
COPY operator /app/operator

FROM scratch AS server-files
COPY core /app/core
COPY server-image/package.json /app/server-image/
COPY server-image/src /app/server-image/src

FROM scratch AS dashboard-files
COPY core /app/core
COPY dashboard/package.json /app/dashboard/
COPY dashboard/src /app/dashboard/src
COPY dashboard/public /app/dashboard/public

FROM scratch AS trainer-files
COPY core /app/core
COPY trainer-image/package.json /app/trainer-image/
COPY trainer-image/src /app/trainer-image/src

# The ForecastModel and TrainingRun controllers.
FROM node-runtime AS operator
COPY --from=deps /deps/operator/node_modules ./node_modules
COPY --from=operator-files /app ./
# A small young generation: reconciles allocate in short bursts, and a small nursery keeps peak RSS
# about a quarter lower for a little more GC work (see bench/operator.bench.ts).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MUR_HTTP_PORT=8081
USER 10001:10001
EXPOSE 8081
ENTRYPOINT ["node", "operator/main.ts"]

# The inference server, one Deployment per currency pair. Logs go to stdout, the model is held in memory and
# tokens are read from the mounted Secret.
FROM node-runtime AS server
COPY --from=deps /deps/server-image/node_modules ./node_modules
COPY --from=server-files /app ./
ENV NODE_ENV=production \
    PORT=8080 \
    TOKEN_DIR=/var/run/secrets/makeusrich/tokens
USER 10001:10001
EXPOSE 8080
# Node is PID 1 and handles SIGTERM itself: it stops accepting, drains in-flight requests and exits within
# SHUTDOWN_TIMEOUT_MS (10 s), inside Kubernetes' default 30 s grace period.
ENTRYPOINT ["node", "server-image/src/main.ts"]

# The forecast web page and its backend. The page is read into memory at start, the API token from the mounted
# Secret, and ForecastModels are watched with the pod's ServiceAccount token.
FROM node-runtime AS dashboard
COPY --from=deps /deps/dashboard/node_modules ./node_modules
COPY --from=dashboard-files /app ./
ENV NODE_ENV=production \
    PORT=8090
USER 10001:10001
EXPOSE 8090
# Node is PID 1 and handles SIGTERM itself: it stops accepting connections and exits within 5 s.
ENTRYPOINT ["node", "dashboard/src/main.ts"]

# ---- trainer: Node on the CUDA runtime ----------------------------------------------------------------------------
# Node 24's official binaries need glibc >= 2.28; Ubuntu 20.04 has 2.31, so the binary is copied over.
FROM ${CUDA_IMAGE} AS trainer-runtime
COPY --from=manifests /usr/local/bin/node /usr/local/bin/node
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 mur && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin mur
WORKDIR /app

# The trainer's modules as the dependency stage installed them.
FROM deps AS trainer-modules-cpu

# The GPU package's install script may fall back to compiling its addon, so it runs on the CUDA base it will load on.
FROM trainer-runtime AS trainer-modules-gpu
COPY --from=manifests /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY --from=manifests /app ./
COPY --from=deps /deps/trainer-image/node_modules ./node_modules
# npm 11 refuses --allow-scripts in a project, and package.json's allowScripts overrides .npmrc, so the permission
# goes into this stage's copy of package.json. The install repeats the --omit flags: without them it would add the
# dev and optional dependencies that npm ci left out.
RUN npm pkg set 'allowScripts.@tensorflow/tfjs-node-gpu=true' --json \
 && npm install --workspace trainer-image --no-save --omit=dev --omit=optional --no-audit --no-fund @tensorflow/tfjs-node-gpu@4.22.0 \
 && npm cache clean --force \
 && mkdir -p /deps/trainer-image && mv node_modules /deps/trainer-image/

FROM trainer-modules-${TRAINER_TENSORFLOW} AS trainer-modules

# `mur train` on the GPU build of TensorFlow.js (or the CPU backends, see TRAINER_TENSORFLOW); the backend in use is
# logged at start.
FROM trainer-runtime AS trainer
COPY --from=trainer-modules /deps/trainer-image/node_modules ./node_modules
COPY --from=trainer-files /app ./
ENV NODE_ENV=production \
    MUR_TERMINATION_MESSAGE_PATH=/dev/termination-log
USER 10001:10001
ENTRYPOINT ["node", "trainer-image/src/main.ts"]
