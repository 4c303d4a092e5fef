#!/usr/bin/env bash
# Starts the kiosk (demo config) under Xvfb with an AT-SPI bus, takes a screenshot and dumps the
# accessibility tree the way a screen reader sees it. Needs Debian's xvfb, imagemagick, at-spi2-core,
# dbus and python3-pyatspi:  apt-get install -y xvfb imagemagick at-spi2-core dbus python3-pyatspi
# Usage: tools/run-under-xvfb.sh [OUT_DIR]   (writes OUT_DIR/screen.png and OUT_DIR/atspi.txt)
set -euo pipefail
out=${1:-/tmp/kiosk-xvfb}
mkdir -p "$out"
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --manifest-path "$root/Cargo.toml" --bin kiosk
Xvfb :97 -screen 0 1080x1920x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=:97 OUT="$out" ROOT="$root"
dbus-run-session -- bash -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
  sleep 1
  dbus-send --session --dest=org.a11y.Bus --type=method_call /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true
  (cd "$ROOT" && ./target/debug/kiosk > "$OUT/kiosk.log" 2>&1) &
  kiosk=$!
  sleep 8
  import -window root "$OUT/screen.png"
  /usr/bin/python3 "$ROOT/tools/atspi_dump.py" > "$OUT/atspi.txt"
  kill $kiosk
'
echo "$out/screen.png $out/atspi.txt"
