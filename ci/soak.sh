#!/usr/bin/env bash
# Soak: the `soak` profile (50 users, think times as written) shortened to MINUTES (default 10)
# against a reference service on a WAL database file, whose resident memory, open file
# descriptors and threads are sampled every 10 s. Writes OUT (default soak.tsv: seconds, RSS
# MiB, fds, threads) and prints the RSS slope after the warm-up (least squares, MiB per
# minute) and the range of fds and threads, against the bound of docs/studies/soak.md:
# RSS slope below 1 MiB/min, fds and threads each within 8 of their post-warm-up minimum.
# Exit 0 when the bound holds, 1 when it does not. Not run by CI (it takes minutes).
# Usage: ci/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
out=${OUT:-soak.tsv}
cargo build --release -q
bin=target/release/tta-bench
work=$(mktemp -d)
script=soak
source ci/serve.sh
# 50 users need 200 seeded patients (the service seeds N/4 clinicians for N patients).
serve --db "$work/soak.db" --seed-users 200 --rate-limit off
"$bin" load --target "$url" --profile soak --duration "${minutes}m" --out "$work/run.json" \
  > "$work/load.out" 2> "$work/load.err" &
load=$!
printf 'seconds\trss_mib\tfds\tthreads\n' > "$out"
start=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$server/status")
  fds=$(ls "/proc/$server/fd" | wc -l)
  printf '%s\t%s\t%s\t%s\n' "$(( $(date +%s) - start ))" \
    "$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}')" "$fds" "$threads" >> "$out"
  sleep 10
done
wait "$load" || [ $? = 1 ]
tail -1 "$work/load.out"
python3 - "$out" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])][1:]
rows = [(float(s), float(r), int(f), int(t)) for s, r, f, t in rows]
# Warm-up: the profile's 60 s ramp and a minute after it.
steady = [r for r in rows if r[0] >= 120]
if len(steady) < 6:
    sys.exit("soak: too few samples after the warm-up; run longer")
xs = [r[0] / 60 for r in steady]
ys = [r[1] for r in steady]
mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
fds = [r[2] for r in steady]
threads = [r[3] for r in steady]
print(f"RSS {min(ys):.1f}-{max(ys):.1f} MiB, slope {slope:+.3f} MiB/min after the warm-up; "
      f"fds {min(fds)}-{max(fds)}; threads {min(threads)}-{max(threads)}; {len(steady)} samples")
ok = slope < 1.0 and max(fds) - min(fds) <= 8 and max(threads) - min(threads) <= 8
print("bound holds" if ok else "bound does NOT hold")
sys.exit(0 if ok else 1)
PY
