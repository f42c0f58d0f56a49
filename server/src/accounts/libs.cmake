# server/src/accounts: libsodium (Argon2id, SHA-256, secretbox), libjwt (access tokens), nlohmann-json.
find_package(nlohmann_json 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(KAIROS_ACCOUNTS_DEPS REQUIRED IMPORTED_TARGET libsodium libjwt)
target_link_libraries(kairos_server PUBLIC PkgConfig::KAIROS_ACCOUNTS_DEPS nlohmann_json::nlohmann_json)
