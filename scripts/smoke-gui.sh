#!/usr/bin/env bash
# Starts the real app under Xvfb on the sample article and checks that its window opens and
# that pre-annotation reaches the edit journal; then kills it as a crash would and checks
# the journal survived. CI runs this after ./check.sh (it needs Xvfb and xdotool).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-target}/debug/tagdesk"
[ -x "$bin" ] || cargo build --quiet
home=$(mktemp -d)
display=:97
Xvfb "$display" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
disown "$xvfb"
trap 'kill -9 "${app:-0}" "$xvfb" 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
DISPLAY=$display HOME=$home LIBGL_ALWAYS_SOFTWARE=1 "$bin" assets/samples/diplomacy-korea-uk-talks.txt >"$home/app.log" 2>&1 &
app=$!
for _ in $(seq 60); do
    DISPLAY=$display xdotool search --name tagdesk >/dev/null 2>&1 && break
    sleep 0.5
done
if ! DISPLAY=$display xdotool search --name tagdesk >/dev/null 2>&1; then
    echo "smoke: no tagdesk window appeared"; cat "$home/app.log"; exit 1
fi
journal=""
for _ in $(seq 60); do
    journal=$(ls "$home"/.local/share/tagdesk/recovery/*.journal.jsonl 2>/dev/null | head -1 || true)
    [ -n "$journal" ] && grep -q '"Auto"' "$journal" && break
    sleep 0.5
done
if [ -z "$journal" ] || ! grep -q '"Auto"' "$journal"; then
    echo "smoke: the journal has no pre-annotation"; cat "$home/app.log"; exit 1
fi
kill -0 "$app" || { echo "smoke: the app died"; cat "$home/app.log"; exit 1; }
kill -9 "$app"
wait "$app" 2>/dev/null || true
[ -s "$journal" ] || { echo "smoke: the journal did not survive a kill"; exit 1; }
echo "smoke: 1 passed, 0 failed (window opened, pre-annotation journaled, journal survived kill -9)"
