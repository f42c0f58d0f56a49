#pragma once
// ChartHistoryLoader: reads chart history pages (storage::BarHistory) on a worker thread with its
// own connection to the profile database, so the GUI never waits on SQLite. Requests are served
// in order; each answer comes back on the GUI thread as pageLoaded(ticket, ...).

#include "domain/instrument.h"
#include "marketdata/marketdatafeed.h"  // metatypes of InstrumentId, Timeframe, Bar in signals
#include "domain/timeframe.h"
#include "storage/barhistory.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QThread;

namespace kairos::ui {

struct HistoryReply {
    quint64 ticket = 0;
    storage::HistoryPage page;
    QString error;  ///< non-empty: the page could not be read
};

class ChartHistoryLoader : public QObject {
    Q_OBJECT
public:
    /// `databasePath`: the profile database (opened on the worker thread on first use).
    explicit ChartHistoryLoader(QString databasePath, QObject* parent = nullptr);
    ~ChartHistoryLoader() override;

    /// Queues a page request (see BarHistory::page); returns its ticket (> 0).
    quint64 requestPage(const InstrumentId& id, Timeframe tf, std::int64_t beforeMs, std::int64_t endMs, int count);
    /// Queues a listing of the instruments stored in the CandleStore; answered by seriesListed().
    void requestInstruments();

Q_SIGNALS:
    void pageLoaded(quint64 ticket, std::shared_ptr<const kairos::ui::HistoryReply> reply);
    void instrumentsListed(std::vector<kairos::InstrumentId> instruments);

private:
    struct Worker;
    QString m_path;
    QThread* m_thread;
    Worker* m_worker;
    quint64 m_nextTicket = 1;
};

}  // namespace kairos::ui
