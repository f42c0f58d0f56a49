#include "marketdatasettingsdialog.h"

#include "marketdata/feedfactory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

#include <map>

namespace kairos::ui {

std::optional<marketdata::VenueSettings> askMarketDataSettings(QWidget* parent, const marketdata::VenueSettings& current,
                                                               const marketdata::VenueDirectory& venues) {
    QDialog dlg(parent);
    dlg.setObjectName(QStringLiteral("MarketDataSettings"));
    dlg.setWindowTitle(QObject::tr("Market data settings"));
    auto* layout = new QVBoxLayout(&dlg);
    auto* sourceBox = new QGroupBox(QObject::tr("Prices of the bundled symbols come from"));
    auto* replayRadio = new QRadioButton(QObject::tr("The bundled replay (real recorded data, works offline)"));
    auto* liveRadio = new QRadioButton(QObject::tr("The live exchange (falls back to the replay when it cannot be reached)"));
    (current.source == marketdata::DataSource::Live ? liveRadio : replayRadio)->setChecked(true);
    auto* sl = new QVBoxLayout(sourceBox);
    sl->addWidget(replayRadio);
    sl->addWidget(liveRadio);
    auto* restartNote = new QLabel(QObject::tr("A change of source takes effect at the next start."));
    restartNote->setEnabled(false);
    sl->addWidget(restartNote);
    layout->addWidget(sourceBox);

    auto* venueBox = new QGroupBox(QObject::tr("Venues (symbol search and live prices of the symbols you add)"));
    auto* form = new QFormLayout(venueBox);
    std::map<QString, QCheckBox*> boxes;
    for (const QString& v : marketdata::supportedVenues()) {
        auto* cb = new QCheckBox;
        cb->setObjectName(QStringLiteral("VenueEnabled_") + v);
        cb->setChecked(current.enabled.contains(v));
        const QString err = venues.lastError(v);
        cb->setToolTip(err.isEmpty() ? QString() : err);
        boxes[v] = cb;
        form->addRow(v, cb);
    }
    auto* def = new QComboBox;
    def->setObjectName(QStringLiteral("DefaultVenue"));
    def->addItems(marketdata::supportedVenues());
    def->setCurrentText(current.defaultVenue);
    form->addRow(QObject::tr("Default venue for bare symbols"), def);
    layout->addWidget(venueBox);
    auto* urlNote =
        new QLabel(QObject::tr("Base URLs (test servers, regional hosts): settings marketdata/&lt;VENUE&gt;/restUrl and wsUrl, "
                               "or KAIROS_&lt;VENUE&gt;_REST_URL / _WS_URL."));
    urlNote->setWordWrap(true);
    urlNote->setEnabled(false);
    layout->addWidget(urlNote);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    layout->addWidget(buttons);
    if (dlg.exec() != QDialog::Accepted) return std::nullopt;
    marketdata::VenueSettings next;
    for (const auto& [v, cb] : boxes)
        if (cb->isChecked()) next.enabled << v;
    next.defaultVenue = def->currentText();
    next.source = liveRadio->isChecked() ? marketdata::DataSource::Live : marketdata::DataSource::Replay;
    return next;
}

}  // namespace kairos::ui
