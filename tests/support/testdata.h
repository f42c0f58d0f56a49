#pragma once
// Locating real data for tests: the repo's bundled subset, the full shared set, test fixtures.

#include <string>

namespace kairos::test {

/// resources/data in the source tree (always present).
std::string resourcesData(const std::string& relative = {});
/// ../shared/data beside the repo, or "" when the checkout has none.
std::string sharedData(const std::string& relative = {});
/// The shared file when ../shared/data has it, else the bundled copy (same relative path, or the
/// same file name at the top of resources/data).
std::string realData(const std::string& relative);
/// tests/data (fixtures written for tests, each with its provenance).
std::string fixture(const std::string& relative);
/// A fresh empty directory under the system temp dir, removed at process exit.
std::string tempDir();
/// Whole file as bytes; throws std::runtime_error when unreadable (a test setup failure).
std::string readFile(const std::string& path);
/// Damages a file as a bad sector or a torn copy would: inverts every bit of the 4 KiB block in the
/// middle. False when the file cannot be opened, read or written back.
bool invertMiddleBlock(const std::string& path);

}  // namespace kairos::test
