#pragma once
// Building the venues' subscribe/unsubscribe messages: topics in batches of the venue's limit,
// JSON string lists.

#include <QByteArray>
#include <QList>
#include <QStringList>

#include <algorithm>

namespace kairos::marketdata::detail {

/// One message per batch of at most `perBatch` items, built by `make(batch)`.
template <class Make>
QList<QByteArray> batched(const QStringList& items, qsizetype perBatch, Make make) {
    QList<QByteArray> out;
    for (qsizetype i = 0; i < items.size(); i += perBatch) out.append(make(items.mid(i, std::min(perBatch, items.size() - i))));
    return out;
}

/// "a","b","c": the inside of a JSON array of strings.
inline QByteArray jsonStrings(const QStringList& items) {
    QByteArray out;
    for (const QString& s : items) out += (out.isEmpty() ? "\"" : ",\"") + s.toUtf8() + '"';
    return out;
}

}  // namespace kairos::marketdata::detail
