#!/bin/sh
# make-seeds.sh OUT: builds the seed corpus of every fuzz target in OUT/<target>/ from the
# repository's real fixtures: the venues' documented payloads (tests/data/feeds/*/docs-examples),
# single messages cut from recorded traffic (tests/data/feeds/*.log, *.jsonl), the first rows of
# every bundled candle file (resources/data: Binance, Yahoo and backtrader formats), and the small
# hand-written seeds in tests/fuzz/seeds/<target>/. OUT is rebuilt from scratch each time.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
feeds=$root/tests/data/feeds
rm -rf "$out"
mkdir -p "$out"

# messages FILE DIR PREFIX N: the first N JSON messages of a recorded log (one per line; cryptofeed
# logs put "timestamp: " before each message), one file each.
messages() {
    grep -o '[{[].*' "$1" | head -n "$4" | split -l 1 -a 3 - "$2/$3-"
}

for v in binance bybit okx kraken coinbase coinbase-advanced; do
    t=$(echo "$v" | tr - _)
    mkdir -p "$out/$t"
    cp "$feeds/$v"/docs-examples/* "$out/$t/"
done
cp "$feeds"/kraken/spec-rest-*.json "$out/kraken/"
messages "$feeds/binance/binance_spot_ws_2021-10-12.cryptofeed.log" "$out/binance" spot-ws 60
messages "$feeds/binance/binance_usdm_ws_2021-07-22.cryptofeed.log" "$out/binance" usdm-ws 30
messages "$feeds/binance/binance_spot_rest_depth_2021-10-12.cryptofeed.log" "$out/binance" rest-depth 5
messages "$feeds/bybit/bybit_linear_XRPUSDT_ob500_2024-12-01.jsonl" "$out/bybit" ob500 40
messages "$feeds/coinbase/coinbase_exchange_ws_2021-04-17_NU-SKL-BAND-GBP.cryptofeed.log" "$out/coinbase" ws 80

mkdir -p "$out/csv"
for f in "$root"/resources/data/*.csv "$root"/resources/data/*.txt "$feeds"/binance/*.csv; do
    head -n 25 "$f" > "$out/csv/$(basename "$f")"
done
# The 12-column archive format without its header row, as data.binance.vision serves it.
tail -n 5 "$root/resources/data/binance_um_LINKUSDT-1m-2023-02-01.csv" > "$out/csv/archive-no-header.csv"

for t in binance_trading decimal formula layout rules watchlist server_request server_token server_sync; do
    mkdir -p "$out/$t"
    cp "$here/seeds/$t"/* "$out/$t/"
done
echo "make-seeds.sh: $(find "$out" -type f | wc -l) seed files in $out"
