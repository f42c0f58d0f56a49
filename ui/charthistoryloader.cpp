#include "charthistoryloader.h"

#include "storage/candlestore.h"
#include "storage/database.h"

#include <QThread>

#include <set>

namespace kairos::ui {

// Lives on the worker thread; owns that thread's database connection.
struct ChartHistoryLoader::Worker : QObject {
    QString path;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::CandleStore> store;
    QString openError;

    bool open() {
        if (store) return true;
        auto r = storage::Database::open(path);
        if (!r) {
            openError = QString::fromStdString(r.message());
            return false;
        }
        db = std::move(*r);
        store = std::make_unique<storage::CandleStore>(*db);
        return true;
    }
};

ChartHistoryLoader::ChartHistoryLoader(QString databasePath, QObject* parent)
    : QObject(parent), m_path(std::move(databasePath)), m_thread(new QThread), m_worker(new Worker) {
    m_worker->path = m_path;
    m_worker->moveToThread(m_thread);
    m_thread->setObjectName(QStringLiteral("ChartHistory"));
    m_thread->start();
}

ChartHistoryLoader::~ChartHistoryLoader() {
    m_thread->quit();
    m_thread->wait();
    delete m_worker;  // closes the worker's connection (no longer in use by any thread)
    delete m_thread;
}

quint64 ChartHistoryLoader::requestPage(const InstrumentId& id, Timeframe tf, std::int64_t beforeMs, std::int64_t endMs,
                                        int count) {
    const quint64 ticket = m_nextTicket++;
    ChartHistoryLoader* self = this;
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [self, w, ticket, id, tf, beforeMs, endMs, count] {
            auto reply = std::make_shared<HistoryReply>();
            reply->ticket = ticket;
            if (!w->open()) {
                reply->error = w->openError;
            } else {
                storage::BarHistory history(*w->store);
                auto page = history.page(id, tf, beforeMs, endMs, count);
                if (page)
                    reply->page = std::move(*page);
                else
                    reply->error = QString::fromStdString(page.message());
            }
            // Back to the GUI thread. The loader outlives this call (its destructor waits for the
            // thread); an answer still queued when it is deleted is dropped with it.
            QMetaObject::invokeMethod(
                self, [self, reply] { Q_EMIT self->pageLoaded(reply->ticket, reply); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return ticket;
}

void ChartHistoryLoader::requestInstruments() {
    ChartHistoryLoader* self = this;
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [self, w] {
            std::vector<InstrumentId> ids;
            if (w->open())
                if (auto series = w->store->series(); series) {
                    std::set<InstrumentId> seen;
                    for (const auto& s : *series)
                        if (seen.insert(s.instrument).second) ids.push_back(s.instrument);
                }
            QMetaObject::invokeMethod(
                self, [self, ids] { Q_EMIT self->instrumentsListed(ids); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

}  // namespace kairos::ui
