// CaptureFile: stdio append with a flush after every line so a test can read the file while the
// simulator runs; lines are built with the shared JSON string escaper.
#include "tests/simulator/capture_file.hpp"

#include <stdexcept>

#include "gateway/domain/json_string.hpp"

namespace relay::sim {

CaptureFile::CaptureFile(const std::string& path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) throw std::runtime_error("cannot open capture file " + path);
}

CaptureFile::~CaptureFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void CaptureFile::send(std::string_view raw_body) {
  if (file_ == nullptr) return;
  std::string line = "{\"kind\":\"send\",\"rawBody\":";
  domain::append_json_string(line, raw_body);
  line += "}\n";
  write_line(line);
}

void CaptureFile::webhook(std::string_view raw_body, std::string_view signature,
                          std::string_view key) {
  if (file_ == nullptr) return;
  std::string line = "{\"kind\":\"webhook\",\"rawBody\":";
  domain::append_json_string(line, raw_body);
  line += ",\"signature\":";
  domain::append_json_string(line, signature);
  line += ",\"key\":";
  domain::append_json_string(line, key);
  line += "}\n";
  write_line(line);
}

void CaptureFile::write_line(const std::string& line) {
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace relay::sim
