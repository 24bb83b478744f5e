#!/usr/bin/env bash
# Generates the next migration from src/db/schema. Serialised with flock because
# several people (or agents) may edit the schema at once.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/fanzha-db-generate.lock
flock 9
npx drizzle-kit generate "$@"
