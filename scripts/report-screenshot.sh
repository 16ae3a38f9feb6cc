#!/usr/bin/env bash
# Renders a replay report (or any local HTML page) in headless Chromium and writes a PNG screenshot,
# to check that the report's charts render with no network.
#
#   scripts/report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Uses `chromium` from the PATH when there is one. Otherwise it fetches Debian's chromium,
# chromium-common and chromium-sandbox packages and the few libraries they need with
# `apt-get download` (no root needed) and unpacks them with `dpkg -x` under
# $MNEMO_CHROMIUM_DIR (default ~/.cache/mnemo/chromium), about 400 MB unpacked. Debian 12 (bookworm).
set -euo pipefail

html="${1:?usage: scripts/report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]}"
out="${2:-${html%.html}.png}"
size="${3:-1200x3000}"
[[ -f "$html" ]] || { echo "report-screenshot: no file $html" >&2; exit 2; }

chromium_bin() {
  if command -v chromium >/dev/null 2>&1; then command -v chromium; return; fi
  local dir="${MNEMO_CHROMIUM_DIR:-$HOME/.cache/mnemo/chromium}"
  local bin="$dir/root/usr/lib/chromium/chromium"
  if [[ ! -x "$bin" ]]; then
    echo "report-screenshot: fetching Debian's chromium into $dir (once)..." >&2
    mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get download chromium chromium-common chromium-sandbox \
      libopenh264-7 libdouble-conversion3 libharfbuzz-subset0 libpulse0 libflac12 libopus0 libxnvctrl0 \
      libminizip1 libopenjp2-7 libogg0 libasyncns0 libsndfile1 libvorbis0a libvorbisenc2 libmpg123-0 \
      libmp3lame0 >/dev/null) || { echo "report-screenshot: apt-get download failed (apt-get update first?)" >&2; exit 1; }
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
  fi
  echo "$bin"
}

bin="$(chromium_bin)"
root="$(cd "$(dirname "$bin")/../../.." && pwd)"
export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu/pulseaudio:$root/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
missing="$(ldd "$bin" | grep 'not found' || true)"
if [[ -n "$missing" ]]; then
  echo "report-screenshot: chromium still misses libraries:" >&2
  echo "$missing" >&2
  exit 1
fi
abs="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
# --no-sandbox: the unpacked chrome-sandbox is not setuid root. --disable-gpu: no display.
"$bin" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${size/x/,}" \
  --screenshot="$out" "file://$abs" 2>/dev/null
[[ -s "$out" ]] || { echo "report-screenshot: no screenshot written" >&2; exit 1; }
echo "$out"
