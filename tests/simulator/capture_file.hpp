// --capture-file: one JSON line per send request body and per webhook posted, flushed per line,
// for the contract tests that replay them through Metriport's own npm packages.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace relay::sim {

class CaptureFile {
 public:
  CaptureFile() = default;
  // Opens path for appending; throws std::runtime_error when it cannot. Empty path: capture off.
  explicit CaptureFile(const std::string& path);
  ~CaptureFile();
  CaptureFile(const CaptureFile&) = delete;
  CaptureFile& operator=(const CaptureFile&) = delete;

  void send(std::string_view raw_body);
  void webhook(std::string_view raw_body, std::string_view signature, std::string_view key);

 private:
  void write_line(const std::string& line);
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
};

}  // namespace relay::sim
