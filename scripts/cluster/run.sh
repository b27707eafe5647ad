#!/usr/bin/env bash
# `npm run test:cluster`: starts the cluster rig (Galera, and Redis when scripts/cluster/redis.sh is
# there), runs test/cluster with jest.cluster.config.js, and stops the rig whatever happens.
set -uo pipefail
cd "$(dirname "$0")/../.."
here=scripts/cluster

cleanup() {
  [ -x "$here/redis.sh" ] && "$here/redis.sh" stop || true
  "$here/galera.sh" stop || true
}
trap cleanup EXIT INT TERM

npm run build --silent || exit 1
"$here/galera.sh" start || exit 1
if [ -x "$here/redis.sh" ]; then "$here/redis.sh" start || exit 1; fi
npx jest -c jest.cluster.config.js "$@"
