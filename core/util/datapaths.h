#pragma once
// Where the bundled real market data lives.

#include <QString>

namespace kairos {

/// Folder with the data bundled in the repo (resources/data). Looked up in this order:
/// $KAIROS_DATA_DIR, <executable dir>/../share/kairos/data, <executable dir>/data, and the
/// source tree's resources/data this build was configured from. Empty when none exists.
QString bundledDataDir();
/// The full shared data set (../shared/data beside the repo) when present, else empty.
/// $KAIROS_SHARED_DATA overrides.
QString sharedDataDir();

}  // namespace kairos
