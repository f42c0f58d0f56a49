#pragma once
// The terminal's session (profile, settings, replay feed, venues) is headless and lives in
// core/session; the UI keeps its historic name for it.

#include "session/terminalsession.h"

namespace kairos::ui {
using session::BundledSeries;
using session::defaultReplaySeries;
using TerminalSession = session::TerminalSession;
}  // namespace kairos::ui
