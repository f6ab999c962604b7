#!/usr/bin/env bash
# Figures for README "Team work without a server": the whole team flow on N wikigold-sized
# articles (wikigold repeated, each copy's text made distinct) and three annotators simulated
# by importing gold: ben drops every 7th entity, chloe calls every 5th MISC an ORG.
# Usage: scripts/team-figures.sh [N=1000] [DATA=../shared/data]. Prints split, agree and
# merge times with their peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
data=${2:-../shared/data}
bin="${CARGO_TARGET_DIR:-target}/release/tagdesk"
[ -x "$bin" ] || cargo build --release --quiet --no-default-features
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$data/wikigold/wikigold.gold.jsonl" "$n" "$work" <<'PY'
import json, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
files = {name: open(f"{out}/{name}.jsonl", "w", encoding="utf-8") for name in ("ana", "ben", "chloe")}
for i in range(n):
    d = dict(docs[i % len(docs)])
    d["id"] = f"{d['id']}-{i}"
    d["text"] = d["text"] + f"\n(copy {i})"
    for name, f in files.items():
        ents = d["entities"]
        if name == "ben":
            ents = [e for k, e in enumerate(ents) if k % 7 != 3]
        if name == "chloe":
            ents = [dict(e, label="ORG") if e["label"] == "MISC" and k % 5 == 0 else e
                    for k, e in enumerate(ents)]
        f.write(json.dumps(dict(d, entities=ents), ensure_ascii=False) + "\n")
PY
cd "$work"
run() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "$label: %e s, %M KB peak" "$@" >"$label.out" 2>"$label.time" || { cat "$label.time"; exit 1; }
    tail -1 "$label.time"
}
"$bin" new lead.tagdesk.ron >/dev/null
"$bin" import lead.tagdesk.ron --format gold --add-labels ana.jsonl >/dev/null
run split "$bin" split lead.tagdesk.ron --annotators ana,ben,chloe --overlap 100% --out team --seed 1
for name in ana ben chloe; do
    "$bin" new "$name.tagdesk.ron" --annotator "$name" >/dev/null
    "$bin" import "$name.tagdesk.ron" --format gold --add-labels "$name.jsonl" >/dev/null
done
run agree "$bin" agree ana.tagdesk.ron ben.tagdesk.ron chloe.tagdesk.ron
run merge "$bin" merge ana.tagdesk.ron ben.tagdesk.ron chloe.tagdesk.ron --out curated.tagdesk.ron
sed -n '1,5p' agree.out
grep "alpha" agree.out
cat merge.out
