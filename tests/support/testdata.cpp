#include "testdata.h"

#include <QDir>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kairos::test {

namespace {
std::string join(const std::string& base, const std::string& rel) { return rel.empty() ? base : base + "/" + rel; }
}  // namespace

std::string resourcesData(const std::string& relative) { return join(KAIROS_TEST_RESOURCES_DATA, relative); }

std::string sharedData(const std::string& relative) {
    const std::string base = KAIROS_TEST_SHARED_DATA;
    if (base.empty() || !std::filesystem::is_directory(base)) return {};
    return join(base, relative);
}

std::string realData(const std::string& relative) {
    const std::string shared = sharedData(relative);
    if (!shared.empty() && std::filesystem::exists(shared)) return shared;
    // The bundled copies keep their file names but sit at the top of resources/data.
    const std::string bundled = resourcesData(relative);
    if (std::filesystem::exists(bundled)) return bundled;
    return resourcesData(std::filesystem::path(relative).filename().string());
}

std::string fixture(const std::string& relative) { return join(KAIROS_TEST_FIXTURES, relative); }

std::string tempDir() {
    static std::vector<std::unique_ptr<QTemporaryDir>> dirs;
    dirs.push_back(std::make_unique<QTemporaryDir>());
    if (!dirs.back()->isValid()) throw std::runtime_error("cannot create a temporary directory");
    return dirs.back()->path().toStdString();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace kairos::test
