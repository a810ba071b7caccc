#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang-16, MYDOCKER_FUZZ=ON)
# and runs each for a fixed time on a copy of its seed corpus. Exits
# non-zero when a target crashes, leaks, trips UBSan or breaks one of its
# properties, printing the input that did it. docs/fuzzing.md explains.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 20, all)
#
# Environment: BUILD_DIR (default ./build-fuzz), FUZZ_OUT (where crash
# inputs and the grown corpora are kept; default a fresh temp folder),
# FUZZ_JOBS_NICE (default 19), NO_INSTALL=1 to skip apt.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
seconds=${1:-20}
shift || true
build=${BUILD_DIR:-$repo/build-fuzz}
nice_level=${FUZZ_JOBS_NICE:-19}

# Target → -max_len: the largest input worth mutating (bigger inputs only
# slow a target down without reaching new code).
declare -A max_len=(
  [http_server]=8192 [api_router]=4096 [image_reference]=512 [www_authenticate]=2048 [dns_packet]=512
  [go_template]=2048 [cli_create_body]=4096 [host_config_security]=8192 [seccomp_profile]=16384
  [tar_extract]=65536 [image_archive]=65536
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http_server api_router image_reference www_authenticate dns_packet go_template
                                     cli_create_body host_config_security seccomp_profile tar_extract image_archive)

if [ "${NO_INSTALL:-0}" != 1 ] && ! { command -v clang++-16 >/dev/null &&
     [ -f /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a ]; }; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang-16 libfuzzer-16-dev >/dev/null
fi

start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-16 CXX=clang++-16 nice -n "$nice_level" cmake -S . -B "$build" -G Ninja -DMYDOCKER_FUZZ=ON >/dev/null
fi
if ! nice -n "$nice_level" ninja -C "$build" $(printf 'fuzz_%s ' "${targets[@]}") >"$build/fuzz-build.log" 2>&1; then
  grep -E -A3 'error|FAILED' "$build/fuzz-build.log" | head -40
  echo "fuzz build failed: $build/fuzz-build.log" >&2
  exit 2
fi
echo "build: $(( $(date +%s) - start )) s"

out=${FUZZ_OUT:-$(mktemp -d /tmp/mydocker-fuzz.XXXXXX)}
mkdir -p "$out"
failed=0
printf '%-22s %10s %9s %6s %6s  %s\n' target execs exec/s cov corpus result
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  corpus=$out/corpus/$t
  artifacts=$out/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  cp -n "$repo/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  log=$out/$t.log
  # -timeout: one input may take this long (slow machine, sanitizers);
  # -rss_limit_mb: the API must not let one request take 2 GB.
  set +e
  ( cd "$out" && nice -n "$nice_level" "$bin" -max_total_time="$seconds" -max_len="${max_len[$t]:-4096}" \
      -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" ) >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$({ grep -o 'cov: [0-9]*' "$log" || true; } | tail -1 | cut -d' ' -f2)
  ncorp=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    failed=1
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="FAILED (exit $rc): ${crash:-see $log}"
  fi
  printf '%-22s %10s %9s %6s %6s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "$ncorp" "$result"
  if [ $rc -ne 0 ]; then
    { grep -E 'ERROR: |runtime error|property violated|what\(\)|SUMMARY' "$log" || true; } | head -6 | sed 's/^/    /'
    if [ -n "${crash:-}" ]; then echo "    reproduce: $bin $crash"; fi
  fi
done
echo "logs, grown corpora and crash inputs: $out"
echo "total: $(( $(date +%s) - start )) s"
exit $failed
