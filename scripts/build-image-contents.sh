#!/usr/bin/env bash
# Builds what the Docker image runs into <out>: the proxy's dist/, its production node_modules
# (workspace packages injected as real folders, @qcc/admin with the console bundle) and
# CHANGELOG.md. `node <out>/dist/cli.js proxy` runs it. The Dockerfile runs this script, and CI
# runs it outside Docker (apps/proxy/test/deploy-image.e2e.test.ts), so both ship the same thing.
#
# usage: scripts/build-image-contents.sh <out-dir> [--no-install] [--no-build]
#   --no-install  the workspace is already installed (CI ran `pnpm install --frozen-lockfile`)
#   --no-build    reuse the built dist/ folders (fails when one is missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out=""
install=1
build=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    -*) echo "build-image-contents: unknown option $arg" >&2; exit 2 ;;
    *) out="$arg" ;;
  esac
done
if [ -z "$out" ]; then
  echo "usage: scripts/build-image-contents.sh <out-dir> [--no-install] [--no-build]" >&2
  exit 2
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$root"

if [ "$install" = 1 ]; then
  pnpm install --frozen-lockfile
fi
if [ "$build" = 1 ]; then
  # turbo builds the proxy and everything it depends on (the admin console included).
  pnpm exec turbo run build --filter=@qcc/proxy... --output-logs=errors-only
fi
for pkg in packages/core packages/store packages/client apps/admin apps/proxy; do
  if [ ! -d "$pkg/dist" ]; then
    echo "build-image-contents: $pkg/dist is missing; build first (or drop --no-build)" >&2
    exit 1
  fi
done

# `pnpm deploy` copies the package with its production dependencies only; workspace packages
# are injected as copies of their published files (dist/, drizzle migrations), not symlinks.
find "$out" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
pnpm --filter @qcc/proxy deploy --prod "$out" >/dev/null
cp CHANGELOG.md "$out/"

# The proxy finds the console through require.resolve('@qcc/admin/package.json') -> dist/.
for f in dist/cli.js node_modules/@qcc/admin/dist/index.html node_modules/@qcc/store/package.json; do
  if [ ! -f "$out/$f" ]; then
    echo "build-image-contents: $f is missing from $out" >&2
    exit 1
  fi
done
echo "build-image-contents: ready in $out"
