#pragma once
// Building the venues' subscribe/unsubscribe messages: topics in batches of the venue's limit,
// JSON string lists; texts of decoded messages as QString.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <map>
#include <string_view>

namespace kairos::marketdata::detail {

/// UTF-8 text a codec decoded (a view into the message) as a QString.
inline QString fromUtf8(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

/// One message per batch of at most `perBatch` items, built by `make(batch)`.
template <class Make>
QList<QByteArray> batched(const QStringList& items, qsizetype perBatch, Make make) {
    QList<QByteArray> out;
    for (qsizetype i = 0; i < items.size(); i += perBatch) out.append(make(items.mid(i, std::min(perBatch, items.size() - i))));
    return out;
}

/// Topics spelled "channel|product" grouped by channel (Coinbase's subscribe messages list
/// products per channel).
inline std::map<QString, QStringList> productsByChannel(const QStringList& topics) {
    std::map<QString, QStringList> out;
    for (const QString& t : topics) {
        const qsizetype bar = t.indexOf(QLatin1Char('|'));
        out[t.left(bar)].append(t.mid(bar + 1));
    }
    return out;
}

/// "a","b","c": the inside of a JSON array of strings.
inline QByteArray jsonStrings(const QStringList& items) {
    QByteArray out;
    for (const QString& s : items) out += (out.isEmpty() ? "\"" : ",\"") + s.toUtf8() + '"';
    return out;
}

}  // namespace kairos::marketdata::detail
