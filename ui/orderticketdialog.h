#pragma once
// OrderTicketDialog: places one order on the active trading account (paper, testnet or live; the
// kind is on the title, a badge and the confirmation, and the account can be switched in the ticket) (MetaTrader's F9 ticket, also opened from the
// watchlist's context menu). Shows the instrument's bid/ask/last as they arrive, the estimated
// value and fee, checks the order against the instrument's filters as it is typed, confirms in
// plain words before sending ("Buy 0.01000 BTCUSDT at market on PAPER") and says what happened
// after (filled at, fee, the new position) — shared/reference/UX.md "Feedback". Besides market,
// limit, stop and stop-limit orders it offers trailing stops (percent or price distance, the stop
// price then being the optional activation price), an OCO stop leg for a limit order, FOK and
// post-only, brackets with up to three take-profits that close the position in parts, and a
// sizing helper (by amount, % of equity, or risk % of equity over the stop-loss distance).

#include "domain/instrument.h"
#include "trading/order.h"
#include "util/result.h"

#include <QDialog>

#include <array>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace kairos::trading {
class Account;
}

namespace kairos::ui {

class OrderTicketDialog : public QDialog {
    Q_OBJECT
public:
    /// Non-modal; the venue must outlive the dialog.
    OrderTicketDialog(trading::Account& venue, const InstrumentId& instrument, QWidget* parent = nullptr);
    ~OrderTicketDialog() override;

    /// Asks the user to confirm `text`; true = send. Default: a Yes/No message box. Tests and
    /// the "do not ask for paper orders" setting replace it.
    void setConfirmer(std::function<bool(const QString& text)> confirmer) { m_confirm = std::move(confirmer); }

    /// Sends the next orders to `account` (title, kind badge and prices follow; it must outlive the dialog).
    void setAccount(trading::Account& account);
    trading::Account& account() const { return *m_venue; }
    /// The accounts offered in the ticket's selector (shown when there are several): id and label.
    void setAccountChoices(const std::vector<std::pair<qint64, QString>>& choices, qint64 current);
    QComboBox* accountBox() const { return m_accountBox; }
    QLabel* accountBadge() const { return m_accountBadge; }

    void setInstrument(const InstrumentId& id);
    InstrumentId instrument() const { return m_instrument; }
    /// Fills the ticket with a known plan (a signal's): `side`; a limit order at `entry` (a market
    /// order when empty); the stop-loss (none when empty); the take-profits (none; one for the whole
    /// position; two or three as a ladder with their shares in percent adding up to 100). The
    /// quantity and the other fields keep their values.
    void prefill(Side side, const std::optional<Price>& entry, const std::optional<Price>& stopLoss,
                 const std::vector<trading::TakeProfitLevel>& takeProfits);
    /// The order as the fields describe it, or the first field error ("Quantity: ...").
    Result<trading::OrderRequest> request() const;
    /// The plain-words confirmation of the current order ("Buy 0.01000 BTCUSDT at market on PAPER").
    QString confirmationText() const;
    /// Validates, confirms and sends; returns what the venue did (empty when not sent). The
    /// outcome is also shown in the dialog's result line.
    trading::OrderEvents submit();
    /// The result line's text ("Bought 0.01000 BTCUSDT at 11056.00 on PAPER, fee ...").
    QString resultText() const;
    /// The validation line's text ("" when the order is valid).
    QString validationText() const;

    // Fields, for keyboard users' habits and for tests.
    QLineEdit* symbolEdit() const { return m_symbol; }
    QComboBox* sideBox() const { return m_side; }
    QComboBox* typeBox() const { return m_type; }
    QComboBox* tifBox() const { return m_tif; }
    QLineEdit* quantityEdit() const { return m_quantity; }
    QLineEdit* limitEdit() const { return m_limit; }
    QLineEdit* stopEdit() const { return m_stop; }
    QCheckBox* stopLossBox() const { return m_slOn; }
    QLineEdit* stopLossEdit() const { return m_sl; }
    QCheckBox* takeProfitBox() const { return m_tpOn; }
    QLineEdit* takeProfitEdit() const { return m_tp; }
    QCheckBox* trailingBox() const { return m_trailOn; }
    QLineEdit* trailingEdit() const { return m_trail; }
    /// 0: percent of the best price (sent as bips), 1: a price distance.
    QComboBox* trailingUnitBox() const { return m_trailUnit; }
    QCheckBox* ocoBox() const { return m_ocoOn; }
    QLineEdit* ocoStopEdit() const { return m_ocoStop; }
    QLineEdit* ocoLimitEdit() const { return m_ocoLimit; }
    /// Share (percent) of the first take-profit; with take-profits 2 and 3 the shares add up to 100.
    QLineEdit* takeProfitShareEdit() const { return m_tpShare[0]; }
    QCheckBox* takeProfit2Box() const { return m_tpMoreOn[0]; }
    QLineEdit* takeProfit2Edit() const { return m_tpMore[0]; }
    QLineEdit* takeProfit2ShareEdit() const { return m_tpShare[1]; }
    QCheckBox* takeProfit3Box() const { return m_tpMoreOn[1]; }
    QLineEdit* takeProfit3Edit() const { return m_tpMore[1]; }
    QLineEdit* takeProfit3ShareEdit() const { return m_tpShare[2]; }
    /// Sizing: 0 amount of the quote asset, 1 % of equity, 2 risk % of equity (needs a stop-loss).
    QComboBox* sizeModeBox() const { return m_sizeMode; }
    QLineEdit* sizeValueEdit() const { return m_sizeValue; }
    QPushButton* sizeButton() const { return m_sizeApply; }
    /// Puts the sizing helper's quantity into the quantity field; Error (also shown under the
    /// helper) when no valid quantity exists, with the reason.
    Status applySizing();
    QString sizingText() const;
    QLabel* quoteLabel() const { return m_quote; }
    QLabel* estimateLabel() const { return m_estimate; }
    QPushButton* sendButton() const { return m_send; }

Q_SIGNALS:
    /// After an order was sent: the result line's text (for the status bar).
    void orderSent(const QString& summary);
    /// The user picked another account in the ticket's selector.
    void accountChosen(qint64 id);

private:
    void bindAccount();
    /// "PAPER", "LIVE · Binance": the account as orders are confirmed and reported with.
    QString accountName() const;
    void updatePrices();
    void updateForm();
    void prefill(bool force);
    std::optional<Price> referencePrice(Side side) const;
    QString describe(const trading::OrderEvents& events) const;

    trading::Account* m_venue;
    QMetaObject::Connection m_priceConnection;
    QMetaObject::Connection m_infoConnection;
    QComboBox* m_accountBox = nullptr;
    QLabel* m_accountBadge = nullptr;
    InstrumentId m_instrument;
    std::function<bool(const QString&)> m_confirm;
    QLineEdit* m_symbol = nullptr;
    QComboBox* m_side = nullptr;
    QComboBox* m_type = nullptr;
    QComboBox* m_tif = nullptr;
    QLineEdit* m_quantity = nullptr;
    QLineEdit* m_limit = nullptr;
    QLineEdit* m_stop = nullptr;
    QCheckBox* m_slOn = nullptr;
    QLineEdit* m_sl = nullptr;
    QCheckBox* m_tpOn = nullptr;
    QLineEdit* m_tp = nullptr;
    QCheckBox* m_trailOn = nullptr;
    QLineEdit* m_trail = nullptr;
    QComboBox* m_trailUnit = nullptr;
    QCheckBox* m_ocoOn = nullptr;
    QLineEdit* m_ocoStop = nullptr;
    QLineEdit* m_ocoLimit = nullptr;
    std::array<QLineEdit*, 3> m_tpShare{};
    std::array<QCheckBox*, 2> m_tpMoreOn{};
    std::array<QLineEdit*, 2> m_tpMore{};
    QComboBox* m_sizeMode = nullptr;
    QLineEdit* m_sizeValue = nullptr;
    QPushButton* m_sizeApply = nullptr;
    QLabel* m_sizeNote = nullptr;
    QLabel* m_rules = nullptr;
    QLabel* m_quote = nullptr;
    QLabel* m_estimate = nullptr;
    QLabel* m_validation = nullptr;
    QLabel* m_result = nullptr;
    QPushButton* m_send = nullptr;
    QTimer* m_priceTimer = nullptr;
};

}  // namespace kairos::ui
