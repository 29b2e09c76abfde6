// `narralytica import`: transcript files into the canonical store, one transaction per file. Each
// file succeeds or fails on its own and gets one line on stdout; a summary follows; the exit
// status is non-zero when any file failed. Files are imported one at a time, while the next one
// is read, parsed and hashed on a second thread (TranscriptService::prepare): at most two files
// are in memory and only counters are kept, so memory stays flat however many files are named.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>

#include "app/transcript_service.hpp"
#include "cli/cli_support.hpp"
#include "formats/limits.hpp"

namespace narralytica::cli {
namespace import_command_impl {
namespace {

// Warnings printed per file; the rest are counted, so a sloppy file cannot flood the terminal.
constexpr std::size_t kWarningsPerFileMax = 5;
// Files named on one command line (the shell's own limit is lower; this bounds the argument list).
constexpr std::size_t kFilesMax = 10'000'000;
// Width of the progress bar, in cells.
constexpr int kProgressCells = 30;

struct ImportArgs {
  std::string tenant;
  std::string video;
  std::string title;
  std::string source_url;
  std::string language;
  std::string format;
  std::string data_dir;
  bool speaker_prefix = false;
  bool revision = false;
  bool strict = false;
  bool fail_fast = false;
  std::vector<std::string> files;
} args;

struct Totals {
  std::size_t created = 0, unchanged = 0, failed = 0;
  std::int64_t segments = 0;  // in created transcripts
  std::optional<ErrorCode> first_failure;
};

// A progress bar on stderr, drawn only when stderr is a terminal; cleared before any other line so
// the two never interleave on screen.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), active_(total > 1 && ::isatty(STDERR_FILENO) == 1) {}
  void clear() {
    if (active_ && drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }
  void draw(std::size_t done, const Totals& totals) {
    if (!active_) return;
    const int filled = static_cast<int>(done * kProgressCells / total_);
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu files, %zu failed", std::string(filled, '#').c_str(),
                 std::string(kProgressCells - filled, '.').c_str(), done, total_, totals.failed);
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  std::size_t total_;
  bool active_;
  bool drawn_ = false;
};

// "file:line:column: message" when the error already names a place in the file; otherwise the
// file name comes first so every failure line starts with the file.
std::string failure_text(const std::string& file, const Error& error) {
  std::string text = error.describe();
  // The use case words its conflict for every caller; this is how one asks for it here.
  if (error.code == ErrorCode::conflict) text += " (--revision)";
  if (text.starts_with(file)) return text;
  return file + ": " + text;
}

// One file read and prepared for import. Heap-allocated so the prepared import's view of
// `content` stays valid as it is handed between threads.
struct PreparedFile {
  std::string content;
  std::optional<Result<app::PreparedImport>> prepared;
};

std::unique_ptr<PreparedFile> prepare_file(const app::ImportOptions& options) {
  auto file = std::make_unique<PreparedFile>();
  auto content = read_file(options.source_name, formats::limits::input_bytes_max);
  if (!content.ok()) {
    file->prepared.emplace(std::move(content).error());
    return file;
  }
  file->content = std::move(*content);
  file->prepared.emplace(app::TranscriptService::prepare(file->content, options));
  return file;
}

Result<app::ImportOptions> base_options() {
  app::ImportOptions options;
  if (!args.video.empty()) {
    auto id = Uuid::parse(args.video);
    if (!id) return make_error(ErrorCode::invalid_argument, "not a video id (a UUID)", "--video");
    options.video = *id;
  }
  options.title = args.title;
  if (!args.source_url.empty()) options.source_url = args.source_url;
  if (!args.language.empty()) options.language = args.language;
  if (!args.format.empty()) {
    ASSIGN_OR_RETURN(formats::Format format, formats::parse_format(args.format));
    options.format = format;
  }
  options.speaker_prefix = args.speaker_prefix;
  options.new_revision = args.revision;
  options.strict = args.strict;
  return options;
}

int run_import(const GlobalOptions& global) {
  if (args.files.size() > kFilesMax) {
    return report(make_error(ErrorCode::resource_exhausted, "too many files on one command line", "FILE"));
  }
  auto options = base_options();
  if (!options.ok()) return report(options.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  const std::filesystem::path data_dir =
      args.data_dir.empty() ? app::default_data_dir(global.db) : std::filesystem::path(args.data_dir);
  app::TranscriptService service(**database, data_dir);
  const store::Principal principal = operator_principal();

  Totals totals;
  Progress progress(args.files.size());
  const auto started = std::chrono::steady_clock::now();
  std::size_t done = 0;
  // File i+1 is prepared on another thread while file i's transaction runs and commits.
  auto prepare_next = [&](std::size_t i) {
    app::ImportOptions file_options = *options;
    file_options.source_name = args.files[i];
    return std::async(std::launch::async, [file_options = std::move(file_options)] { return prepare_file(file_options); });
  };
  std::future<std::unique_ptr<PreparedFile>> next;
  if (!args.files.empty()) next = prepare_next(0);
  for (std::size_t i = 0; i < args.files.size(); ++i) {
    const std::string& file = args.files[i];
    std::unique_ptr<PreparedFile> current = next.get();
    if (i + 1 < args.files.size()) next = prepare_next(i + 1);
    options->source_name = file;
    Result<app::ImportResult> imported = [&]() -> Result<app::ImportResult> {
      Result<app::PreparedImport>& prepared = *current->prepared;
      if (!prepared.ok()) return std::move(prepared).error();
      return service.import_prepared(principal, args.tenant, std::move(*prepared), *options);
    }();
    current.reset();  // at most two files in memory: this one's successor is being prepared
    progress.clear();
    ++done;
    if (!imported.ok()) {
      ++totals.failed;
      if (!totals.first_failure) totals.first_failure = imported.error().code;
      std::printf("failed     %s\n", failure_text(file, imported.error()).c_str());
    } else {
      const app::ImportResult& r = *imported;
      const std::string transcript = r.transcript.public_id.to_string();
      const std::string video = r.video.public_id.to_string();
      if (r.created) {
        ++totals.created;
        totals.segments += r.transcript.segment_count;
        std::printf("created    %s  transcript %s  video %s  revision %d  %lld segments", file.c_str(),
                    transcript.c_str(), video.c_str(), r.transcript.revision,
                    static_cast<long long>(r.transcript.segment_count));
        if (!r.layers.empty()) std::printf("  %zu layers", r.layers.size());
        std::printf("\n");
      } else {
        ++totals.unchanged;
        std::printf("unchanged  %s  transcript %s (video %s) already holds this content\n", file.c_str(),
                    transcript.c_str(), video.c_str());
      }
      for (std::size_t w = 0; w < r.warnings.size() && w < kWarningsPerFileMax; ++w) {
        // A positioned warning names its file itself ("file.vtt:12:1: cue skipped: ...").
        const formats::Warning& warning = r.warnings[w];
        if (warning.line != 0) {
          std::fprintf(stderr, "warning: %s\n", warning.describe().c_str());
        } else {
          std::fprintf(stderr, "warning: %s: %s\n", file.c_str(), warning.message.c_str());
        }
      }
      if (r.warnings.size() > kWarningsPerFileMax) {
        std::fprintf(stderr, "warning: %s: %zu more warnings\n", file.c_str(), r.warnings.size() - kWarningsPerFileMax);
      }
    }
    std::fflush(stdout);
    if (!imported.ok() && args.fail_fast) break;
    progress.draw(done, totals);
  }
  progress.clear();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%zu files: %zu created, %zu unchanged, %zu failed; %lld segments in %.2f s (%.0f segments/s)\n", done,
              totals.created, totals.unchanged, totals.failed, static_cast<long long>(totals.segments), seconds,
              seconds > 0 ? static_cast<double>(totals.segments) / seconds : 0.0);
  if (done < args.files.size()) {
    std::printf("stopped at the first failure (--fail-fast): %zu files not tried\n", args.files.size() - done);
  }
  return totals.first_failure ? exit_status(*totals.first_failure) : 0;
}

}  // namespace
}  // namespace import_command_impl

void add_import_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace import_command_impl;
  auto* import = app.add_subcommand("import", "Import transcript files (WebVTT, SRT, Whisper/WhisperX, AssemblyAI, "
                                              "Deepgram, Narralytica JSON), one transaction per file");
  import->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  auto* video = import->add_option("--video", args.video, "Attach to this video (id); otherwise one is found or created");
  import->add_option("--title", args.title, "Title of a new video (default: the file's name)")->excludes(video);
  import->add_option("--source-url", args.source_url, "Source URL of the video; finds it again on re-import")
      ->excludes(video);
  import->add_option("--language", args.language, "Language (BCP 47, e.g. en); overrides the file's own");
  import->add_option("--format", args.format,
                     "vtt, srt, whisper, whisperx, assemblyai, deepgram or json (default: detected)");
  import->add_flag("--speaker-prefix", args.speaker_prefix, "SRT: a leading \"Name: \" names the cue's speaker");
  import->add_flag("--strict", args.strict,
                   "WebVTT/SRT: refuse a file with a block a player would skip (a cue whose timing cannot be "
                   "read, text without a timing) instead of skipping it with a warning");
  import->add_flag("--revision", args.revision,
                   "Store as the next revision when the video already has a different transcript in that language");
  import->add_flag("--fail-fast", args.fail_fast, "Stop at the first file that fails");
  import->add_option("--data-dir", args.data_dir,
                     "Where original files are kept (default: narralytica-data beside a SQLite file, else ./narralytica-data)");
  import->add_option("FILE", args.files, "Transcript files")->required();
  import->callback([&] { exit_code = run_import(options); });
}

}  // namespace narralytica::cli
