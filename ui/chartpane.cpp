#include "chartpane.h"

#include "storage/chartlayout.h"

#include "charthistoryloader.h"
#include "chartseries.h"
#include "chartworkspace.h"

#include "storage/barhistory.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace kairos::ui {

namespace {
constexpr std::int64_t kNoEnd = std::numeric_limits<std::int64_t>::max();

QString idText(const InstrumentId& id) { return QString::fromStdString(id.toString()); }
QString tfText(Timeframe tf) { return QString::fromStdString(toString(tf)); }
}  // namespace

ChartPane::ChartPane(ChartWorkspace& workspace, QWidget* parent)
    : QWidget(parent),
      m_ws(workspace),
      m_chart(new charts::CandleChart),
      m_symbolBox(new QComboBox),
      m_tfBox(new QComboBox),
      m_typeBox(new QComboBox),
      m_message(new QLabel) {
    setObjectName(QStringLiteral("ChartPane"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);  // room for the active border
    outer->setSpacing(1);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(2, 0, 2, 0);
    bar->setSpacing(4);
    m_symbolBox->setObjectName(QStringLiteral("InstrumentBox"));
    m_symbolBox->setEditable(true);
    m_symbolBox->setInsertPolicy(QComboBox::NoInsert);
    m_symbolBox->setMinimumContentsLength(16);
    m_symbolBox->setToolTip(tr("Instrument: type to search (VENUE:SYMBOL or a symbol), Enter opens it"));
    auto* completer = new QCompleter(m_symbolBox->model(), m_symbolBox);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    m_symbolBox->setCompleter(completer);
    m_tfBox->setObjectName(QStringLiteral("TimeframeBox"));
    m_tfBox->setToolTip(tr("Timeframe"));
    for (Timeframe tf : kAllTimeframes) m_tfBox->addItem(tfText(tf), static_cast<int>(tf));
    m_typeBox->setObjectName(QStringLiteral("ChartTypeBox"));
    m_typeBox->setToolTip(tr("Chart type (Alt+1 … Alt+4)"));
    m_typeBox->addItem(tr("Candles"), static_cast<int>(charts::ChartType::Candles));
    m_typeBox->addItem(tr("Bars"), static_cast<int>(charts::ChartType::Bars));
    m_typeBox->addItem(tr("Line"), static_cast<int>(charts::ChartType::Line));
    m_typeBox->addItem(tr("Heikin-Ashi"), static_cast<int>(charts::ChartType::HeikinAshi));
    bar->addWidget(m_symbolBox);
    bar->addWidget(m_tfBox);
    bar->addWidget(m_typeBox);
    bar->addStretch(1);
    outer->addLayout(bar);

    // The message sits over the chart in the same grid cell.
    auto* stack = new QGridLayout;
    stack->setContentsMargins(0, 0, 0, 0);
    m_chart->setObjectName(QStringLiteral("CandleChart"));
    stack->addWidget(m_chart, 0, 0);
    m_message->setObjectName(QStringLiteral("ChartMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setAttribute(Qt::WA_TransparentForMouseEvents);
    QFont f = m_message->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_message->setFont(f);
    stack->addWidget(m_message, 0, 0, Qt::AlignCenter);
    m_message->raise();
    outer->addLayout(stack, 1);

    connect(m_symbolBox->lineEdit(), &QLineEdit::returnPressed, this, &ChartPane::onInstrumentEdited);
    connect(m_symbolBox, &QComboBox::activated, this, [this](int) { onInstrumentEdited(); });
    connect(completer, qOverload<const QString&>(&QCompleter::activated), this, [this](const QString&) { onInstrumentEdited(); });
    connect(m_tfBox, &QComboBox::activated, this,
            [this](int i) { setTimeframe(static_cast<Timeframe>(m_tfBox->itemData(i).toInt())); });
    connect(m_typeBox, &QComboBox::activated, this,
            [this](int i) { setChartType(static_cast<charts::ChartType>(m_typeBox->itemData(i).toInt())); });
    connect(m_chart, &charts::CandleChart::chartTypeChanged, this, [this](charts::ChartType t) {
        syncCombos();
        Q_EMIT chartTypeChanged(t);
    });
    connect(m_chart, &charts::CandleChart::historyNeeded, this, &ChartPane::onHistoryNeeded);
    connect(m_ws.loader(), &ChartHistoryLoader::pageLoaded, this, &ChartPane::onPage);

    setKnownInstruments(m_ws.knownInstruments());
    // The countdown to bar close runs on the replay clock for replayed instruments.
    m_chart->setClock([this] {
        const std::int64_t end = m_ws.historyEndMs(m_id);
        return end == kNoEnd || end == std::numeric_limits<std::int64_t>::min() ? QDateTime::currentMSecsSinceEpoch() : end;
    });
    for (QWidget* w : findChildren<QWidget*>()) w->installEventFilter(this);
    setState(State::Empty, tr("Choose an instrument"));
    syncCombos();
}

ChartPane::~ChartPane() = default;

void ChartPane::setInstrument(const InstrumentId& id) { setSeries(id, m_tf); }
void ChartPane::setTimeframe(Timeframe tf) { setSeries(m_id, tf); }

void ChartPane::setSeries(const InstrumentId& id, Timeframe tf) {
    const bool idChanged = !(id == m_id), tfChanged = tf != m_tf;
    const bool settled = m_latestTicket != 0 || m_state == State::Ready || m_state == State::NoData || m_state == State::Failed;
    if (!idChanged && !tfChanged && settled) return;
    m_id = id;
    m_tf = tf;
    m_chart->setInstrument(id);
    m_chart->setTimeframe(tf);
    syncCombos();
    load();
    if (idChanged) Q_EMIT instrumentChanged(id);
    if (tfChanged) Q_EMIT timeframeChanged(tf);
}

void ChartPane::setChartType(charts::ChartType type) {
    m_chart->setChartType(type);  // emits chartTypeChanged -> combo
    syncCombos();
}

void ChartPane::reload() { load(); }

void ChartPane::load() {
    m_exhausted = false;
    m_olderTicket = 0;
    m_pending.clear();
    m_liveBucket = std::numeric_limits<std::int64_t>::min();
    m_liveBase.reset();
    m_liveFromMs = std::numeric_limits<std::int64_t>::min();
    m_chart->setBars({});
    if (m_id.symbol.empty()) {
        m_latestTicket = 0;
        setState(State::Empty, tr("Choose an instrument"));
        return;
    }
    const std::int64_t endMs = m_ws.isLoadingEnabled() ? m_ws.historyEndMs(m_id) : std::numeric_limits<std::int64_t>::min();
    if (endMs == std::numeric_limits<std::int64_t>::min()) {  // the session has not loaded its data yet
        m_latestTicket = 0;
        setState(State::Loading, tr("Waiting for market data…"));
        return;
    }
    setState(State::Loading, tr("Loading %1 · %2…").arg(idText(m_id), tfText(m_tf)));
    m_latestTicket = m_ws.loader()->requestPage(m_id, m_tf, kNoEnd, endMs, m_ws.pageBars());
}

void ChartPane::setState(State s, const QString& text) {
    m_state = s;
    // In the chart's colours (read now: the theme may have changed since), on a plate so that it
    // stays legible over grid lines.
    const charts::ChartTheme& theme = m_chart->theme();
    QColor plate = theme.background;
    plate.setAlpha(230);
    m_message->setStyleSheet(
        QStringLiteral("QLabel#ChartMessage { color: %1; background: %2; border: 1px solid %3; "
                       "border-radius: 4px; padding: 8px 14px; }")
            .arg(theme.text.name(QColor::HexRgb), plate.name(QColor::HexArgb), theme.grid.name(QColor::HexRgb)));
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString ChartPane::stateText() const { return m_message->isHidden() ? QString() : m_message->text(); }

void ChartPane::onPage(quint64 ticket, const std::shared_ptr<const HistoryReply>& reply) {
    if (ticket == 0) return;
    if (ticket == m_latestTicket) {
        m_latestTicket = 0;
        if (!reply->error.isEmpty()) {
            m_pending.clear();
            setState(State::Failed, tr("Cannot load %1 · %2: %3").arg(idText(m_id), tfText(m_tf), reply->error));
            Q_EMIT historyLoaded();
            return;
        }
        const auto& page = reply->page;
        m_exhausted = page.exhausted || static_cast<int>(page.bars.size()) < m_ws.pageBars();
        if (m_exhausted) {
            // The store ends here: ask for the page before it (a live instrument's venue has it).
            const std::int64_t end = m_ws.historyEndMs(m_id);
            const std::int64_t to = !page.bars.empty() ? page.bars.front().openTimeMs
                : end == kNoEnd                        ? QDateTime::currentMSecsSinceEpoch()
                                                       : end;
            Q_EMIT m_ws.historyWanted(m_id, m_tf, to - m_ws.pageBars() * nominalDurationMs(m_tf), to);
        }
        m_chart->setBars(page.bars);
        if (!page.bars.empty()) {
            m_liveBucket = page.bars.back().openTimeMs;
            m_liveBase = page.bars.back();
            m_liveFromMs = page.sourceEndMs;
        }
        if (page.bars.empty())
            setState(State::NoData,
                     page.source ? tr("No data for %1 on %2 before the replay clock").arg(idText(m_id), tfText(m_tf))
                                 : tr("No data for %1 on %2").arg(idText(m_id), tfText(m_tf)));
        else
            setState(State::Ready);
        // Live input that arrived meanwhile, in order (what the history already holds is skipped).
        auto pending = std::move(m_pending);
        m_pending.clear();
        for (const Pending& p : pending) {
            if (p.isTrade)
                onTrade(m_id, p.trade);
            else
                onBar(m_id, p.tf, p.bar);
        }
        applyPendingView();
        Q_EMIT historyLoaded();
    } else if (ticket == m_olderTicket) {
        m_olderTicket = 0;
        if (!reply->error.isEmpty()) {
            m_exhausted = true;  // do not retry on every scroll; a reload tries again
            m_chart->setToolTip(tr("Older history could not be loaded: %1").arg(reply->error));
            Q_EMIT olderHistoryLoaded(0);
            return;
        }
        const std::size_t added = m_chart->prependBars(reply->page.bars);
        if (reply->page.exhausted || added == 0 || static_cast<int>(reply->page.bars.size()) < m_ws.pageBars())
            m_exhausted = true;
        Q_EMIT olderHistoryLoaded(static_cast<int>(added));
        applyPendingView();
    }
}

void ChartPane::onRemoteHistory() {
    if (m_latestTicket != 0) return;  // a load is on its way and reads the new bars anyway
    if (m_state == State::NoData || m_chart->barCount() == 0) {
        reload();
        return;
    }
    m_exhausted = false;  // the next scroll past the oldest bar reads what arrived
}

void ChartPane::onHistoryNeeded(std::int64_t oldestOpenMs) {
    if (m_exhausted && m_olderTicket == 0 && m_latestTicket == 0)
        Q_EMIT m_ws.historyWanted(m_id, m_tf, oldestOpenMs - m_ws.pageBars() * nominalDurationMs(m_tf), oldestOpenMs);
    if (m_exhausted || m_olderTicket != 0 || m_latestTicket != 0) return;
    m_olderTicket = m_ws.loader()->requestPage(m_id, m_tf, oldestOpenMs, kNoEnd, m_ws.pageBars());
}

bool ChartPane::liveViaBars() const {
    const auto lt = m_ws.liveBarTimeframe();
    return lt && storage::tilesInto(*lt, m_tf);
}

void ChartPane::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    if (!(id == m_id) || !liveViaBars() || tf != *m_ws.liveBarTimeframe()) return;
    if (m_latestTicket != 0) {
        m_pending.push_back({false, tf, bar, {}});
        return;
    }
    applyPiece(bar, bar.openTimeMs, nextBucketStart(tf, bar.openTimeMs), bar.closed);
}

void ChartPane::onTrade(const InstrumentId& id, const Trade& trade) {
    if (!(id == m_id) || liveViaBars() || m_id.symbol.empty()) return;
    if (m_latestTicket != 0) {
        m_pending.push_back({true, m_tf, {}, trade});
        return;
    }
    Bar piece;
    piece.openTimeMs = trade.timeMs;
    piece.open = piece.high = piece.low = piece.close = trade.price;
    piece.volume = trade.quantity;
    piece.tradeCount = 1;
    piece.closed = true;  // a trade is final
    applyPiece(piece, trade.timeMs, trade.timeMs + 1, true);
}

void ChartPane::applyPiece(const Bar& piece, std::int64_t pieceOpenMs, std::int64_t pieceCloseMs, bool pieceFinal) {
    if (pieceOpenMs < m_liveFromMs) return;  // already in the history
    const std::int64_t bucket = bucketStart(m_tf, pieceOpenMs);
    if (bucket < m_liveBucket) return;
    if (bucket != m_liveBucket) {
        m_liveBucket = bucket;
        m_liveBase.reset();
    }
    Bar shown = piece;
    if (m_liveBase) {
        auto merged = storage::mergeBar(*m_liveBase, piece);
        if (!merged) return;  // a volume overflow: keep the last good bar
        shown = *merged;
    }
    shown.openTimeMs = bucket;
    shown.closed = pieceFinal && pieceCloseMs >= nextBucketStart(m_tf, bucket);
    if (pieceFinal) m_liveBase = shown;
    const bool wasEmpty = m_chart->barCount() == 0;
    m_chart->updateLastBar(shown);
    if (wasEmpty) m_chart->resetView();  // the empty chart's view points nowhere: show the new bar
    if (m_state == State::NoData && m_chart->barCount() > 0) setState(State::Ready);
}

void ChartPane::applyPendingView() {
    if (!m_pendingView || m_chart->barCount() == 0) return;
    const charts::ChartSeries& s = m_chart->series();
    if (m_olderTicket != 0) return;  // applied when the page in flight is in
    // A saved view older than what is loaded: read back to it first (page by page if the
    // estimate falls short), then apply it.
    const std::int64_t barMs = nominalDurationMs(m_tf);
    const std::int64_t leftMs = m_pendingView->anchorMs - static_cast<std::int64_t>(m_pendingView->width + 1) * barMs;
    if (leftMs < s.time().front() && !m_exhausted) {
        const std::int64_t missing = (s.time().front() - leftMs) / barMs + 1;
        const int count = static_cast<int>(std::clamp<std::int64_t>(missing + 50, m_ws.pageBars(), 200'000));
        m_olderTicket = m_ws.loader()->requestPage(m_id, m_tf, s.time().front(), kNoEnd, count);
        return;
    }
    const std::int64_t idx = s.indexAtOrBefore(m_pendingView->anchorMs);
    const double right = static_cast<double>(idx) + m_pendingView->offset;
    m_chart->setVisibleRange(right - m_pendingView->width, right);
    m_pendingView.reset();
}

void ChartPane::setActive(bool active) {
    if (m_active == active) return;
    m_active = active;
    update();
}

void ChartPane::setKnownInstruments(const std::vector<InstrumentId>& ids) {
    const QSignalBlocker block(m_symbolBox);
    const QString text = m_symbolBox->currentText();
    m_symbolBox->clear();
    for (const InstrumentId& id : ids) m_symbolBox->addItem(idText(id));
    m_symbolBox->setCurrentText(text);
}

void ChartPane::showSyncedCrosshair(std::int64_t timeMs) {
    m_syncedCrosshairMs = timeMs;
    m_chart->showCrosshairAt(timeMs);
}

void ChartPane::syncCombos() {
    const QSignalBlocker b1(m_symbolBox), b2(m_tfBox), b3(m_typeBox);
    const QString text = m_id.symbol.empty() ? QString() : idText(m_id);
    const int row = m_symbolBox->findText(text);
    if (row >= 0) m_symbolBox->setCurrentIndex(row);
    m_symbolBox->setCurrentText(text);
    m_tfBox->setCurrentIndex(m_tfBox->findData(static_cast<int>(m_tf)));
    m_typeBox->setCurrentIndex(m_typeBox->findData(static_cast<int>(m_chart->chartType())));
}

void ChartPane::onInstrumentEdited() {
    const QString text = m_symbolBox->currentText().trimmed();
    if (text.isEmpty()) return syncCombos();
    std::optional<InstrumentId> found;
    for (const InstrumentId& id : m_ws.knownInstruments()) {
        if (idText(id).compare(text, Qt::CaseInsensitive) == 0) found = id;
    }
    if (!found)
        for (const InstrumentId& id : m_ws.knownInstruments())
            if (QString::fromStdString(id.symbol).compare(text, Qt::CaseInsensitive) == 0) {
                found = id;
                break;
            }
    if (!found && text.contains(QLatin1Char(':')))
        if (auto parsed = InstrumentId::parse(text.toUpper().toStdString()); parsed) found = *parsed;
    if (!found) {
        syncCombos();
        const QString before = m_message->text();
        const State st = m_state;
        setState(st, tr("Unknown instrument “%1”: type VENUE:SYMBOL or pick one from the list").arg(text));
        QTimer::singleShot(3000, this, [this, before, st] {
            if (m_state == st) setState(st, before);
        });
        return;
    }
    setInstrument(*found);
}

QJsonObject ChartPane::saveState() const {
    QJsonObject o;
    o[QStringLiteral("instrument")] = idText(m_id);
    o[QStringLiteral("timeframe")] = tfText(m_tf);
    o[QStringLiteral("chartType")] = charts::toString(m_chart->chartType());
    QJsonArray inds;
    for (int id : m_chart->indicatorIds()) inds.append(m_chart->indicatorConfig(id).toJson());
    o[QStringLiteral("indicators")] = inds;
    o[QStringLiteral("volume")] = m_chart->isVolumeVisible();
    const charts::ChartSeries& s = m_chart->series();
    if (m_pendingView) {
        o[QStringLiteral("view")] = QJsonObject{{QStringLiteral("anchorMs"), static_cast<double>(m_pendingView->anchorMs)},
                                                {QStringLiteral("offset"), m_pendingView->offset},
                                                {QStringLiteral("width"), m_pendingView->width}};
    } else if (!s.empty()) {
        const double right = m_chart->visibleRight(), left = m_chart->visibleLeft();
        const auto anchor = std::clamp(static_cast<std::int64_t>(std::llround(right)), s.firstIndex(), s.lastIndex());
        o[QStringLiteral("view")] = QJsonObject{{QStringLiteral("anchorMs"), static_cast<double>(s.time()[s.slot(anchor)])},
                                                {QStringLiteral("offset"), right - static_cast<double>(anchor)},
                                                {QStringLiteral("width"), right - left}};
    }
    return o;
}

void ChartPane::restoreState(const storage::ChartLayoutChart& state) {
    for (auto t : {charts::ChartType::Bars, charts::ChartType::Candles, charts::ChartType::Line, charts::ChartType::HeikinAshi})
        if (charts::toString(t) == QString::fromStdString(state.chartType)) m_chart->setChartType(t);
    m_chart->setVolumeVisible(state.volume);
    m_chart->clearIndicators();
    for (const storage::ChartLayoutIndicator& i : state.indicators)
        if (auto cfg = charts::IndicatorConfig::fromLayout(i)) m_chart->addIndicator(*cfg);
    m_pendingView.reset();
    if (state.view) m_pendingView = View{state.view->anchorMs, state.view->offset, state.view->width};
    setSeries(state.instrument, state.timeframe);
    if (m_latestTicket == 0) applyPendingView();  // same series, already loaded
    syncCombos();
}

void ChartPane::paintEvent(QPaintEvent* event) {
    QWidget::paintEvent(event);
    QPainter p(this);
    const QColor c = m_active ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid);
    p.setPen(QPen(c, m_active ? 2 : 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(rect()).adjusted(1, 1, -1, -1));
}

bool ChartPane::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::FocusIn) Q_EMIT activated();
    return QWidget::eventFilter(watched, event);
}

}  // namespace kairos::ui
