// IndexWriter and the index digest: SegmentDocument -> Xapian document, and back for verify.
#include <algorithm>
#include <set>
#include <sstream>

#include "core/hashing.hpp"
#include "search/detail/index_schema.hpp"
#include "search/search_index.hpp"
#include "search/text_analysis.hpp"

namespace narralytica::search {
namespace {

using namespace detail;

Error xapian_error(const Xapian::Error& e, const std::filesystem::path& where) {
  return make_error(ErrorCode::unavailable, "search index: " + e.get_description(), where.string());
}

void add_speaker_term(Xapian::Document& doc, std::string_view name) {
  const std::string folded = fold_text(name);
  if (!folded.empty() && folded.size() < 200) doc.add_boolean_term(std::string(kSpeakerPrefix) + folded);
}

}  // namespace

struct IndexWriter::Impl {
  std::filesystem::path path;
  Xapian::WritableDatabase db;
  Stemmers stemmers;
  std::set<std::string> languages;  // as stored in metadata
  bool languages_changed = false;
  std::vector<Token> tokens;        // reused between documents
  std::unique_ptr<VectorLog> vectors;
  bool wrote_vectors = false;
  WriteMode mode = WriteMode::durable_commits;
  int uncommitted_documents = 0;  // unpublished_generation: added since the last commit

  Xapian::Document make_document(const SegmentDocument& d) {
    Xapian::Document doc;
    doc.set_data(serialize(d));
    doc.add_boolean_term(id_term(kUniquePrefix, d.transcript_id) + ":" + std::to_string(d.ordinal));
    doc.add_boolean_term(id_term(kVideoPrefix, d.video_id));
    doc.add_boolean_term(id_term(kTranscriptPrefix, d.transcript_id));
    const std::string language = primary_language(d.language);
    if (!language.empty()) doc.add_boolean_term(std::string(kLanguagePrefix) + language);
    add_speaker_term(doc, d.speaker_label);
    add_speaker_term(doc, d.speaker_name);
    add_speaker_term(doc, d.person_name);
    if (d.person_id) doc.add_boolean_term(id_term(kPersonPrefix, *d.person_id));
    for (const auto& label : d.labels) {
      const std::string folded = fold_text(label.label);
      if (!folded.empty() && folded.size() < 200) doc.add_boolean_term(label_prefix(label.kind) + folded);
    }
    if (languages.insert(language).second) languages_changed = true;
    const Xapian::Stem& stem = stemmers.for_language(language);
    tokens.clear();
    tokenize(d.text, tokens);
    Xapian::termpos position = 0;
    for (const auto& token : tokens) {
      doc.add_posting(token.term, ++position);
      doc.add_term(std::string(kStemPrefix) + stem(token.term));
    }
    doc.add_value(kStartSlot, Xapian::sortable_serialise(static_cast<double>(d.start_ms)));
    doc.add_value(kEndSlot, Xapian::sortable_serialise(static_cast<double>(d.end_ms)));
    if (d.published_at) doc.add_value(kPublishedSlot, Xapian::sortable_serialise(static_cast<double>(*d.published_at)));
    doc.add_value(kVideoSlot, std::string(d.video_id.byte_view()));
    doc.add_value(kSpeakerSlot, std::string(d.speaker_id ? d.speaker_id->byte_view() : kNoIdValue));
    doc.add_value(kPersonSlot, std::string(d.person_id ? d.person_id->byte_view() : kNoIdValue));
    return doc;
  }
};

IndexWriter::IndexWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IndexWriter::~IndexWriter() = default;

Result<std::unique_ptr<IndexWriter>> IndexWriter::open(const std::filesystem::path& generation, WriteMode mode) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = generation;
    impl->mode = mode;
    int flags = Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS;
    if (mode == WriteMode::unpublished_generation) flags |= Xapian::DB_NO_SYNC;
    impl->db = Xapian::WritableDatabase(generation.string(), flags);
    ASSIGN_OR_RETURN(impl->vectors, VectorLog::open(generation));
    std::istringstream languages(impl->db.get_metadata(kLanguagesKey));
    for (std::string language; languages >> language;) impl->languages.insert(language);
    return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return xapian_error(e, generation);
  }
}

std::int64_t IndexWriter::position() const {
  try {
    const std::string value = impl_->db.get_metadata(kPositionKey);
    return value.empty() ? 0 : std::stoll(value);
  } catch (const std::exception&) {
    return 0;
  } catch (const Xapian::Error&) {
    return 0;
  }
}

Status IndexWriter::replace_video(const Uuid& video, const std::vector<SegmentDocument>& documents,
                                  const std::vector<SegmentVector>& vectors) {
  impl_->vectors->replace_video(video, vectors);
  impl_->wrote_vectors = impl_->wrote_vectors || !vectors.empty();
  try {
    impl_->db.delete_document(id_term(kVideoPrefix, video));
    for (const auto& d : documents) impl_->db.add_document(impl_->make_document(d));
    if (impl_->mode == WriteMode::unpublished_generation) {
      impl_->uncommitted_documents += static_cast<int>(documents.size());
      if (impl_->uncommitted_documents >= kBulkCommitDocuments) {
        impl_->db.commit();  // no position: the generation is not published before commit(position)
        impl_->uncommitted_documents = 0;
      }
    }
    return ok_status();
  } catch (const Xapian::Error& e) {
    return xapian_error(e, impl_->path);
  }
}

Status IndexWriter::remove_video(const Uuid& video) { return replace_video(video, {}); }

Status IndexWriter::commit(std::int64_t position) {
  RETURN_IF_ERROR(impl_->vectors->commit(position));
  try {
    impl_->db.set_metadata(kPositionKey, std::to_string(position));
    if (impl_->languages_changed) {
      std::string joined;
      for (const auto& language : impl_->languages) joined += language + " ";
      impl_->db.set_metadata(kLanguagesKey, joined);
      impl_->languages_changed = false;
    }
    impl_->db.commit();
    impl_->uncommitted_documents = 0;
    return ok_status();
  } catch (const Xapian::Error& e) {
    return xapian_error(e, impl_->path);
  }
}

Status IndexWriter::snapshot_vectors() {
  if (!impl_->wrote_vectors) return ok_status();
  ASSIGN_OR_RETURN(auto set, VectorIndexSet::load(impl_->path));
  return set->save_snapshot();
}

void add_to_digest(IndexDigest& digest, const std::vector<SegmentDocument>& documents) {
  std::map<Uuid, Sha256> hashes;
  std::map<Uuid, std::int64_t> counts;
  for (const auto& d : documents) {
    hashes[d.transcript_id].update_field(serialize(d));
    ++counts[d.transcript_id];
  }
  for (auto& [transcript, hash] : hashes) {
    digest[transcript] = TranscriptDigest{counts[transcript], to_hex(hash.finish())};
  }
}

Result<IndexDigest> digest_generation(const std::filesystem::path& generation) {
  try {
    Xapian::Database db(generation.string());
    std::map<Uuid, std::vector<SegmentDocument>> by_transcript;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      auto document = deserialize(db.get_document(*it).get_data());
      if (!document.ok()) {
        return make_error(ErrorCode::internal, "document " + std::to_string(*it) + " does not decode",
                          generation.string());
      }
      by_transcript[document->transcript_id].push_back(std::move(*document));
    }
    IndexDigest digest;
    for (auto& [transcript, documents] : by_transcript) {
      std::sort(documents.begin(), documents.end(),
                [](const SegmentDocument& a, const SegmentDocument& b) { return a.ordinal < b.ordinal; });
      add_to_digest(digest, documents);
    }
    return digest;
  } catch (const Xapian::Error& e) {
    return xapian_error(e, generation);
  }
}

}  // namespace narralytica::search
