#!/usr/bin/env bash
# Benchmark: the migrator as users run it (cold java -jar) against the SQL pivot. Usage:
# bash bench/run.sh [--scenario=wide|fleet|million|outliers] [--option=value ...] (--help lists them;
# bench/README.md gives one command per figure). Builds the migrator jar when it is missing or older
# than the sources, compiles the bench against it, and runs it from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/timeseries-migrator.jar
if [[ ! -f $JAR ]] || [[ -n $(find src/main routes config pom.xml -newer "$JAR" -type f 2>/dev/null | head -1) ]]; then
  echo "[bench] building $JAR (mvn -B -q package -DskipTests)..." >&2
  mvn -B -q -Dstyle.color=never package -DskipTests >&2
fi

OUT=bench/target/classes
if [[ ! -f $OUT/.stamp ]] || [[ -n $(find bench/src -newer "$OUT/.stamp" -type f 2>/dev/null | head -1) ]] || [[ $JAR -nt $OUT/.stamp ]]; then
  rm -rf "$OUT" && mkdir -p "$OUT"
  javac --release 17 -cp "$JAR" -d "$OUT" $(find bench/src -name '*.java')
  touch "$OUT/.stamp"
fi

exec java -Xmx512m -Dbench.project.dir="$PWD" -cp "$OUT:$JAR" "${BENCH_MAIN:-io.tsmigrator.bench.Bench}" "$@"
