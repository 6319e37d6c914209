#!/usr/bin/env bash
# Figures for the server's bounds: peak memory (VmHWM) of the server process while it takes
# hostile imports and photos, and the time of a backup and a restore of the demo county. A
# benchmark: it prints figures and asserts nothing. Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
port=${BENCH_PORT:-18090}
password=Bench-Password-2026
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export SAFEGRID_DATA_DIR=$work/data SAFEGRID_LISTEN=127.0.0.1:$port SAFEGRID_DEMO_PASSWORD=$password RUST_LOG=warn

python3 - "$work" <<'PY'
import struct, sys, zlib, zipfile
work = sys.argv[1]
def png(path, w, h, depth):
    channels = 3
    row = b"\0" + b"\0" * (w * channels * depth // 8)
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, 2, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
png(f"{work}/photo16.png", 7000, 7000, 16)
png(f"{work}/photo8.png", 7000, 7000, 8)
def xlsx(path, sheet_rows):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + sheet_rows + '</sheetData></worksheet>')
# A million small rows of twenty cells: a few MB packed.
rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>x</t></is></c>' for c in "ABCDEFGHIJKLMNOPQRST") + "</row>" for r in range(1, 1_000_001, 1))
xlsx(f"{work}/rows.xlsx", rows[: 120 * 1024 * 1024])
# One header cell and one cell at the sheet's far corner.
xlsx(f"{work}/far.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
PY
ls -l "$work"/*.png "$work"/*.xlsx | awk '{print $5, $9}'

"$bin" demo >/dev/null
"$bin" serve >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"chengguan\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
peak() { grep VmHWM "/proc/$pid/status" | awk '{print $2 / 1024 " MB"}'; }
reset() { echo 5 > "/proc/$pid/clear_refs"; }
echo "server at rest: $(peak)"
for f in rows.xlsx far.xlsx; do
  reset
  code=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -F "file=@$work/$f" -F mode=dry_run "http://127.0.0.1:$port/api/v1/units/import")
  echo "import $f: HTTP $code, peak $(peak): $(head -c 160 "$work/answer.json")"
done
hazard=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/hazards?state=rectifying&per_page=1" | sed -E 's/.*"items":\[\{"id":([0-9]+).*/\1/')
for f in photo16.png photo8.png; do
  reset
  for _ in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code} ' -H "Authorization: Bearer $token" -F "file=@$work/$f" \
      "http://127.0.0.1:$port/api/v1/hazards/$hazard/photos" &
  done
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
  echo "six $f at once: peak $(peak)"
done
kill $pid; wait $pid 2>/dev/null || true

start=$(date +%s%N)
"$bin" serve >"$work/serve2.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
start=$(date +%s%N)
"$bin" backup "$work/county.tar"
echo "backup while serving: $(( ($(date +%s%N) - start) / 1000000 )) ms, $(du -h "$work/county.tar" | cut -f1)"
kill $pid; wait $pid 2>/dev/null || true
start=$(date +%s%N)
SAFEGRID_DATA_DIR=$work/restored "$bin" restore "$work/county.tar"
echo "restore: $(( ($(date +%s%N) - start) / 1000000 )) ms"
SAFEGRID_DATA_DIR=$work/restored "$bin" audit verify
