#pragma once
// AlertDialog: creates or edits one alert on one instrument (TradingView's "Create alert"). The
// condition (price crosses above/below, goes above/below a level; a formula over closed bars; a
// signal of the signal engine), the level at the instrument's precision, the formula (its syntax
// error is shown with the column while typing), the timeframe, the trigger mode (once, once per
// bar, every time with a cooldown), an optional expiry and the message; the delivery channels the
// firing is sent to (e-mail, Telegram, Discord, webhook; set up in the channels dialog) and the
// message template they send, with a live preview. OK stays disabled while the alert is not valid,
// and the reason is shown. Also: a channel (enters/leaves between two levels), a move of N % within
// a number of bars or a time, a volume spike, the 24h change, a drawn line of the chart; the price
// source (last, bid, ask, mid) of level conditions; "Apply to" this symbol or a whole watchlist. A
// "Now" line says whether the condition holds on the current data (setMarketSnapshot), evaluated as
// the user edits (alerts::evaluateNow). "Keep running on the server" (signed in only) hands the rule
// to kairosd, which evaluates it while the terminal is closed.

#include "alerts/alertrule.h"
#include "alerts/channel.h"
#include "alerts/conditionnow.h"

#include <QDialog>

#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDoubleSpinBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace kairos::cloud {
class CloudClient;
}

namespace kairos::ui {

class AlertDialog : public QDialog {
    Q_OBJECT
public:
    /// `precision`: decimal places of the instrument's prices (levels are parsed at it);
    /// `last`: its last price, shown and used as the default level.
    AlertDialog(const InstrumentId& instrument, std::optional<Price> last, int precision, QWidget* parent = nullptr);

    /// Prefills from an existing rule (editing keeps its id and firing state).
    void setRule(const alerts::AlertRule& rule);
    /// Sets the level field (e.g. the chart's cursor price), rounded to the precision.
    void setLevel(double price);
    /// Timeframes offered for formula conditions (those the terminal streams or aggregates) and
    /// for signal conditions (those the signal engine runs on). Default: 1h for both.
    void setBarTimeframes(const std::vector<Timeframe>& formula, const std::vector<Timeframe>& signal);
    /// The delivery channels offered (checked ones are the rule's); call before setRule().
    void setChannels(const std::vector<alerts::ChannelConfig>& channels);
    /// The current data the "Now" line evaluates the condition on (last price, bid/ask, recent bars).
    void setMarketSnapshot(alerts::MarketSnapshot snapshot);
    /// The watchlists an alert may be applied to (id, name); call before setRule().
    void setWatchlists(const std::vector<std::pair<std::int64_t, QString>>& lists);
    /// The chart's drawings of this instrument; lines (trend, ray, horizontal) are offered.
    void setDrawings(const std::vector<storage::Drawing>& drawings);
    /// Whether "Keep running on the server" may be ticked: only with a signed-in account (kairosd
    /// runs the synced rule); otherwise it is disabled and `whyNot` says why.
    void setServerAvailable(bool available, const QString& whyNot = {});
    /// The plan's number of server alerts (`limit`; negative: not known) and the ids of the
    /// profile's rules that run there: ticking "Keep running on the server" on one more than the
    /// plan allows is refused with the reason (kairosd would refuse the sync push).
    void setServerLimit(int limit, const QString& plan, const std::vector<std::int64_t>& serverRuleIds);
    /// Signed in: setServerAvailable(true) and the limit asked of kairosd (GET /api/v1/alerts/status)
    /// for setServerLimit; signed out or null: setServerAvailable(false). `rules` are the profile's.
    void setServerAccount(cloud::CloudClient* client, const std::vector<alerts::AlertRule>& rules);
    /// The alert as entered, or the reason it is not valid.
    Result<alerts::AlertRule> rule() const;

    // Parts, for tests and for code that fills the dialog.
    QComboBox* conditionBox() const { return m_condition; }
    QLineEdit* levelEdit() const { return m_level; }
    QLineEdit* formulaEdit() const { return m_formula; }
    QComboBox* timeframeBox() const { return m_timeframe; }
    QComboBox* triggerBox() const { return m_trigger; }
    QSpinBox* cooldownBox() const { return m_cooldown; }
    QCheckBox* expiresBox() const { return m_expires; }
    QDateTimeEdit* expiryEdit() const { return m_expiry; }
    QLineEdit* messageEdit() const { return m_message; }
    QComboBox* signalSideBox() const { return m_side; }
    QSpinBox* confidenceBox() const { return m_confidence; }
    QLabel* errorLabel() const { return m_error; }
    QLineEdit* templateEdit() const { return m_template; }
    /// The message the channels would send now ("BINANCE:BTCUSDT crosses above ... (price ...)").
    QLabel* previewLabel() const { return m_preview; }
    QLineEdit* level2Edit() const { return m_level2; }
    QComboBox* priceSourceBox() const { return m_source; }
    QDoubleSpinBox* percentBox() const { return m_percent; }
    QSpinBox* windowBox() const { return m_window; }
    /// "bars", "minutes", "hours" of the move's window.
    QComboBox* windowUnitBox() const { return m_windowUnit; }
    QComboBox* directionBox() const { return m_direction; }
    QDoubleSpinBox* volumeFactorBox() const { return m_volumeFactor; }
    QSpinBox* volumeBarsBox() const { return m_volumeBars; }
    QComboBox* drawingBox() const { return m_drawing; }
    /// "This symbol" (data 0) or a watchlist (its id).
    QComboBox* applyToBox() const { return m_applyTo; }
    /// "Now: holds / does not hold / unknown — why".
    QLabel* nowLabel() const { return m_now; }
    /// The check box of a channel, or nullptr.
    QCheckBox* channelBox(std::int64_t channelId) const;
    QDialogButtonBox* buttons() const { return m_buttons; }
    /// "Keep running on the server" (AlertRule::server).
    QCheckBox* serverBox() const { return m_server; }
    /// Why the server check box is disabled ("" when it is available).
    QLabel* serverNoteLabel() const { return m_serverNote; }
    /// Selects a condition in the combo box.
    void setCondition(alerts::Condition c);

private:
    void updateState();
    void fillTimeframes();
    alerts::Condition condition() const;

    InstrumentId m_instrument;
    std::optional<Price> m_last;
    int m_precision;
    alerts::AlertRule m_base;  // id and firing state of an edited rule
    std::vector<Timeframe> m_barTimeframes{Timeframe::H1};
    std::vector<Timeframe> m_signalTimeframes{Timeframe::H1};
    QComboBox* m_condition;
    QLineEdit* m_level;
    QLineEdit* m_formula;
    QComboBox* m_timeframe;
    QComboBox* m_side;
    QSpinBox* m_confidence;
    QComboBox* m_trigger;
    QSpinBox* m_cooldown;
    QCheckBox* m_expires;
    QDateTimeEdit* m_expiry;
    QLineEdit* m_message;
    QLabel* m_error;
    QWidget* m_channelsBox;
    QLabel* m_noChannels;
    std::vector<std::pair<std::int64_t, QCheckBox*>> m_channelBoxes;
    QLineEdit* m_template;
    QLabel* m_preview;
    QLabel* m_lastLabel;
    QLineEdit* m_level2;
    QComboBox* m_source;
    QDoubleSpinBox* m_percent;
    QSpinBox* m_window;
    QComboBox* m_windowUnit;
    QComboBox* m_direction;
    QDoubleSpinBox* m_volumeFactor;
    QSpinBox* m_volumeBars;
    QComboBox* m_drawing;
    QComboBox* m_applyTo;
    QLabel* m_now;
    alerts::MarketSnapshot m_snapshot;
    QList<QWidget*> m_channelRows, m_sourceRows, m_percentRows, m_windowRows, m_directionRows, m_volumeRows, m_drawingRows;
    QDialogButtonBox* m_buttons;
    QCheckBox* m_server;
    QLabel* m_serverNote;
    int m_serverLimit = -1;                     ///< the plan's server alerts; negative: not known
    std::vector<std::int64_t> m_serverRuleIds;  ///< the profile's rules on the server
    QString m_plan;
    QList<QWidget*> m_priceRows, m_formulaRows, m_signalRows;
};

}  // namespace kairos::ui
