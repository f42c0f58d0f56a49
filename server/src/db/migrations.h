#pragma once
// The server schema's versioned migrations. Table `schema_version` holds one row with the version
// the database is at; migration N is a numbered list of SQL statements (one text per dialect where
// they differ) that takes it from N-1 to N inside one transaction. On PostgreSQL an advisory lock
// serialises several kairosd starting at once; a database newer than this build is refused.

#include "db/database.h"

namespace kairos::server::db {

/// The version the newest migration brings the schema to.
int latestSchemaVersion();

/// The database's schema version (0 for an empty database).
Result<int> schemaVersion(IConnection& c);

/// Applies every migration the database lacks, each in its own transaction.
Status applyMigrations(IConnection& c);

}  // namespace kairos::server::db
