# server/src/db: SQLite (the default backend) and PostgreSQL through libpq (Debian libpq-dev).
find_package(PostgreSQL REQUIRED)
target_link_libraries(kairos_server PUBLIC SQLite::SQLite3 PostgreSQL::PostgreSQL)
