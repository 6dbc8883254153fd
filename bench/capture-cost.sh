#!/usr/bin/env bash
# What the change-capture trigger costs the source's writers (docs/follow.md, "Change capture").
# Usage: bash bench/capture-cost.sh [--batches=200] [--singles=2000] [--url=jdbc:postgresql://HOST/DB --user=U --password=P]
# Without --url it starts the embedded PostgreSQL. Built and compiled like bench/run.sh.
set -euo pipefail
BENCH_MAIN=io.tsmigrator.bench.CaptureCost exec bash "$(dirname "$0")/run.sh" "$@"
