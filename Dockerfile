# tinycondor in a container: `docker compose up -d --scale startd=3` (see docker-compose.yml and the README).
# Base images are arguments, so a registry's node images work as they are and a locally built one can
# stand in for them under the same names (scripts/docker-test.sh does that where no registry is reachable).
ARG BUILD_IMAGE=node:20-bookworm
ARG BASE_IMAGE=node:20-bookworm-slim

# Build: all dependencies (their layer is reused while the package files are unchanged), compile the
# TypeScript, then drop the development dependencies.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/transfer/package.json packages/transfer/
COPY packages/client/package.json packages/client/
COPY packages/schedd/package.json packages/schedd/
COPY packages/startd/package.json packages/startd/
COPY packages/cli/package.json packages/cli/
COPY packages/dashboard/package.json packages/dashboard/
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY . .
# The startd's native job spawner (without a compiler it is left out and jobs start through fork) and the
# schedd's owner-rights module (used only by a root schedd; the image runs as an unprivileged user).
RUN npx tsc -b && node scripts/bundle-cli.mjs && npm run install -w @tinycondor/startd && mkdir -p packages/startd/build \
 && npm run install -w @tinycondor/schedd && mkdir -p packages/schedd/build \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime: node, the production node_modules and the compiled packages; tini as PID 1 reaps the process
# groups of jobs whose parents are gone and forwards signals; an unprivileged user runs everything.
# JOB_PACKAGES: what jobs need on the execute side (python3 runs the self-checkpointing examples).
FROM ${BASE_IMAGE}
ARG JOB_PACKAGES=python3
RUN apt-get update && apt-get install -y --no-install-recommends tini ${JOB_PACKAGES} && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tinycondor --create-home --shell /bin/sh condor \
 && mkdir -p /var/lib/tinycondor-startd && chown condor:condor /var/lib/tinycondor-startd
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages/shared/package.json ./packages/shared/
COPY --from=build /src/packages/shared/dist ./packages/shared/dist
COPY --from=build /src/packages/transfer/package.json ./packages/transfer/
COPY --from=build /src/packages/transfer/dist ./packages/transfer/dist
COPY --from=build /src/packages/client/package.json ./packages/client/
COPY --from=build /src/packages/client/dist ./packages/client/dist
COPY --from=build /src/packages/schedd/package.json ./packages/schedd/
COPY --from=build /src/packages/schedd/dist ./packages/schedd/dist
COPY --from=build /src/packages/schedd/build ./packages/schedd/build
COPY --from=build /src/packages/startd/package.json ./packages/startd/
COPY --from=build /src/packages/startd/dist ./packages/startd/dist
COPY --from=build /src/packages/startd/build ./packages/startd/build
COPY --from=build /src/packages/cli/package.json ./packages/cli/
COPY --from=build /src/packages/cli/bin ./packages/cli/bin
COPY --from=build /src/packages/cli/dist ./packages/cli/dist
COPY --from=build /src/packages/cli/bundle ./packages/cli/bundle
COPY --from=build /src/packages/dashboard/package.json ./packages/dashboard/
COPY --from=build /src/packages/dashboard/dist ./packages/dashboard/dist
COPY --from=build /src/packages/dashboard/static ./packages/dashboard/static
ENV PATH=/app/node_modules/.bin:$PATH \
    CONDOR_CONFIG=/var/lib/tinycondor/condor_config
USER condor
WORKDIR /var/lib/tinycondor
EXPOSE 9618
ENTRYPOINT ["/usr/bin/tini", "-g", "--", "/app/packages/cli/bin/tinycondor.js"]
CMD ["schedd", "--home", "/var/lib/tinycondor", "--host", "0.0.0.0", "--port", "9618"]
