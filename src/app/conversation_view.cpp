#include "app/conversation_view.hpp"

#include <cmath>

#include "core/clock.hpp"
#include "core/json_writer.hpp"

namespace narralytica::app {
namespace {

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

std::string party_json(const ConversationParty& who) {
  JsonObject o;
  o.add("kind", party_kind_name(who.kind));
  if (who.id) o.add("id", who.id->to_string()); else o.add_null("id");
  if (who.kind == ConversationParty::Kind::speaker) o.add("label", who.label);
  o.add("name", who.name);
  if (who.kind == ConversationParty::Kind::speaker) {
    if (who.person) {
      o.add_raw("person", JsonObject().add("id", who.person->public_id.to_string()).add("name", who.person->name).str());
    } else {
      o.add_null("person");
    }
  }
  return o.str();
}

void add_measures(JsonObject& o, const ConversationRow& row) {
  const analytics::SpeakerMeasures& m = row.measures;
  const RowFigures f = row_figures(row);
  o.add("talk_ms", m.talk_ms)
      .add("talk_share", f.talk_share)
      .add("words", m.words)
      .add("words_per_minute", f.words_per_minute)
      .add("turns", m.turns)
      .add("average_turn_ms", f.average_turn_ms)
      .add("longest_turn_ms", m.longest_turn_ms)
      .add("interruptions", m.interruptions)
      .add("interrupted", m.interrupted)
      .add("overlaps", m.overlaps)
      .add("overlap_ms", m.overlap_ms)
      .add("questions", m.questions)
      .add_optional("floor_transfer_median_ms", f.floor_transfer_median_ms);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number(double value) {
  std::string out;
  append_json_double(out, value);
  return out;
}

}  // namespace

RowFigures row_figures(const ConversationRow& row) {
  RowFigures f;
  f.talk_share = rounded(analytics::share(row.measures.talk_ms, row.talk_total_ms), 6);
  f.words_per_minute = rounded(analytics::words_per_minute(row.measures), 2);
  f.average_turn_ms = rounded(analytics::average_turn_ms(row.measures), 2);
  f.floor_transfer_median_ms = analytics::median(row.measures.offsets_ms);
  return f;
}

std::string conversation_report_json(const ConversationReport& report) {
  JsonObject o;
  o.add("scope", report.scope);
  if (report.scope_id) o.add("id", report.scope_id->to_string()); else o.add_null("id");
  if (report.transcript) {
    o.add_raw("transcript", JsonObject()
                                .add("id", report.transcript->public_id.to_string())
                                .add("revision", report.transcript->revision)
                                .add("language", report.transcript->language)
                                .str());
  } else {
    o.add_null("transcript");
  }
  if (report.video_id) o.add("video_id", report.video_id->to_string()); else o.add_null("video_id");
  o.add("timing", report.timing);
  o.add_raw("options", JsonObject()
                           .add("overlap_threshold_ms", report.options.overlap_threshold_ms)
                           .add("yield_window_ms", report.options.yield_window_ms)
                           .str());
  const analytics::ConversationTotals& t = report.totals;
  const analytics::SpeakerMeasures& all = t.everyone;
  o.add_raw("totals", JsonObject()
                          .add("transcripts", t.transcripts)
                          .add("span_ms", t.span_ms)
                          .add("speech_ms", t.speech_ms)
                          .add("silence_ms", t.silence_ms())
                          .add("silence_share", rounded(analytics::share(t.silence_ms(), t.span_ms), 6))
                          .add("overlap_ms", t.overlap_ms)
                          .add("talk_ms", all.talk_ms)
                          .add("words", all.words)
                          .add("words_per_minute", rounded(analytics::words_per_minute(all), 2))
                          .add("turns", t.turns)
                          .add("average_turn_ms", rounded(analytics::average_turn_ms(all), 2))
                          .add("longest_turn_ms", all.longest_turn_ms)
                          .add("speaker_changes", t.speaker_changes)
                          .add("interruptions", all.interruptions)
                          .add("overlaps", all.overlaps)
                          .add("questions", all.questions)
                          .add_optional("floor_transfer_median_ms", analytics::median(t.offsets_ms))
                          .str());
  std::string speakers = "[";
  for (std::size_t i = 0; i < report.speakers.size(); ++i) {
    if (i) speakers += ',';
    JsonObject row;
    row.add_raw("who", party_json(report.speakers[i].who));
    add_measures(row, report.speakers[i]);
    speakers += row.str();
  }
  o.add_raw("speakers", speakers + "]");
  std::string pairs = "[";
  for (std::size_t i = 0; i < report.pairs.size(); ++i) {
    if (i) pairs += ',';
    const ConversationPair& p = report.pairs[i];
    pairs += JsonObject()
                 .add_raw("from", party_json(p.from))
                 .add_raw("to", party_json(p.to))
                 .add("changes", static_cast<std::int64_t>(p.offsets_ms.size()))
                 .add_optional("median_offset_ms", analytics::median(p.offsets_ms))
                 .str();
  }
  o.add_raw("pairs", pairs + "]");
  std::string videos = "[";
  for (std::size_t i = 0; i < report.videos.size(); ++i) {
    if (i) videos += ',';
    const ConversationRow& v = report.videos[i];
    JsonObject row;
    row.add("video_id", v.video_id ? v.video_id->to_string() : std::string()).add("title", v.video_title);
    if (v.published_at) row.add("published_at", format_rfc3339(*v.published_at)); else row.add_null("published_at");
    add_measures(row, v);
    videos += row.str();
  }
  o.add_raw("videos", videos + "]");
  return o.str();
}

std::string conversation_report_csv(const ConversationReport& report) {
  std::string out =
      "row,kind,id,name,video_id,talk_ms,talk_share,words,words_per_minute,turns,average_turn_ms,longest_turn_ms,"
      "interruptions,interrupted,overlaps,overlap_ms,questions,floor_transfer_median_ms\n";
  auto line = [&](std::string_view row_kind, const ConversationRow& row) {
    const RowFigures f = row_figures(row);
    const analytics::SpeakerMeasures& m = row.measures;
    out += std::string(row_kind) + ',' + std::string(party_kind_name(row.who.kind)) + ',' +
           (row.who.id ? row.who.id->to_string() : "") + ',' + csv_field(row.who.name) + ',' +
           (row.video_id ? row.video_id->to_string() : "") + ',' + std::to_string(m.talk_ms) + ',' +
           number(f.talk_share) + ',' + std::to_string(m.words) + ',' + number(f.words_per_minute) + ',' +
           std::to_string(m.turns) + ',' + number(f.average_turn_ms) + ',' + std::to_string(m.longest_turn_ms) + ',' +
           std::to_string(m.interruptions) + ',' + std::to_string(m.interrupted) + ',' + std::to_string(m.overlaps) +
           ',' + std::to_string(m.overlap_ms) + ',' + std::to_string(m.questions) + ',' +
           (f.floor_transfer_median_ms ? number(*f.floor_transfer_median_ms) : "") + '\n';
  };
  for (const auto& row : report.speakers) line("speaker", row);
  for (const auto& row : report.videos) line("video", row);
  return out;
}

}  // namespace narralytica::app
