// DocumentStore: documents in creation order with indexes by ID and upload token; IDs compare
// case-insensitively as Postgres UUIDs do.
#include "tests/simulator/document_store.hpp"

#include "gateway/domain/text.hpp"
#include "tests/simulator/random_source.hpp"

namespace relay::sim {

const DocumentRecord& DocumentStore::create(std::string patient_id, std::string file_name,
                                            std::string content_type, std::int64_t now_ms) {
  DocumentRecord record;
  record.id = random_uuid_v4();
  record.patient_id = std::move(patient_id);
  record.file_name = std::move(file_name);
  record.content_type = std::move(content_type);
  record.upload_token = random_hex(24);
  record.issued_ms = now_ms;
  const std::size_t index = documents_.size();
  by_id_[record.id] = index;
  by_token_[record.upload_token] = index;
  documents_.push_back(std::move(record));
  return documents_.back();
}

UploadResult DocumentStore::upload(std::string_view token, std::uint64_t size, std::string sha256,
                                   std::string content_type, std::int64_t now_ms,
                                   std::int64_t ttl_ms) {
  const auto found = by_token_.find(std::string(token));
  if (found == by_token_.end()) return UploadResult::unknown_token;
  DocumentRecord& record = documents_[found->second];
  if (now_ms - record.issued_ms > ttl_ms) return UploadResult::expired;
  record.uploaded = true;
  record.size = size;
  record.sha256 = std::move(sha256);
  if (!content_type.empty()) record.content_type = std::move(content_type);
  return UploadResult::stored;
}

std::optional<std::string> DocumentStore::check_attachments(
    std::string_view patient_id, const std::vector<std::string>& ids) const {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string prefix = "attachments." + std::to_string(i) + ": document " + ids[i];
    const auto found = by_id_.find(domain::to_lower_ascii(ids[i]));
    if (found == by_id_.end()) return prefix + " does not exist";
    const DocumentRecord& record = documents_[found->second];
    if (!domain::iequals(record.patient_id, patient_id)) {
      return prefix + " belongs to another patient";
    }
    if (!record.uploaded) return prefix + " has no uploaded file";
  }
  return std::nullopt;
}

void DocumentStore::clear() {
  documents_.clear();
  by_id_.clear();
  by_token_.clear();
}

}  // namespace relay::sim
