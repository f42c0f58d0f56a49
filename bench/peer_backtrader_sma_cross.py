#!/usr/bin/env python3
# The peer figure for bench_backtest's sma_cross line: backtrader (pure Python, not part of this
# repository) running the same strategy over the same real bars, timed the same way.
#
# Usage: PYTHONPATH=<folder holding the backtrader package> \
#        python3 bench/peer_backtrader_sma_cross.py CSV [BARS]
# CSV: a Binance 1m file as in shared/data/candles (open_time,open,high,low,close,volume);
# BARS: how many bars (the file tiled end to end as bench_backtest tiles it; default 200,000).
# The strategy: SMA(10) CrossOver SMA(30) of the close, long only, market orders filled at the next
# bar's open, 95 % of equity per entry, commission 0.001 per side, 10,000 cash, the position kept at
# the end. The bars are parsed into memory before the clock starts; cerebro.run() is timed.
# Prints "backtrader <version>: N bars in S s = R bars/s ..."; pass R to bench_backtest as
# KAIROS_BACKTRADER_BARS_PER_S for its vs_backtrader ratio.
import datetime
import sys
import time

import backtrader as bt

path = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
rows = []
with open(path) as f:
    next(f)
    for line in f:
        t, o, h, l, c, v = line.strip().split(",")[:6]
        rows.append((int(t), float(o), float(h), float(l), float(c), float(v)))
span = rows[-1][0] - rows[0][0] + 60000
bars = []
k = 0
while len(bars) < count:
    for r in rows:
        if len(bars) == count:
            break
        bars.append((r[0] + k * span,) + r[1:])
    k += 1


class MemoryFeed(bt.feed.DataBase):
    def start(self):
        super().start()
        self._i = 0

    def _load(self):
        if self._i >= len(bars):
            return False
        t, o, h, l, c, v = bars[self._i]
        self._i += 1
        self.lines.datetime[0] = bt.date2num(datetime.datetime.fromtimestamp(t / 1000, datetime.timezone.utc).replace(tzinfo=None))
        self.lines.open[0] = o
        self.lines.high[0] = h
        self.lines.low[0] = l
        self.lines.close[0] = c
        self.lines.volume[0] = v
        self.lines.openinterest[0] = 0
        return True


class SmaCross(bt.Strategy):
    params = dict(fast=10, slow=30)

    def __init__(self):
        self.cross = bt.ind.CrossOver(bt.ind.SMA(period=self.p.fast), bt.ind.SMA(period=self.p.slow))

    def next(self):
        if not self.position:
            if self.cross > 0:
                self.buy()
        elif self.cross < 0:
            self.close()


cerebro = bt.Cerebro(stdstats=False)
cerebro.adddata(MemoryFeed(timeframe=bt.TimeFrame.Minutes, compression=1))
cerebro.addstrategy(SmaCross)
cerebro.addsizer(bt.sizers.PercentSizer, percents=95)
cerebro.broker.setcash(10000.0)
cerebro.broker.setcommission(commission=0.001)
t0 = time.perf_counter()
cerebro.run()
sec = time.perf_counter() - t0
print("backtrader %s: %d bars in %.2f s = %.0f bars/s (final value %.2f)"
      % (bt.__version__, len(bars), sec, len(bars) / sec, cerebro.broker.getvalue()))
