#include "storage/detail/migrations.h"

#include <array>

namespace kairos::storage::detail {

// Rules for this list:
// - Append only. A step that has shipped is never edited or removed (users' databases already
//   ran it); a change to an existing table is a new step (ALTER TABLE, or create-copy-drop-rename).
// - Each step's version is the previous one + 1. Database::currentSchemaVersion() is the last one.
// - All pending steps run in one transaction at open, so a step may rely on earlier ones and a
//   failing step leaves the database exactly as it was.
// - Tables are STRICT (SQLite >= 3.37) so that a wrongly typed value is an error, not a silent
//   conversion. Timestamps are INTEGER ms since the epoch, UTC. Fixed-point values are stored as
//   INTEGER raw + INTEGER scale (never REAL), so they read back exactly.
namespace {
constexpr std::array kMigrations = {
    Migration{1, "candle cache",
              R"sql(
-- One row per (instrument, timeframe). timeframe is the Binance spelling ("1m", "1h", "1M" = month;
-- compared case-sensitively, so "1m" and "1M" are different series).
CREATE TABLE candle_series (
    series_id INTEGER PRIMARY KEY,
    venue     TEXT NOT NULL,
    symbol    TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    UNIQUE (venue, symbol, timeframe)
) STRICT;

-- One row per bar. Each price/volume is raw / 10^scale with its own scale, so that a bar reads
-- back equal to the one written, down to its text form ("0.10" stays "0.10"). The six scales and
-- the closed flag are packed into `scales` (5 bits each: open, high, low, close, volume, quote
-- volume; bit 30 closed; see candlestore.cpp). There is deliberately no foreign key to
-- candle_series: it would cost a parent lookup per inserted bar, and CandleStore::remove()
-- deletes a series' bars itself.
CREATE TABLE candles (
    series_id          INTEGER NOT NULL,
    open_time          INTEGER NOT NULL,
    open_raw           INTEGER NOT NULL,
    high_raw           INTEGER NOT NULL,
    low_raw            INTEGER NOT NULL,
    close_raw          INTEGER NOT NULL,
    volume_raw         INTEGER NOT NULL,
    quote_volume_raw   INTEGER NOT NULL,
    scales             INTEGER NOT NULL CHECK (scales BETWEEN 0 AND 2147483647),
    trade_count        INTEGER NOT NULL CHECK (trade_count >= 0),
    PRIMARY KEY (series_id, open_time)
) STRICT, WITHOUT ROWID;
)sql"},
    Migration{2, "watchlists",
              R"sql(
-- Named watchlists, in creation order.
CREATE TABLE watchlists (
    watchlist_id INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0)
) STRICT;

-- The instruments of each list, in display order, with the favourite star.
CREATE TABLE watchlist_items (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists (watchlist_id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    venue        TEXT NOT NULL,
    symbol       TEXT NOT NULL,
    favourite    INTEGER NOT NULL CHECK (favourite IN (0, 1)),
    PRIMARY KEY (watchlist_id, venue, symbol)
) STRICT;

-- Small UI state per key (watchlist column layout, current list, view mode).
CREATE TABLE ui_state (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
)sql"},
    Migration{3, "signal history",
              R"sql(
-- Every signal the engine produced, with its outcome once known. Levels are REAL: signals are
-- analytics, not money (orders and fills use exact decimals).
CREATE TABLE signal_history (
    signal_id   INTEGER PRIMARY KEY,
    venue       TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    timeframe   TEXT NOT NULL,
    bar_open    INTEGER NOT NULL,
    known_at    INTEGER NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('LONG', 'SHORT', 'HOLD')),
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    score       INTEGER NOT NULL,
    entry       REAL NOT NULL,
    stop_loss   REAL NOT NULL,
    tp1         REAL NOT NULL,
    tp2         REAL NOT NULL,
    tp3         REAL NOT NULL,
    reward_risk REAL NOT NULL,
    reasons     TEXT NOT NULL,  -- one reason per line
    exit        TEXT NOT NULL CHECK (exit IN ('open', 'stop', 'tp3', 'expired')),
    tp_reached  INTEGER NOT NULL CHECK (tp_reached BETWEEN 0 AND 3),
    r           REAL NOT NULL,
    bars_held   INTEGER NOT NULL,
    resolved_at INTEGER,
    UNIQUE (venue, symbol, timeframe, bar_open)
) STRICT;
)sql"},
    Migration{4, "chart drawings",
              R"sql(
-- Chart drawings per instrument (not per timeframe: anchors are bar open times, so a drawing
-- made on 1h stays where it was on 15m). kind is a DrawingKind spelling ("trend_line", ...);
-- points holds the anchors as "time_ms price;time_ms price" with prices in their shortest
-- round-trip decimal form, so they read back bit for bit. colour is "#rrggbb" or "#aarrggbb".
-- kind and points are deliberately not CHECKed: a drawing written by a newer Kairos (a kind this
-- one does not know) stays in the file and is reported when loading, never deleted.
CREATE TABLE chart_drawings (
    drawing_id INTEGER PRIMARY KEY,
    venue      TEXT NOT NULL,
    symbol     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    points     TEXT NOT NULL,
    colour     TEXT NOT NULL,
    width      INTEGER NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chart_drawings_by_instrument ON chart_drawings (venue, symbol, drawing_id);
)sql"},
    Migration{5, "alerts",
              R"sql(
-- Alert rules (core/alerts/alertrule.h). condition_kind, trigger_mode, signal_side and timeframe
-- hold the spellings of alertrule.h / timeframe.h and are deliberately not CHECKed: a rule written
-- by a newer Kairos (a condition this one does not know) stays in the file and is reported when
-- loading, never deleted. The level is a fixed-point price (raw / 10^scale); both are NULL for
-- conditions without a level. expires_at and last_fired_at are UTC ms, NULL for never.
CREATE TABLE alert_rules (
    alert_id       INTEGER PRIMARY KEY,
    venue          TEXT NOT NULL,
    symbol         TEXT NOT NULL,
    condition_kind TEXT NOT NULL,
    level_raw      INTEGER,
    level_scale    INTEGER,
    formula        TEXT NOT NULL DEFAULT '',
    timeframe      TEXT NOT NULL,
    signal_side    TEXT NOT NULL DEFAULT 'either',
    min_confidence INTEGER NOT NULL DEFAULT 0,
    trigger_mode   TEXT NOT NULL,
    cooldown_ms    INTEGER NOT NULL DEFAULT 0,
    expires_at     INTEGER,
    enabled        INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    last_fired_at  INTEGER,
    fire_count     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Every firing (and expiry) of an alert. No foreign key to alert_rules: the history of a deleted
-- rule is kept. time is market time (UTC ms); the price is fixed-point like the level.
CREATE TABLE alert_history (
    event_id    INTEGER PRIMARY KEY,
    alert_id    INTEGER NOT NULL,
    venue       TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    time        INTEGER NOT NULL,
    price_raw   INTEGER NOT NULL,
    price_scale INTEGER NOT NULL,
    message     TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX alert_history_by_time ON alert_history (time, event_id);
)sql"},
    Migration{6, "paper trading",
              R"sql(
-- The paper account: starting cash and the next ids the simulator hands out. One row.
-- Money is raw / 10^money_scale. Cash and positions are not stored: they are the fills replayed
-- through the portfolio ledger from the starting cash, so they can never disagree with the fills.
CREATE TABLE paper_account (
    account_id        INTEGER PRIMARY KEY CHECK (account_id = 1),
    starting_cash_raw INTEGER NOT NULL,
    money_scale       INTEGER NOT NULL CHECK (money_scale BETWEEN 0 AND 18),
    next_order_id     INTEGER NOT NULL CHECK (next_order_id >= 1),
    next_fill_id      INTEGER NOT NULL CHECK (next_fill_id >= 1),
    created_at        INTEGER NOT NULL
) STRICT;

-- Every paper order, upserted at each change. Decimals are raw + scale; an absent price has
-- NULL raw and scale. side/type/tif/status/role are the trading module's spellings
-- ("buy", "stop-limit", "GTC", "partially filled", "stop-loss"); not CHECKed so that a newer
-- spelling is reported when loading, never silently dropped.
CREATE TABLE paper_orders (
    order_id             INTEGER PRIMARY KEY,
    client_order_id      TEXT NOT NULL,
    venue                TEXT NOT NULL,
    symbol               TEXT NOT NULL,
    side                 TEXT NOT NULL,
    type                 TEXT NOT NULL,
    tif                  TEXT NOT NULL,
    quantity_raw         INTEGER NOT NULL,
    quantity_scale       INTEGER NOT NULL,
    limit_raw            INTEGER,
    limit_scale          INTEGER,
    stop_raw             INTEGER,
    stop_scale           INTEGER,
    stop_loss_raw        INTEGER,
    stop_loss_scale      INTEGER,
    take_profit_raw      INTEGER,
    take_profit_scale    INTEGER,
    status               TEXT NOT NULL,
    role                 TEXT NOT NULL,
    parent_id            INTEGER NOT NULL,
    oco_sibling_id       INTEGER NOT NULL,
    triggered            INTEGER NOT NULL CHECK (triggered IN (0, 1)),
    filled_raw           INTEGER NOT NULL,
    filled_scale         INTEGER NOT NULL,
    filled_notional_raw  INTEGER NOT NULL,
    filled_notional_scale INTEGER NOT NULL,
    fees_raw             INTEGER NOT NULL,
    fees_scale           INTEGER NOT NULL,
    reason               TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX paper_orders_open ON paper_orders (status);

-- Every paper fill, in the order it happened (fill_id).
CREATE TABLE paper_fills (
    fill_id         INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL,
    client_order_id TEXT NOT NULL,
    venue           TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL,
    price_raw       INTEGER NOT NULL,
    price_scale     INTEGER NOT NULL,
    quantity_raw    INTEGER NOT NULL,
    quantity_scale  INTEGER NOT NULL,
    fee_raw         INTEGER NOT NULL,
    fee_scale       INTEGER NOT NULL,
    liquidity       TEXT NOT NULL,
    time_ms         INTEGER NOT NULL
) STRICT;
)sql"},
    Migration{7, "trading accounts",
              R"sql(
-- Several trading accounts per profile (paper ones, a testnet one, a live one), each with its own
-- ledger and history. The one paper account of schema 6 becomes account 1, "PAPER", with its
-- orders and fills unchanged. kind: "paper", "testnet", "live"; venue: where its orders go
-- ("PAPER" for the paper venue, else the exchange, e.g. "BINANCE").
CREATE TABLE trading_accounts (
    account_id        INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    venue             TEXT NOT NULL,
    starting_cash_raw INTEGER NOT NULL,
    money_scale       INTEGER NOT NULL CHECK (money_scale BETWEEN 0 AND 18),
    next_order_id     INTEGER NOT NULL CHECK (next_order_id >= 1),
    next_fill_id      INTEGER NOT NULL CHECK (next_fill_id >= 1),
    created_at        INTEGER NOT NULL
) STRICT;
INSERT INTO trading_accounts (account_id, name, kind, venue, starting_cash_raw, money_scale, next_order_id, next_fill_id,
                              created_at)
    SELECT account_id, 'PAPER', 'paper', 'PAPER', starting_cash_raw, money_scale, next_order_id, next_fill_id, created_at
    FROM paper_account;

-- Every order of every account, upserted at each change (columns as paper_orders had them).
CREATE TABLE account_orders (
    account_id           INTEGER NOT NULL,
    order_id             INTEGER NOT NULL,
    client_order_id      TEXT NOT NULL,
    venue                TEXT NOT NULL,
    symbol               TEXT NOT NULL,
    side                 TEXT NOT NULL,
    type                 TEXT NOT NULL,
    tif                  TEXT NOT NULL,
    quantity_raw         INTEGER NOT NULL,
    quantity_scale       INTEGER NOT NULL,
    limit_raw            INTEGER,
    limit_scale          INTEGER,
    stop_raw             INTEGER,
    stop_scale           INTEGER,
    stop_loss_raw        INTEGER,
    stop_loss_scale      INTEGER,
    take_profit_raw      INTEGER,
    take_profit_scale    INTEGER,
    status               TEXT NOT NULL,
    role                 TEXT NOT NULL,
    parent_id            INTEGER NOT NULL,
    oco_sibling_id       INTEGER NOT NULL,
    triggered            INTEGER NOT NULL CHECK (triggered IN (0, 1)),
    filled_raw           INTEGER NOT NULL,
    filled_scale         INTEGER NOT NULL,
    filled_notional_raw  INTEGER NOT NULL,
    filled_notional_scale INTEGER NOT NULL,
    fees_raw             INTEGER NOT NULL,
    fees_scale           INTEGER NOT NULL,
    reason               TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    PRIMARY KEY (account_id, order_id)
) STRICT;
CREATE INDEX account_orders_open ON account_orders (account_id, status);
INSERT INTO account_orders (account_id, order_id, client_order_id, venue, symbol, side, type, tif, quantity_raw, quantity_scale, limit_raw, limit_scale,
    stop_raw, stop_scale, stop_loss_raw, stop_loss_scale, take_profit_raw, take_profit_scale, status, role, parent_id,
    oco_sibling_id, triggered, filled_raw, filled_scale, filled_notional_raw, filled_notional_scale, fees_raw, fees_scale,
    reason, created_at, updated_at)
    SELECT 1, order_id, client_order_id, venue, symbol, side, type, tif, quantity_raw, quantity_scale, limit_raw, limit_scale,
    stop_raw, stop_scale, stop_loss_raw, stop_loss_scale, take_profit_raw, take_profit_scale, status, role, parent_id,
    oco_sibling_id, triggered, filled_raw, filled_scale, filled_notional_raw, filled_notional_scale, fees_raw, fees_scale,
    reason, created_at, updated_at FROM paper_orders;

-- Every fill of every account, in the order it happened (fill_id, per account).
CREATE TABLE account_fills (
    account_id      INTEGER NOT NULL,
    fill_id         INTEGER NOT NULL,
    order_id        INTEGER NOT NULL,
    client_order_id TEXT NOT NULL,
    venue           TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL,
    price_raw       INTEGER NOT NULL,
    price_scale     INTEGER NOT NULL,
    quantity_raw    INTEGER NOT NULL,
    quantity_scale  INTEGER NOT NULL,
    fee_raw         INTEGER NOT NULL,
    fee_scale       INTEGER NOT NULL,
    liquidity       TEXT NOT NULL,
    time_ms         INTEGER NOT NULL,
    PRIMARY KEY (account_id, fill_id)
) STRICT;
INSERT INTO account_fills (account_id, fill_id, order_id, client_order_id, venue, symbol, side, price_raw, price_scale, quantity_raw, quantity_scale,
    fee_raw, fee_scale, liquidity, time_ms)
    SELECT 1, fill_id, order_id, client_order_id, venue, symbol, side, price_raw, price_scale, quantity_raw, quantity_scale,
    fee_raw, fee_scale, liquidity, time_ms FROM paper_fills;

DROP TABLE paper_fills;
DROP TABLE paper_orders;
DROP TABLE paper_account;
)sql"},
    Migration{8, "advanced orders",
              R"sql(
-- Advanced order details (trailing stop distance and state, take-profit ladder, OCO stop leg) as
-- "key=value;..." text read and written by trading::PaperStore; '' for plain orders.
ALTER TABLE account_orders ADD COLUMN advanced TEXT NOT NULL DEFAULT '';
)sql"},
    Migration{9, "account settings",
              R"sql(
-- Per trading account: whether its orders are confirmed before they are sent, and its risk limits
-- (trading::RiskLimits; NULL = the rule is off). Secrets (API keys) are never stored here: they are
-- in the OS keychain. Written by session::TradingAccounts.
CREATE TABLE account_settings (
    account_id              INTEGER PRIMARY KEY,
    confirm_orders          INTEGER NOT NULL DEFAULT 1 CHECK (confirm_orders IN (0, 1)),
    allowed_symbols         TEXT NOT NULL DEFAULT '',  -- comma-separated; '' = every instrument
    max_orders_per_minute   INTEGER CHECK (max_orders_per_minute >= 0),
    max_order_value_raw     INTEGER,
    max_order_value_scale   INTEGER CHECK (max_order_value_scale BETWEEN 0 AND 18),
    max_position_qty_raw    INTEGER,
    max_position_qty_scale  INTEGER CHECK (max_position_qty_scale BETWEEN 0 AND 18),
    max_position_percent    INTEGER CHECK (max_position_percent >= 0),
    max_open_positions      INTEGER CHECK (max_open_positions >= 0),
    max_daily_loss_raw      INTEGER,
    max_daily_loss_scale    INTEGER CHECK (max_daily_loss_scale BETWEEN 0 AND 18)
) STRICT;
)sql"},
    Migration{10, "trade journal",
              R"sql(
-- What opened an order (trading::TradeJournal): "manual", "signal #12", "strategy NAME", "alert #3".
-- Keyed with the order's creation time so that an account reset (ids start again) cannot give an
-- old origin to a new order.
CREATE TABLE order_origins (
    account_id       INTEGER NOT NULL,
    order_id         INTEGER NOT NULL,
    order_created_ms INTEGER NOT NULL,
    origin           TEXT NOT NULL CHECK (length(origin) BETWEEN 1 AND 200),
    PRIMARY KEY (account_id, order_id, order_created_ms)
) STRICT;
-- The user's notes and tags (comma-separated) of a closed trade, keyed like TradeJournal's trades:
-- the fill id of the trade's first fill and its time.
CREATE TABLE trade_annotations (
    account_id    INTEGER NOT NULL,
    trade_id      INTEGER NOT NULL,
    entry_time_ms INTEGER NOT NULL,
    notes         TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, trade_id, entry_time_ms)
) STRICT;
)sql"},
    Migration{11, "server-side alerts",
              R"sql(
-- Alert rules the user asked to "keep running on the server" (alerts::AlertRule::server): kairosd
-- evaluates them from the synced copy and the terminal shows its firings instead of firing them
-- itself. One row per such rule; a rule without a row runs in the terminal. Written by AlertStore.
CREATE TABLE alert_rule_server (
    rule_id    INTEGER PRIMARY KEY,
    marked_at  INTEGER NOT NULL
) STRICT;
)sql"},
    Migration{12, "strategy bots",
              R"sql(
-- Strategy bots saved in the profile (bots::BotStore). strategy_kind 'builtin' names a built-in of
-- core/backtest/builtins.h in strategy (the signal strategy is the built-in "signal"); 'formula'
-- keeps its formulas in formula_* columns. params: "key=value;..." (numbers, checked against the
-- built-in's ranges when read). symbols: comma-separated. sizing_value: decimal text whose meaning
-- sizing_kind gives. last_bar_ms: close time of the last bar the bot handled (resume point).
CREATE TABLE bots (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
    strategy_kind   TEXT NOT NULL CHECK (strategy_kind IN ('builtin', 'formula')),
    strategy        TEXT NOT NULL,
    params          TEXT NOT NULL DEFAULT '',
    formula_entry   TEXT NOT NULL DEFAULT '',
    formula_exit    TEXT NOT NULL DEFAULT '',
    formula_stop    TEXT NOT NULL DEFAULT '',
    formula_target  TEXT NOT NULL DEFAULT '',
    formula_short   INTEGER NOT NULL DEFAULT 0 CHECK (formula_short IN (0, 1)),
    symbols         TEXT NOT NULL CHECK (length(symbols) >= 1),
    timeframe       TEXT NOT NULL,
    account_id      INTEGER NOT NULL,
    sizing_kind     TEXT NOT NULL CHECK (sizing_kind IN ('quantity', 'notional', 'percent_equity', 'risk_per_trade')),
    sizing_value    TEXT NOT NULL,
    flatten_on_stop INTEGER NOT NULL DEFAULT 0 CHECK (flatten_on_stop IN (0, 1)),
    state           TEXT NOT NULL DEFAULT 'stopped' CHECK (state IN ('stopped', 'running', 'paused', 'error')),
    last_error      TEXT NOT NULL DEFAULT '',
    last_bar_ms     INTEGER,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL
) STRICT;
-- Everything a bot did, oldest first: its decisions (with the bar they were taken on and the
-- reason), orders sent, rejected or cancelled, fills, state changes and errors.
CREATE TABLE bot_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id          INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    time_ms         INTEGER NOT NULL,
    bar_ms          INTEGER,
    kind            TEXT NOT NULL,
    symbol          TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL,
    client_order_id TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX bot_log_by_bot ON bot_log (bot_id, seq);
)sql"},
    // Next: append here.
};
}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace kairos::storage::detail
