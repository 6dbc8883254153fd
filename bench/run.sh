#!/usr/bin/env bash
# Benchmark: migrator vs server-side SQL pivot. Usage: bash bench/run.sh [--ships=4 --channels=93 ...]
# (bash bench/run.sh --help lists the options). Builds the migrator jar when it is missing or older
# than the sources, compiles the bench against it, and runs it from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/timeseries-migrator.jar
if [[ ! -f $JAR ]] || [[ -n $(find src/main routes config pom.xml -newer "$JAR" -type f 2>/dev/null | head -1) ]]; then
  echo "[bench] building $JAR (mvn -B -q package -DskipTests)..." >&2
  mvn -B -q -Dstyle.color=never package -DskipTests >&2
fi

OUT=bench/target/classes
SRC=$(find bench/src -name '*.java')
if [[ ! -d $OUT ]] || [[ -n $(find bench/src -newer "$OUT/.stamp" -type f 2>/dev/null | head -1) ]] || [[ $JAR -nt $OUT/.stamp ]] || [[ ! -f $OUT/.stamp ]]; then
  rm -rf "$OUT" && mkdir -p "$OUT"
  javac --release 17 -cp "$JAR" -d "$OUT" $SRC
  touch "$OUT/.stamp"
fi

exec java -Xmx1g -Dbench.project.dir="$PWD" -cp "$OUT:$JAR" "${BENCH_MAIN:-io.tsmigrator.bench.Bench}" "$@"
