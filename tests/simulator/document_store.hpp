// Document references created through POST /document/upload and the bytes PUT to their upload
// URLs (kept only as size and SHA-256), plus the attachment check a send needs.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relay::sim {

struct DocumentRecord {
  std::string id;
  std::string patient_id;
  std::string file_name;
  std::string content_type;
  std::string upload_token;
  std::int64_t issued_ms = 0;
  bool uploaded = false;
  std::uint64_t size = 0;
  std::string sha256;
};

enum class UploadResult { stored, unknown_token, expired };

// Not thread-safe: used under the simulator's state mutex.
class DocumentStore {
 public:
  const DocumentRecord& create(std::string patient_id, std::string file_name,
                               std::string content_type, std::int64_t now_ms);

  // Records bytes PUT to the upload URL with this token; refused after ttl_ms from issue.
  UploadResult upload(std::string_view token, std::uint64_t size, std::string sha256,
                      std::string content_type, std::int64_t now_ms, std::int64_t ttl_ms);

  // nullopt when every ID names an uploaded document of this patient; else the 400 detail for the
  // first one that does not.
  std::optional<std::string> check_attachments(std::string_view patient_id,
                                               const std::vector<std::string>& ids) const;

  const std::deque<DocumentRecord>& all() const { return documents_; }
  void clear();

 private:
  std::deque<DocumentRecord> documents_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::size_t> by_token_;
};

}  // namespace relay::sim
