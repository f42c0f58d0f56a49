#include "signals/rulesfile.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>
#include <map>

namespace kairos::signal {

namespace {

Result<int> wholeNumber(const QJsonValue& v, const std::string& key) {
    if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || std::fabs(v.toDouble()) > 1e9)
        return makeError(key + " must be a whole number");
    return static_cast<int>(v.toDouble());
}

Result<double> number(const QJsonValue& v, const std::string& key) {
    if (!v.isDouble()) return makeError(key + " must be a number");
    return v.toDouble();
}

Result<FormulaRule> formulaRule(const QJsonValue& v, const std::string& at) {
    if (!v.isObject()) return makeError(at + " must be an object {\"formula\", \"side\", \"weight\", \"reason\"}");
    const QJsonObject o = v.toObject();
    FormulaRule r;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string key = it.key().toStdString();
        const QJsonValue& x = it.value();
        if (key == "formula") {
            if (!x.isString()) return makeError(at + ".formula must be a string");
            r.formula = x.toString().toStdString();
        } else if (key == "side") {
            const QString side = x.toString().toLower();
            if (side == QLatin1String("long"))
                r.side = Direction::Long;
            else if (side == QLatin1String("short"))
                r.side = Direction::Short;
            else
                return makeError(at + ".side must be \"long\" or \"short\"");
        } else if (key == "weight") {
            auto w = wholeNumber(x, at + ".weight");
            if (!w) return w.error();
            r.weight = *w;
        } else if (key == "reason") {
            if (!x.isString()) return makeError(at + ".reason must be a string");
            r.reason = x.toString().toStdString();
        } else {
            return makeError(at + ": unknown key \"" + key + "\" (formula, side, weight, reason)");
        }
    }
    if (!o.contains(QStringLiteral("formula"))) return makeError(at + ": needs \"formula\"");
    if (!o.contains(QStringLiteral("side"))) return makeError(at + ": needs \"side\" (\"long\" or \"short\")");
    return r;
}

}  // namespace

Result<SignalRules> parseRules(std::string_view json) {
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &pe);
    if (pe.error != QJsonParseError::NoError)
        return makeError("not valid JSON at offset " + std::to_string(pe.offset) + ": " + pe.errorString().toStdString());
    if (!doc.isObject()) return makeError("the rules must be a JSON object");
    SignalRules r;
    std::map<std::string, int*> ints = {{"emaFast", &r.emaFast},     {"emaSlow", &r.emaSlow},
                                        {"emaTrend", &r.emaTrend},   {"adxPeriod", &r.adxPeriod},
                                        {"rsiPeriod", &r.rsiPeriod}, {"macdFast", &r.macdFast},
                                        {"macdSlow", &r.macdSlow},   {"macdSignal", &r.macdSignal},
                                        {"stochK", &r.stochK},       {"stochSlowing", &r.stochSlowing},
                                        {"stochD", &r.stochD},       {"bbPeriod", &r.bbPeriod},
                                        {"mfiPeriod", &r.mfiPeriod}, {"obvSmaPeriod", &r.obvSmaPeriod},
                                        {"atrPeriod", &r.atrPeriod}, {"minScore", &r.minScore}};
    std::map<std::string, double*> doubles = {{"adxTrending", &r.adxTrending},
                                              {"rsiOversold", &r.rsiOversold},
                                              {"rsiOverbought", &r.rsiOverbought},
                                              {"bbK", &r.bbK},
                                              {"atrStop", &r.atrStop}};
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string key = it.key().toStdString();
        const QJsonValue& v = it.value();
        if (auto i = ints.find(key); i != ints.end()) {
            auto n = wholeNumber(v, key);
            if (!n) return n.error();
            *i->second = *n;
        } else if (auto d = doubles.find(key); d != doubles.end()) {
            auto n = number(v, key);
            if (!n) return n.error();
            *d->second = *n;
        } else if (key == "tpR") {
            const QJsonArray a = v.toArray();
            if (!v.isArray() || a.size() != 3) return makeError("tpR must be a list of three numbers");
            for (qsizetype k = 0; k < 3; ++k) {
                auto n = number(a[k], "tpR[" + std::to_string(k) + "]");
                if (!n) return n.error();
                r.tpR[static_cast<std::size_t>(k)] = *n;
            }
        } else if (key == "formulas") {
            if (!v.isArray()) return makeError("formulas must be a list of {\"formula\", \"side\", \"weight\", \"reason\"}");
            const QJsonArray a = v.toArray();
            for (qsizetype k = 0; k < a.size(); ++k) {
                auto f = formulaRule(a[k], "formulas[" + std::to_string(k) + "]");
                if (!f) return f.error();
                r.formulas.push_back(std::move(*f));
            }
        } else {
            return makeError("unknown key \"" + key + "\"");
        }
    }
    if (auto ok = validate(r); !ok) return ok.error();
    return r;
}

Result<SignalRules> loadRules(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) return makeError(path + ": cannot open: " + f.errorString().toStdString());
    const QByteArray data = f.readAll();
    auto r = parseRules(std::string_view(data.constData(), static_cast<std::size_t>(data.size())));
    if (!r) return makeError(path + ": " + r.message());
    return r;
}

}  // namespace kairos::signal
