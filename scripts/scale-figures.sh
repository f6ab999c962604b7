#!/usr/bin/env bash
# Figures for README "Projects that grow": a project of N documents built by repeating the
# sample articles (each copy's text made distinct), then add, annotate, stats and
# annotate --doc ONE timed with their peak memory.
# Usage: scripts/scale-figures.sh [N=10000] [FORMAT=ron|json|folder|folder-json]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
format=${2:-ron}
bin="${CARGO_TARGET_DIR:-target}/release/tagdesk"
[ -x "$bin" ] || cargo build --release --quiet --no-default-features
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work/corpus" assets/samples/*.txt <<'PY'
import json, os, sys
n, out, paths = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
texts = [open(p, encoding="utf-8").read() for p in paths]
os.makedirs(out)
# Shards of 5,000 documents, as a corpus arrives.
for shard in range(0, n, 5000):
    with open(f"{out}/part-{shard // 5000:03}.jsonl", "w", encoding="utf-8") as f:
        for i in range(shard, min(n, shard + 5000)):
            f.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)] + f"\n(copy {i})"},
                               ensure_ascii=False) + "\n")
PY
words=$(cat "$work"/corpus/*.jsonl | wc -w)
echo "$n documents, about $words words"
cd "$work"
run() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "$label: %e s, %M KB peak" "$@" >"$label.out" 2>"$label.time" || { cat "$label.out" "$label.time"; exit 1; }
    tail -1 "$label.time"
}
new=(new)
case $format in
    folder) p=p.tagdesk ;;
    folder-json) p=p.tagdesk; new=(new --documents json) ;;
    *) p=p.tagdesk.$format ;;
esac
"$bin" "${new[@]}" "$p" >/dev/null
run add "$bin" add "$p" corpus
run annotate "$bin" annotate "$p"
run stats "$bin" stats "$p"
# A folder project's stats reads the summary cache that annotate's save (or the first stats)
# wrote; without it (after a git checkout, say), stats-cold reads every document.
run stats-again "$bin" stats "$p"
if [ -d "$p/.cache" ]; then
    rm -rf "$p/.cache"
    run stats-cold "$bin" stats "$p"
fi
run annotate-one "$bin" annotate "$p" --doc a7
du -sh "$p" | sed 's/^/size: /'
