#include "alertdialog.h"

#include "alerts/serverrules.h"
#include "cloud/cloudclient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTimeZone>
#include <QVBoxLayout>

#include <cmath>
#include <cstring>

#include <algorithm>

namespace kairos::ui {

using alerts::Condition;
using alerts::PriceSource;
using alerts::SignalSide;
using alerts::Trigger;

namespace {
const Timeframe kPriceBarTimeframes[] = {Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::M30,
                                         Timeframe::H1, Timeframe::H4, Timeframe::D1,  Timeframe::W1};
}

AlertDialog::AlertDialog(const InstrumentId& instrument, std::optional<Price> last, int precision, QWidget* parent)
    : QDialog(parent), m_instrument(instrument), m_last(last), m_precision(std::clamp(precision, 0, 18)) {
    setObjectName(QStringLiteral("AlertDialog"));
    setMinimumWidth(480);  // wrapped rows (preview, "Now", no channels) need the width to show whole
    setWindowTitle(tr("Create alert on %1").arg(QString::fromStdString(instrument.toString())));
    m_base.instrument = instrument;

    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    auto* symbol = new QLabel(QString::fromStdString(instrument.toString()));
    symbol->setObjectName(QStringLiteral("AlertSymbol"));
    form->addRow(tr("Symbol"), symbol);
    m_applyTo = new QComboBox;
    m_applyTo->setObjectName(QStringLiteral("AlertApplyTo"));
    m_applyTo->addItem(tr("This symbol"), QVariant::fromValue<qint64>(0));
    m_applyTo->setToolTip(
        tr("A watchlist alert is one rule that runs on every symbol of the list, also on symbols added later."));
    form->addRow(tr("Apply to"), m_applyTo);
    m_lastLabel = new QLabel(last ? QString::fromStdString(last->toString()) : tr("no price yet"));
    m_lastLabel->setObjectName(QStringLiteral("AlertLastPrice"));
    form->addRow(tr("Last price"), m_lastLabel);

    m_condition = new QComboBox;
    m_condition->setObjectName(QStringLiteral("AlertCondition"));
    const std::pair<Condition, QString> conditions[] = {{Condition::CrossesAbove, tr("Price crosses above")},
                                                        {Condition::CrossesBelow, tr("Price crosses below")},
                                                        {Condition::GoesAbove, tr("Price is above")},
                                                        {Condition::GoesBelow, tr("Price is below")},
                                                        {Condition::EntersChannel, tr("Price enters a channel")},
                                                        {Condition::LeavesChannel, tr("Price leaves a channel")},
                                                        {Condition::MovePercent, tr("Price moves N % within a window")},
                                                        {Condition::VolumeSpike, tr("Volume spike")},
                                                        {Condition::Change24h, tr("24h change reaches N %")},
                                                        {Condition::CrossesDrawing, tr("Price crosses a drawn line")},
                                                        {Condition::Formula, tr("Formula becomes true")},
                                                        {Condition::Signal, tr("Signal engine gives a signal")}};
    for (const auto& [c, label] : conditions) m_condition->addItem(label, static_cast<int>(c));
    m_condition->setToolTip(
        tr("\"Crosses\" needs a price on each side of the level: the first price after the alert is set "
           "never fires it; touching the level counts as crossing it."));
    form->addRow(tr("Condition"), m_condition);

    m_level = new QLineEdit;
    m_level->setObjectName(QStringLiteral("AlertLevel"));
    m_level->setPlaceholderText(tr("price, up to %n decimal(s)", nullptr, m_precision));
    if (last)
        m_level->setText(QString::fromStdString(last->rescaled(m_precision, RoundingMode::HalfEven).valueOr(*last).toString()));
    form->addRow(tr("Level"), m_level);
    m_priceRows << m_level;
    m_level2 = new QLineEdit;
    m_level2->setObjectName(QStringLiteral("AlertLevel2"));
    m_level2->setPlaceholderText(tr("the channel's other edge"));
    form->addRow(tr("Second level"), m_level2);
    m_channelRows << m_level2;
    m_source = new QComboBox;
    m_source->setObjectName(QStringLiteral("AlertPriceSource"));
    m_source->addItem(tr("Last trade"), static_cast<int>(PriceSource::Last));
    m_source->addItem(tr("Best bid"), static_cast<int>(PriceSource::Bid));
    m_source->addItem(tr("Best ask"), static_cast<int>(PriceSource::Ask));
    m_source->addItem(tr("Bid/ask mid"), static_cast<int>(PriceSource::Mid));
    m_source->setToolTip(tr("Bid, ask and mid need a feed with quotes (book ticker)."));
    form->addRow(tr("Price"), m_source);
    m_sourceRows << m_source;

    m_formula = new QLineEdit;
    m_formula->setObjectName(QStringLiteral("AlertFormula"));
    m_formula->setPlaceholderText(QStringLiteral("ema(close, 9) > ema(close, 21)"));
    m_formula->setToolTip(
        tr("A condition over the closed bars: fields open high low close volume, indicators such as "
           "ema(close, 9), rsi(close, 14), atr(14); comparisons and and/or. It holds when its value is not zero."));
    m_formula->setToolTip(m_formula->toolTip() +
                          tr(" A field may name a coarser timeframe: rsi(close@4h, 14) < 30 and close@1d > sma(close@1d, 200)."));
    form->addRow(tr("Formula"), m_formula);
    m_formulaRows << m_formula;

    m_percent = new QDoubleSpinBox;
    m_percent->setObjectName(QStringLiteral("AlertPercent"));
    m_percent->setRange(0.01, 10000);
    m_percent->setDecimals(2);
    m_percent->setValue(5);
    m_percent->setSuffix(QStringLiteral(" %"));
    form->addRow(tr("Move"), m_percent);
    m_percentRows << m_percent;
    auto* windowRow = new QWidget;
    auto* wr = new QHBoxLayout(windowRow);
    wr->setContentsMargins(0, 0, 0, 0);
    m_window = new QSpinBox;
    m_window->setObjectName(QStringLiteral("AlertWindow"));
    m_window->setRange(1, 10000);
    m_window->setValue(4);
    m_windowUnit = new QComboBox;
    m_windowUnit->setObjectName(QStringLiteral("AlertWindowUnit"));
    m_windowUnit->addItem(tr("bars"), 0);
    m_windowUnit->addItem(tr("minutes"), 60);
    m_windowUnit->addItem(tr("hours"), 3600);
    wr->addWidget(m_window, 1);
    wr->addWidget(m_windowUnit);
    form->addRow(tr("Within"), windowRow);
    m_windowRows << windowRow;
    m_direction = new QComboBox;
    m_direction->setObjectName(QStringLiteral("AlertDirection"));
    m_direction->addItem(tr("Up or down"), static_cast<int>(SignalSide::Either));
    m_direction->addItem(tr("Up"), static_cast<int>(SignalSide::Long));
    m_direction->addItem(tr("Down"), static_cast<int>(SignalSide::Short));
    form->addRow(tr("Direction"), m_direction);
    m_directionRows << m_direction;
    m_volumeFactor = new QDoubleSpinBox;
    m_volumeFactor->setObjectName(QStringLiteral("AlertVolumeFactor"));
    m_volumeFactor->setRange(0.1, 1000);
    m_volumeFactor->setDecimals(1);
    m_volumeFactor->setValue(3);
    m_volumeFactor->setPrefix(QStringLiteral("≥ "));
    m_volumeFactor->setSuffix(tr(" × average"));
    form->addRow(tr("Volume"), m_volumeFactor);
    m_volumeBars = new QSpinBox;
    m_volumeBars->setObjectName(QStringLiteral("AlertVolumeBars"));
    m_volumeBars->setRange(1, 10000);
    m_volumeBars->setValue(20);
    m_volumeBars->setSuffix(tr(" previous bars"));
    form->addRow(tr("Average of"), m_volumeBars);
    m_volumeRows << m_volumeFactor << m_volumeBars;
    m_drawing = new QComboBox;
    m_drawing->setObjectName(QStringLiteral("AlertDrawing"));
    m_drawing->setToolTip(tr("A trend line, ray or horizontal line of this chart; the alert follows it when it is moved."));
    form->addRow(tr("Line"), m_drawing);
    m_drawingRows << m_drawing;

    m_side = new QComboBox;
    m_side->setObjectName(QStringLiteral("AlertSignalSide"));
    m_side->addItem(tr("LONG or SHORT"), static_cast<int>(SignalSide::Either));
    m_side->addItem(tr("LONG"), static_cast<int>(SignalSide::Long));
    m_side->addItem(tr("SHORT"), static_cast<int>(SignalSide::Short));
    form->addRow(tr("Signal"), m_side);
    m_confidence = new QSpinBox;
    m_confidence->setObjectName(QStringLiteral("AlertConfidence"));
    m_confidence->setRange(0, 100);
    m_confidence->setValue(60);
    m_confidence->setSuffix(QStringLiteral(" %"));
    form->addRow(tr("Minimum confidence"), m_confidence);
    m_signalRows << m_side << m_confidence;

    m_timeframe = new QComboBox;
    m_timeframe->setObjectName(QStringLiteral("AlertTimeframe"));
    form->addRow(tr("Timeframe"), m_timeframe);

    m_trigger = new QComboBox;
    m_trigger->setObjectName(QStringLiteral("AlertTrigger"));
    m_trigger->addItem(tr("Only once"), static_cast<int>(Trigger::Once));
    m_trigger->addItem(tr("Once per bar"), static_cast<int>(Trigger::OncePerBar));
    m_trigger->addItem(tr("Every time"), static_cast<int>(Trigger::EveryTime));
    m_trigger->setToolTip(
        tr("Only once: the alert is disabled after it fires. Once per bar: at most once per bar of the "
           "timeframe. Every time: whenever the condition is met, at most once per cooldown."));
    form->addRow(tr("Trigger"), m_trigger);
    m_cooldown = new QSpinBox;
    m_cooldown->setObjectName(QStringLiteral("AlertCooldown"));
    m_cooldown->setRange(0, 7 * 24 * 3600);
    m_cooldown->setValue(60);
    m_cooldown->setSuffix(tr(" s"));
    form->addRow(tr("Cooldown"), m_cooldown);

    auto* expiryRow = new QWidget;
    auto* er = new QHBoxLayout(expiryRow);
    er->setContentsMargins(0, 0, 0, 0);
    m_expires = new QCheckBox(tr("Expires"));
    m_expires->setObjectName(QStringLiteral("AlertExpires"));
    m_expiry = new QDateTimeEdit(QDateTime::currentDateTime().addDays(30));
    m_expiry->setObjectName(QStringLiteral("AlertExpiry"));
    m_expiry->setCalendarPopup(true);
    m_expiry->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_expiry->setEnabled(false);
    m_expiry->setToolTip(tr("Local time (%1); checked against the market time of prices and bars.")
                             .arg(QString::fromLatin1(QDateTime::currentDateTime().timeZone().id())));
    er->addWidget(m_expires);
    er->addWidget(m_expiry, 1);
    form->addRow(tr("Expiry"), expiryRow);

    m_message = new QLineEdit;
    m_message->setObjectName(QStringLiteral("AlertMessage"));
    m_message->setPlaceholderText(tr("optional: what to do when it fires"));
    m_message->setMaxLength(1000);
    form->addRow(tr("Message"), m_message);

    m_channelsBox = new QWidget;
    auto* cl = new QVBoxLayout(m_channelsBox);
    cl->setContentsMargins(0, 0, 0, 0);
    m_noChannels =
        new QLabel(tr("No channels yet: add e-mail, Telegram, Discord or a webhook with Channels… in the Alerts panel."));
    m_noChannels->setWordWrap(true);
    m_noChannels->setEnabled(false);
    cl->addWidget(m_noChannels);
    form->addRow(tr("Send to"), m_channelsBox);
    m_template = new QLineEdit;
    m_template->setObjectName(QStringLiteral("AlertTemplate"));
    m_template->setPlaceholderText(
        QString::fromUtf8(alerts::kDefaultTemplate.data(), static_cast<qsizetype>(alerts::kDefaultTemplate.size())));
    m_template->setToolTip(tr("What the channels send. Placeholders: {symbol} {price} {condition} {time} {note} {timeframe}"));
    m_template->setMaxLength(2000);
    form->addRow(tr("Channel message"), m_template);
    m_preview = new QLabel;
    m_preview->setObjectName(QStringLiteral("AlertPreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Preview"), m_preview);
    m_now = new QLabel;
    m_now->setObjectName(QStringLiteral("AlertNow"));
    m_now->setWordWrap(true);
    form->addRow(tr("Now"), m_now);

    m_server = new QCheckBox(tr("Keep running on the server"));
    m_server->setObjectName(QStringLiteral("AlertServer"));
    connect(m_server, &QCheckBox::toggled, this, [this] { updateState(); });
    m_server->setToolTip(
        tr("Your Kairos server evaluates this alert on the exchange's candles and sends it to the server's "
           "channels, also while the terminal is closed. The terminal then shows the server's firings "
           "(marked [server]) instead of firing it itself."));
    m_serverNote = new QLabel;
    m_serverNote->setObjectName(QStringLiteral("AlertServerNote"));
    m_serverNote->setWordWrap(true);
    m_serverNote->setEnabled(false);
    auto* serverBox = new QWidget;
    auto* sl = new QVBoxLayout(serverBox);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(m_server);
    sl->addWidget(m_serverNote);
    form->addRow(tr("Server"), serverBox);
    setServerAvailable(false);

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("AlertError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #ef5350;"));
    layout->addWidget(m_error);
    auto* note =
        new QLabel(tr("Delivered in the terminal (Alerts log, status bar, pop-up), as a desktop notification and to the "
                      "channels checked above. Alerts run while the terminal runs."));
    note->setWordWrap(true);
    note->setEnabled(false);
    layout->addWidget(note);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (rule()) accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_condition, &QComboBox::currentIndexChanged, this, [this] {
        fillTimeframes();
        updateState();
    });
    for (QLineEdit* e : {m_level, m_level2, m_formula, m_message, m_template})
        connect(e, &QLineEdit::textChanged, this, &AlertDialog::updateState);
    for (QComboBox* c : {m_trigger, m_timeframe, m_side, m_source, m_windowUnit, m_direction, m_drawing, m_applyTo})
        connect(c, &QComboBox::currentIndexChanged, this, &AlertDialog::updateState);
    for (QSpinBox* b : {m_confidence, m_window, m_volumeBars})
        connect(b, &QSpinBox::valueChanged, this, &AlertDialog::updateState);
    for (QDoubleSpinBox* b : {m_percent, m_volumeFactor})
        connect(b, &QDoubleSpinBox::valueChanged, this, &AlertDialog::updateState);
    connect(m_expires, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
    fillTimeframes();
    updateState();
}

Condition AlertDialog::condition() const { return static_cast<Condition>(m_condition->currentData().toInt()); }

void AlertDialog::setCondition(Condition c) { m_condition->setCurrentIndex(m_condition->findData(static_cast<int>(c))); }

void AlertDialog::setBarTimeframes(const std::vector<Timeframe>& formula, const std::vector<Timeframe>& signal) {
    if (!formula.empty()) m_barTimeframes = formula;
    if (!signal.empty()) m_signalTimeframes = signal;
    fillTimeframes();
    updateState();
}

void AlertDialog::fillTimeframes() {
    const QVariant current = m_timeframe->currentData();
    const QSignalBlocker block(m_timeframe);
    m_timeframe->clear();
    const bool price = alerts::isPriceCondition(condition()) || condition() == Condition::CrossesDrawing;
    const std::vector<Timeframe> list = price
        ? std::vector<Timeframe>(std::begin(kPriceBarTimeframes), std::end(kPriceBarTimeframes))
        : condition() == Condition::Signal ? m_signalTimeframes
                                           : m_barTimeframes;
    for (Timeframe tf : list) m_timeframe->addItem(QString::fromStdString(toString(tf)), static_cast<int>(tf));
    int at = current.isValid() ? m_timeframe->findData(current) : -1;
    if (at < 0) at = m_timeframe->findData(static_cast<int>(Timeframe::H1));
    m_timeframe->setCurrentIndex(std::max(at, 0));
    m_timeframe->setToolTip(
        price ? tr("The bar of \"once per bar\"")
              : tr("Bars the condition is evaluated on (closed bars only); the terminal streams these timeframes"));
}

void AlertDialog::setLevel(double price) {
    if (!std::isfinite(price) || price <= 0) return;
    m_level->setText(QString::number(price, 'f', m_precision));
}

void AlertDialog::setServerAvailable(bool available, const QString& whyNot) {
    m_server->setEnabled(available);
    m_serverNote->setText(available ? QString()
                                    : (whyNot.isEmpty() ? tr("Sign in to your Kairos account (File › Account…) to keep alerts "
                                                             "running on the server while the terminal is closed.")
                                                        : whyNot));
    m_serverNote->setVisible(!available);
}

void AlertDialog::setServerLimit(int limit, const QString& plan, const std::vector<std::int64_t>& serverRuleIds) {
    m_serverLimit = limit;
    m_plan = plan;
    m_serverRuleIds = serverRuleIds;
    updateState();
}

void AlertDialog::setServerAccount(cloud::CloudClient* client, const std::vector<alerts::AlertRule>& rules) {
    const bool signedIn = client && client->isSignedIn();
    setServerAvailable(signedIn);
    if (!signedIn) return;
    std::vector<std::int64_t> ids;
    for (const auto& r : rules)
        if (r.server) ids.push_back(r.id);
    QPointer<AlertDialog> self(this);
    client->serverAlertStatus([self, ids](const cloud::Outcome<cloud::ServerAlertStatus>& status) {
        if (!self || !status) return;  // not known: kairosd still checks the push
        self->setServerLimit(status->limit, status->plan, ids);
    });
}

void AlertDialog::setRule(const alerts::AlertRule& r) {
    m_base = r;
    m_server->setChecked(r.server);
    setWindowTitle(tr("Edit alert on %1").arg(QString::fromStdString(r.instrument.toString())));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    setCondition(r.condition);
    if (alerts::isPriceCondition(r.condition)) m_level->setText(QString::fromStdString(r.level.toString()));
    if (alerts::isChannelCondition(r.condition)) m_level2->setText(QString::fromStdString(r.level2.toString()));
    m_source->setCurrentIndex(std::max(0, m_source->findData(static_cast<int>(r.priceSource))));
    m_percent->setValue(r.percent);
    if (r.windowBars > 0) {
        m_windowUnit->setCurrentIndex(0);
        m_window->setValue(r.windowBars);
    } else if (r.windowMs > 0) {
        const bool hours = r.windowMs % 3'600'000 == 0;
        m_windowUnit->setCurrentIndex(hours ? 2 : 1);
        m_window->setValue(static_cast<int>(r.windowMs / (hours ? 3'600'000 : 60'000)));
    }
    m_direction->setCurrentIndex(std::max(0, m_direction->findData(static_cast<int>(r.signalSide))));
    m_volumeFactor->setValue(r.volumeFactor);
    m_volumeBars->setValue(r.volumeBars);
    if (r.drawingId > 0) {
        if (m_drawing->findData(QVariant::fromValue<qint64>(r.drawingId)) < 0)
            m_drawing->addItem(tr("drawing %1").arg(r.drawingId), QVariant::fromValue<qint64>(r.drawingId));
        m_drawing->setCurrentIndex(m_drawing->findData(QVariant::fromValue<qint64>(r.drawingId)));
    }
    if (r.watchlistId > 0) {
        if (m_applyTo->findData(QVariant::fromValue<qint64>(r.watchlistId)) < 0)
            m_applyTo->addItem(tr("Watchlist %1").arg(r.watchlistId), QVariant::fromValue<qint64>(r.watchlistId));
        m_applyTo->setCurrentIndex(m_applyTo->findData(QVariant::fromValue<qint64>(r.watchlistId)));
    }
    m_formula->setText(QString::fromStdString(r.formula));
    if (r.condition == Condition::Signal) m_side->setCurrentIndex(m_side->findData(static_cast<int>(r.signalSide)));
    m_confidence->setValue(r.minConfidence);
    fillTimeframes();
    const int tf = m_timeframe->findData(static_cast<int>(r.timeframe));
    if (tf >= 0) m_timeframe->setCurrentIndex(tf);
    m_trigger->setCurrentIndex(m_trigger->findData(static_cast<int>(r.trigger)));
    m_cooldown->setValue(static_cast<int>(r.cooldownMs / 1000));
    m_expires->setChecked(r.expiresAtMs > 0);
    if (r.expiresAtMs > 0) m_expiry->setDateTime(QDateTime::fromMSecsSinceEpoch(r.expiresAtMs));
    m_message->setText(QString::fromStdString(r.note));
    m_template->setText(QString::fromStdString(r.messageTemplate));
    for (auto& [id, box] : m_channelBoxes)
        box->setChecked(std::find(r.channelIds.begin(), r.channelIds.end(), id) != r.channelIds.end());
    updateState();
}

void AlertDialog::setChannels(const std::vector<alerts::ChannelConfig>& channels) {
    for (auto& [id, box] : m_channelBoxes) delete box;
    m_channelBoxes.clear();
    for (const alerts::ChannelConfig& c : channels) {
        auto* box = new QCheckBox(
            QStringLiteral("%1 (%2)").arg(QString::fromStdString(c.name), QString::fromUtf8(alerts::displayName(c.kind).data())));
        box->setObjectName(QStringLiteral("AlertChannel%1").arg(c.id));
        box->setEnabled(c.enabled);
        if (!c.enabled) box->setToolTip(tr("This channel is switched off"));
        m_channelsBox->layout()->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &AlertDialog::updateState);
        m_channelBoxes.emplace_back(c.id, box);
    }
    m_noChannels->setVisible(channels.empty());
    updateState();
}

QCheckBox* AlertDialog::channelBox(std::int64_t channelId) const {
    for (const auto& [id, box] : m_channelBoxes)
        if (id == channelId) return box;
    return nullptr;
}

Result<alerts::AlertRule> AlertDialog::rule() const {
    alerts::AlertRule r = m_base;
    r.instrument = m_instrument;
    r.condition = condition();
    r.enabled = true;  // creating or saving (re)activates it, as in TradingView
    if (alerts::isPriceCondition(r.condition)) {
        auto level = alerts::parseLevel(m_level->text().toStdString(), m_precision);
        if (!level) return makeError(tr("Level: %1").arg(QString::fromStdString(level.message())).toStdString());
        r.level = *level;
    }
    if (alerts::isChannelCondition(r.condition)) {
        auto level2 = alerts::parseLevel(m_level2->text().toStdString(), m_precision);
        if (!level2) return makeError(tr("Second level: %1").arg(QString::fromStdString(level2.message())).toStdString());
        r.level2 = *level2;
    }
    r.priceSource =
        alerts::isPriceCondition(r.condition) ? static_cast<PriceSource>(m_source->currentData().toInt()) : PriceSource::Last;
    r.percent = m_percent->value();
    const int unitSeconds = m_windowUnit->currentData().toInt();
    r.windowBars = unitSeconds == 0 ? m_window->value() : 0;
    r.windowMs = unitSeconds == 0 ? 0 : static_cast<std::int64_t>(m_window->value()) * unitSeconds * 1000;
    r.volumeFactor = m_volumeFactor->value();
    r.volumeBars = m_volumeBars->value();
    r.drawingId = r.condition == Condition::CrossesDrawing ? m_drawing->currentData().toLongLong() : 0;
    r.watchlistId = m_applyTo->currentData().toLongLong();
    if (r.watchlistId > 0) r.instrument = {};
    r.formula = r.condition == Condition::Formula ? m_formula->text().trimmed().toStdString() : std::string();
    r.timeframe = static_cast<Timeframe>(m_timeframe->currentData().toInt());
    r.signalSide = static_cast<SignalSide>((r.condition == Condition::Signal ? m_side : m_direction)->currentData().toInt());
    r.minConfidence = m_confidence->value();
    r.trigger = static_cast<Trigger>(m_trigger->currentData().toInt());
    r.cooldownMs = static_cast<std::int64_t>(m_cooldown->value()) * 1000;
    r.expiresAtMs = m_expires->isChecked() ? m_expiry->dateTime().toMSecsSinceEpoch() : 0;
    r.note = m_message->text().trimmed().toStdString();
    r.messageTemplate = m_template->text().trimmed().toStdString();
    // Signed out, the rule keeps where it ran: the box shows it but cannot change it.
    r.server = m_server->isEnabled() ? m_server->isChecked() : m_base.server;
    r.channelIds.clear();
    for (const auto& [id, box] : m_channelBoxes)
        if (box->isChecked()) r.channelIds.push_back(id);
    if (auto st = alerts::validate(r); !st) {
        QString msg = QString::fromStdString(st.message());
        if (msg.startsWith(QStringLiteral("formula: "))) msg = tr("Formula: %1").arg(msg.mid(9));
        return makeError(msg.toStdString());
    }
    if (r.server) {
        // Refused here rather than silently not run by kairosd, or refused with the whole sync push.
        if (const std::string why = alerts::serverUnsupported(r); !why.empty())
            return makeError(
                tr("Cannot keep this alert running on the server: %1.").arg(QString::fromStdString(why)).toStdString());
        if (!m_base.server)
            if (const std::string over = alerts::serverLimitProblem(
                    m_serverLimit,
                    static_cast<int>(std::count_if(m_serverRuleIds.begin(), m_serverRuleIds.end(),
                                                   [this](std::int64_t id) { return m_base.id == 0 || id != m_base.id; })),
                    m_plan.toStdString());
                !over.empty())
                return makeError(
                    tr("Cannot keep this alert running on the server: %1.").arg(QString::fromStdString(over)).toStdString());
    }
    return r;
}

void AlertDialog::updateState() {
    const Condition c = condition();
    auto* form = findChild<QFormLayout*>();
    const bool price = alerts::isPriceCondition(c);
    for (QWidget* w : m_priceRows) form->setRowVisible(w, price);
    for (QWidget* w : m_formulaRows) form->setRowVisible(w, c == Condition::Formula);
    for (QWidget* w : m_signalRows) form->setRowVisible(w, c == Condition::Signal);
    for (QWidget* w : m_channelRows) form->setRowVisible(w, alerts::isChannelCondition(c));
    for (QWidget* w : m_sourceRows) form->setRowVisible(w, price);
    for (QWidget* w : m_percentRows) form->setRowVisible(w, c == Condition::MovePercent || c == Condition::Change24h);
    for (QWidget* w : m_windowRows) form->setRowVisible(w, c == Condition::MovePercent);
    for (QWidget* w : m_directionRows)
        form->setRowVisible(w, c == Condition::MovePercent || c == Condition::Change24h || c == Condition::CrossesDrawing);
    for (QWidget* w : m_volumeRows) form->setRowVisible(w, c == Condition::VolumeSpike);
    for (QWidget* w : m_drawingRows) form->setRowVisible(w, c == Condition::CrossesDrawing);
    form->setRowVisible(m_cooldown, static_cast<Trigger>(m_trigger->currentData().toInt()) == Trigger::EveryTime);
    auto r = rule();
    m_error->setText(r ? QString() : QString::fromStdString(r.message()));
    // The preview: the message a firing now would send (at the last price, or the level).
    alerts::AlertRule shown = r ? *r : m_base;
    shown.instrument = m_instrument;
    shown.note = m_message->text().trimmed().toStdString();
    alerts::AlertEvent sample;
    sample.ruleId = shown.id;
    sample.instrument = m_instrument;
    sample.timeMs = QDateTime::currentMSecsSinceEpoch();
    sample.price = m_last ? *m_last : shown.level;
    const std::string tpl = m_template->text().trimmed().isEmpty() ? std::string(alerts::kDefaultTemplate)
                                                                   : m_template->text().trimmed().toStdString();
    m_preview->setText(QString::fromStdString(alerts::renderTemplate(tpl, sample, shown)));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(r.ok());

    // Now: the condition on the current data (a watchlist rule on this dialog's symbol).
    alerts::ConditionNow now;
    if (r) {
        alerts::AlertRule probe = *r;
        probe.instrument = m_instrument;
        probe.watchlistId = 0;
        now = alerts::evaluateNow(probe, m_snapshot);
    } else {
        now.text = "not valid yet";
    }
    const QString colour = now.state == alerts::ConditionNow::State::Holds ? QStringLiteral("#26a69a")
        : now.state == alerts::ConditionNow::State::DoesNotHold            ? QStringLiteral("#ef5350")
                                                                           : QStringLiteral("#9e9e9e");
    const QString word = now.state == alerts::ConditionNow::State::Holds ? tr("Holds")
        : now.state == alerts::ConditionNow::State::DoesNotHold          ? tr("Does not hold")
                                                                         : tr("Unknown");
    QString detail = QString::fromStdString(now.text);
    for (const char* prefix : {"holds now: ", "does not hold now: "})
        if (detail.startsWith(QLatin1String(prefix))) detail = detail.mid(static_cast<qsizetype>(std::strlen(prefix)));
    m_now->setText(
        QStringLiteral("<span style=\"color:%1; font-weight:600\">%2</span> — %3").arg(colour, word, detail.toHtmlEscaped()));
    m_now->setProperty("holds", static_cast<int>(now.state));
}

void AlertDialog::setMarketSnapshot(alerts::MarketSnapshot snapshot) {
    m_snapshot = std::move(snapshot);
    if (!m_last && m_snapshot.last) {
        m_last = m_snapshot.last;
        m_lastLabel->setText(QString::fromStdString(m_last->toString()));
    }
    updateState();
}

void AlertDialog::setWatchlists(const std::vector<std::pair<std::int64_t, QString>>& lists) {
    const QSignalBlocker block(m_applyTo);
    while (m_applyTo->count() > 1) m_applyTo->removeItem(1);
    for (const auto& [id, name] : lists) m_applyTo->addItem(tr("Watchlist: %1").arg(name), QVariant::fromValue<qint64>(id));
    updateState();
}

void AlertDialog::setDrawings(const std::vector<storage::Drawing>& drawings) {
    const QSignalBlocker block(m_drawing);
    m_drawing->clear();
    for (const storage::Drawing& d : drawings) {
        if (d.kind != storage::DrawingKind::TrendLine && d.kind != storage::DrawingKind::Ray &&
            d.kind != storage::DrawingKind::HorizontalLine)
            continue;
        const QString kind = d.kind == storage::DrawingKind::HorizontalLine ? tr("Horizontal line")
            : d.kind == storage::DrawingKind::Ray                           ? tr("Ray")
                                                                            : tr("Trend line");
        const QString label = d.text.empty() ? QString() : QStringLiteral(" “%1”").arg(QString::fromStdString(d.text));
        m_drawing->addItem(tr("%1 #%2 at %3%4")
                               .arg(kind)
                               .arg(d.id)
                               .arg(d.anchors.empty() ? 0.0 : d.anchors.front().price, 0, 'g', 10)
                               .arg(label),
                           QVariant::fromValue<qint64>(d.id));
    }
    updateState();
}

}  // namespace kairos::ui
