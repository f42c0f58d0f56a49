#pragma once
// The profile database's schema history. See migrations.cpp for the rules on adding a step.

#include <span>

namespace kairos::storage::detail {

/// One schema step: running `sql` takes a database from version `version - 1` to `version`.
struct Migration {
    int version;
    const char* name;  ///< short description, used in error messages
    const char* sql;   ///< one or more statements
};

/// Every step, in order; versions are 1, 2, 3, ... without holes.
std::span<const Migration> migrations();

}  // namespace kairos::storage::detail
