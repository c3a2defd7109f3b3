#!/usr/bin/env bash
# Opens an oir report.html in headless Chromium (Debian's `chromium`, installed when
# missing) and checks it: no console errors or uncaught exceptions, the lazily rendered
# scenario details open on click, and a screenshot of the summary is not blank. Prints the
# browser's load time (DOMContentLoaded, load) and the time to open the first failed
# scenario. Exit 0 when every check passes. Not part of cargo test.
#
#   scripts/html_check.sh [reports/report.html]
#
# The screenshot is kept next to the report (report.png) for a look.
set -euo pipefail

REPORT=${1:-reports/report.html}
[ -f "$REPORT" ] || { echo "html_check: no such file: $REPORT" >&2; exit 2; }
REPORT=$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")

if [ ! -x /usr/bin/chromium ]; then
  echo "html_check: installing chromium (apt-get)" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chrome() {
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --user-data-dir="$(mktemp -d -p "$WORK")" "$@"
}
fail=0

# 1. The report as it is: console errors, and the screenshot of the summary.
SHOT=${REPORT%.html}.png
chrome --enable-logging=stderr --v=0 --window-size=1280,1000 --screenshot="$SHOT" \
  "file://$REPORT" >"$WORK/shot.out" 2>"$WORK/shot.err" || true
if grep -E "CONSOLE|Uncaught" "$WORK/shot.err" >"$WORK/console.txt"; then
  echo "FAIL console messages:"; sed 's/^/  /' "$WORK/console.txt"; fail=1
else
  echo "ok   no console errors"
fi
python3 - "$SHOT" <<'PY' || fail=1
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
        assert depth == 8
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp * 4):  # every 4th pixel is plenty
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b"\xff\xff\xff" and px != b"\xfa\xfa\xfa":
            nonwhite += 1
share = nonwhite / max(1, (w // 4) * h)
ok = len(colours) >= 8 and share > 0.02
print(f"{'ok  ' if ok else 'FAIL'} screenshot {w}x{h}: {len(colours)} distinct colours, {share:.1%} non-background ({path})")
sys.exit(0 if ok else 1)
PY

# 2. A copy with a probe: load timing, and opening the first failed (else first) scenario.
PROBE="$WORK/probe.html"
cp "$REPORT" "$PROBE"
cat >>"$PROBE" <<'JS'
<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var t = performance.getEntriesByType('navigation')[0];
    var row = document.querySelector('tbody[data-v="failed"] tr.sc') || document.querySelector('tr.sc');
    var t0 = performance.now(), opened = false, text = '';
    if (row) { row.click(); var d = row.parentNode.querySelector('tr.det'); opened = !!d; text = d ? d.textContent.length : 0; }
    var t1 = performance.now();
    var out = document.createElement('pre');
    out.id = 'oir-probe';
    out.textContent = 'PROBE dcl=' + Math.round(t.domContentLoadedEventEnd) + ' load=' + Math.round(t.loadEventEnd) +
      ' rows=' + document.querySelectorAll('tr.sc').length + ' opened=' + opened + ' detail_chars=' + text +
      ' open_ms=' + Math.round(t1 - t0) + ' END';
    document.body.appendChild(out);
  }, 0);
});
</script>
JS
START=$(date +%s%N)
chrome --enable-logging=stderr --v=0 --virtual-time-budget=10000 --dump-dom "file://$PROBE" \
  >"$WORK/dom.html" 2>"$WORK/probe.err" || true
END=$(date +%s%N)
PROBE_LINE=$(grep -o 'PROBE [^<]*END' "$WORK/dom.html" || true)
if [ -z "$PROBE_LINE" ]; then
  echo "FAIL the page did not finish loading"; fail=1
else
  echo "ok   $PROBE_LINE"
  echo "     browser process incl. start-up: $(( (END - START) / 1000000 )) ms; report $(du -h "$REPORT" | cut -f1)"
  case "$PROBE_LINE" in *"opened=true"*) ;; *) if ! grep -q 'opened=false detail_chars=0' <<<"$PROBE_LINE" || grep -q 'rows=[1-9]' <<<"$PROBE_LINE"; then echo "FAIL a scenario's details did not open"; fail=1; fi ;; esac
fi
if grep -E "Uncaught" "$WORK/probe.err"; then echo "FAIL uncaught exception when opening a scenario"; fail=1; fi
exit $fail
