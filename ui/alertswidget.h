#pragma once
// The Alerts panel (bottom dock): the alert rules (switch on/off, edit, delete, create) above the
// log of fired and expired alerts, newest first, with each delivery channel's status per firing
// (sent; retrying, next attempt at ...; failed with the server's reason); Channels… opens the
// delivery channels dialog. Reads and writes through the AlertCenter; the
// main window opens the dialog (it knows the instruments' prices) when the panel asks for it.
// AlertToast: the non-modal pop-up the main window shows in its bottom-right corner when an alert
// fires; it closes itself after a few seconds.

#include "alertcenter.h"

#include "alerts/alertrule.h"
#include "alerts/deliverystore.h"
#include "cloud/cloudtypes.h"
#include "marketdata/marketdatafeed.h"  // InstrumentId as a Qt meta type

#include <QAbstractTableModel>
#include <QStringList>
#include <QFrame>
#include <QWidget>

#include <map>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace kairos::alerts {
class DeliveryQueue;
}
namespace kairos::cloud {
class CloudClient;
}

namespace kairos::ui {

class AlertRulesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Active = 0, Symbol, Condition, Trigger, Expires, Message, LastFired, Count, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRules(std::vector<alerts::AlertRule> rules);
    const alerts::AlertRule& at(int row) const { return m_rules.at(static_cast<std::size_t>(row)); }
    int rowOf(std::int64_t id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString triggerText(const alerts::AlertRule& r);

Q_SIGNALS:
    /// The user switched a rule on or off in the Active column.
    void enabledToggled(qint64 id, bool enabled);

private:
    std::vector<alerts::AlertRule> m_rules;
};

class AlertLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time = 0, Symbol, Event, Price, Message, Delivery, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    /// Replaces the rows (newest first).
    void setEvents(std::vector<alerts::AlertEvent> events);
    /// A new event at the top.
    void prepend(const alerts::AlertEvent& e);
    const alerts::AlertEvent& at(int row) const { return m_events.at(static_cast<std::size_t>(row)); }
    /// Firings of rules kairosd runs ("keep running on the server"), shown among the terminal's own
    /// events by market time, their Event column marked "[server]" (replacing the previous ones).
    void setServerEvents(std::vector<alerts::AlertEvent> events);
    /// The same with each firing's delivery lines on the server's channels (parallel to `events`).
    void setServerEvents(std::vector<alerts::AlertEvent> events, std::vector<QStringList> deliveries);
    /// Whether a row is a server firing.
    bool isServerRow(int row) const;
    /// The Delivery column: per firing (rule id, market time), one line per channel.
    void setDeliveries(std::map<std::pair<std::int64_t, std::int64_t>, QStringList> byFiring);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rebuild();

    std::vector<alerts::AlertEvent> m_events;  ///< shown: m_local and m_server merged, newest first
    std::vector<bool> m_isServer;              ///< per shown row
    std::vector<alerts::AlertEvent> m_local;
    std::vector<alerts::AlertEvent> m_server;
    std::vector<QStringList> m_serverDeliveries;  ///< parallel to m_server
    std::vector<QStringList> m_rowDeliveries;     ///< per shown row: a server firing's lines (empty for the terminal's)
    std::map<std::pair<std::int64_t, std::int64_t>, QStringList> m_deliveries;
};

class AlertsWidget : public QWidget {
    Q_OBJECT
public:
    explicit AlertsWidget(AlertCenter& center, QWidget* parent = nullptr);

    AlertRulesModel* rulesModel() const { return m_rules; }
    AlertLogModel* logModel() const { return m_log; }
    QTableView* rulesView() const { return m_rulesView; }
    QTableView* logView() const { return m_logView; }
    QCheckBox* soundBox() const { return m_sound; }
    QCheckBox* desktopBox() const { return m_desktop; }
    /// Problems and errors ("alert 3: unknown condition ... (made by a newer Kairos?)").
    QLabel* messageLabel() const { return m_message; }
    void showMessage(const QString& text);

    /// Deletes the selected rule after asking.
    void deleteSelected();
    /// Shows the channels' delivery status in the log and enables Channels…; may be null (no profile).
    void setDeliveryQueue(alerts::DeliveryQueue* queue);
    QPushButton* channelsButton() const { return m_channels; }
    /// Reads the delivery jobs again (called on every job change).
    void refreshDeliveries();
    /// Shows the firings of the account's server-side alerts in the log, fetched through `client`
    /// when it signs in and every few minutes while signed in (and on refreshServerFirings()); may be null.
    void setCloudClient(cloud::CloudClient* client);
    void refreshServerFirings();
    /// One delivery's status in words: "Phone: retrying (next attempt at 10:41:05): HTTP 500: ...".
    static QString deliveryText(const alerts::DeliveryJob& job, const QString& channelName);
    /// The same for a delivery on one of kairosd's channels ("[server] Desk bot: sent").
    static QString serverDeliveryText(const cloud::ServerDelivery& d);

Q_SIGNALS:
    void createRequested();
    /// Channels… was clicked (the main window opens AlertChannelsDialog).
    void channelsRequested();
    void editRequested(qint64 id);
    void instrumentActivated(const kairos::InstrumentId& id);

private:
    void refreshRules();
    qint64 selectedId() const;

    AlertCenter& m_center;
    AlertRulesModel* m_rules;
    AlertLogModel* m_log;
    QTableView* m_rulesView;
    QTableView* m_logView;
    QCheckBox* m_sound;
    QCheckBox* m_desktop;
    QLabel* m_message;
    QPushButton* m_edit;
    QPushButton* m_delete;
    QPushButton* m_channels;
    alerts::DeliveryQueue* m_queue = nullptr;
    cloud::CloudClient* m_cloud = nullptr;
    QTimer* m_serverTimer = nullptr;
    std::map<qint64, cloud::ServerFiring> m_serverFirings;  ///< every server firing fetched so far, by id
    qint64 m_serverNext = 0;                                ///< the last server firing id fetched
    /// Where the next refresh starts: before the oldest firing whose deliveries were not done yet
    /// (pending, in flight), so their progress is read again.
    qint64 m_serverFrom = 0;
    void showServerFirings();
};

class AlertToast : public QFrame {
    Q_OBJECT
public:
    explicit AlertToast(QWidget* parent);
    /// Shows (or updates) the pop-up with this alert; counts alerts that arrive while it is shown.
    void showAlert(const QString& title, const QString& message);
    QString text() const;

protected:
    void mousePressEvent(QMouseEvent* event) override;

private:
    void place();
    QLabel* m_title;
    QLabel* m_text;
    QTimer* m_hide;
    int m_count = 0;
};

}  // namespace kairos::ui
