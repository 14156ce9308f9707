# syntax=docker/dockerfile:1
# qcc image: build the monorepo in one stage, run only the proxy's production files (with the
# admin console bundle) on node:20-slim as the non-root `node` user, with cloudflared for the
# Cloudflare Tunnel. The build steps live in scripts/build-image-contents.sh, which CI also
# runs outside Docker and then starts, exactly as this image does.
#
#   docker build -t qcc .            (or: docker compose up -d)

ARG NODE_IMAGE=node:20-slim
ARG CLOUDFLARED_VERSION=2025.7.0

FROM ${NODE_IMAGE} AS build
ENV CI=1
RUN npm i -g pnpm@12.4.2
WORKDIR /src
# The lockfile alone fills the package store, so this layer survives source changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN scripts/build-image-contents.sh /out

# The official image has a static cloudflared for each architecture.
FROM cloudflare/cloudflared:${CLOUDFLARED_VERSION} AS cloudflared

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    LISTEN_ADDR=:8000 \
    QCC_DATA_DIR=/data \
    TUNNEL_CLOUDFLARED_PATH=/usr/local/bin/cloudflared
COPY --from=cloudflared /usr/local/bin/cloudflared /usr/local/bin/cloudflared
WORKDIR /app
# Owned by root, run as node: the server cannot rewrite its own code.
COPY --from=build /out /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# /healthz on the port of LISTEN_ADDR (`:8000`, `0.0.0.0:9000`, ...); node has fetch built in.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const a=process.env.LISTEN_ADDR||':8000';fetch('http://127.0.0.1:'+a.slice(a.lastIndexOf(':')+1)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form, no shell or pnpm in between: SIGTERM reaches node, which drains and exits.
# One V8 worker thread: each one keeps a malloc arena of freed GC memory resident (~10 MiB of
# idle RSS in half the starts measured); a proxy's small heap does not need more GC helpers.
CMD ["node", "--v8-pool-size=1", "dist/cli.js", "proxy"]
