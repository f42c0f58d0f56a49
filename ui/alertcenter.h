#pragma once
// The alert service is headless and lives in core/session; the UI keeps its historic name for it.

#include "session/alertservice.h"

namespace kairos::ui {
using AlertCenter = session::AlertService;
}  // namespace kairos::ui
