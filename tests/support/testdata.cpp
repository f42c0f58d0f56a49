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
    std::string shared = sharedData(relative);
    if (!shared.empty() && std::filesystem::exists(shared)) return shared;
    // The bundled copies keep their file names but sit at the top of resources/data.
    std::string bundled = resourcesData(relative);
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

bool invertMiddleBlock(const std::string& path) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) return false;
    f.seekg(0, std::ios::end);
    const std::streamoff at = static_cast<std::streamoff>(f.tellg()) / 2 / 4096 * 4096;
    std::vector<char> block(4096);
    f.seekg(at);
    if (!f.read(block.data(), static_cast<std::streamsize>(block.size()))) return false;
    for (char& c : block) c = static_cast<char>(~c);
    f.seekp(at);
    return static_cast<bool>(f.write(block.data(), static_cast<std::streamsize>(block.size())).flush());
}

}  // namespace kairos::test
