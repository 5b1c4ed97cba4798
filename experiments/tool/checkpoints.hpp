#pragma once
// Checkpoints of the resumable commands, `optdyn run` and `optdyn flow` (README, "Checkpoints
// and resume"): the part both share, written once.
//
// Beside the output FILE a resumable command keeps two files while it runs:
//   FILE.checkpoint.csv   the journal: every CSV byte written so far (harness/run_journal.hpp)
//   FILE.checkpoint.json  the last checkpoint: one JSON document (core/state_archive.hpp),
//                         {"format", "version", "build", "command": {…}, …,
//                          "status", "rows", "csv_bytes", "csv_sha256", <the state>}
// Each command writes its document with ONE function that archives every field in order (run:
// run_checkpoint.hpp; flow: flow_checkpoint.hpp); this file reads and writes the files around
// it. A checkpoint is written every --checkpoint-every steps (run) or rows (flow) and when
// SIGINT/SIGTERM stops the command; `--resume` restores it and continues: the CSV and status
// file are byte-identical to those of the uninterrupted command. Both files are removed when
// the command ends and its outputs are committed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "harness/run_journal.hpp"
#include "optdyn/core/state_archive.hpp"
#include "tool/command.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {

// --checkpoint-every and --resume, checked: every ≥ 0; InputError naming the option when
// either is given with an output written in place (standard output, a device, a named pipe:
// what was written cannot be taken back) as --out.
struct CheckpointOptions {
  long every = 0;        // 0: only when interrupted
  bool resume = false;
  bool enabled = false;  // --out is a file: checkpoints are possible (and written when interrupted)
};
CheckpointOptions checkpoint_options(const po::variables_map& vm, const std::string& out);

// Where a command stands in its journal at a checkpoint.
struct CheckpointProgress {
  std::string status = "running";  // or "interrupted by SIGTERM at …"
  std::int64_t rows = 0;           // CSV rows written (journal)
  std::uint64_t csv_bytes = 0;     // journal bytes covered, header included
  std::string csv_sha256;          // of those bytes
  // "status", "rows" (in [0, max_rows]), "csv_bytes", "csv_sha256".
  void archive(StateArchive& a, std::int64_t max_rows);
};

// The first fields of every checkpoint: "format" and "version" (constants of the command's
// document) and "build" (harness/build_info.hpp: a checkpoint of another build is refused).
void archive_header(StateArchive& a, const std::string& format, std::int64_t version);

// "SIGINT", "SIGTERM" or "SIGHUP".
std::string signal_name(int signal);

class Checkpoints {
 public:
  // Archives a command's whole document, saving or loading, `progress` among its fields;
  // it ends with StateArchive::finish().
  using Document = std::function<void(StateArchive&)>;

  Checkpoints(const std::string& out, CheckpointProgress& progress, Document document);
  // A command that ends with its journal but no checkpoint (an error before the first one,
  // e.g. bad input met mid-run) cannot be resumed: the journal is removed, so nothing is left
  // beside an output that was never written. With a checkpoint both files stay (--resume).
  ~Checkpoints();
  Checkpoints(const Checkpoints&) = delete;
  Checkpoints& operator=(const Checkpoints&) = delete;

  const std::filesystem::path& checkpoint_path() const { return checkpoint_; }

  // Before the first row. A fresh command refuses FILE.checkpoint.json (an interrupted run is
  // continued, never silently restarted over). `resume`: restores the checkpoint through the
  // document and starts the recorder's CSV with the rows it covers; InputError "--resume: …"
  // naming a missing or unreadable file, the first mismatched field, or journal bytes that
  // do not match their sha256. Then every CSV line also goes to the journal.
  void begin(bool resume, TrajectoryRecorder& recorder);
  // Syncs the journal and writes a checkpoint atomically (harness/output_file.hpp) with the
  // recorder's rows so far and `status`.
  void save(std::string status, const TrajectoryRecorder& recorder);
  // Removes both files (after the command's outputs were committed).
  void remove();

 private:
  // The journal bytes the checkpoint covers, after restoring the document.
  std::string restore();

  std::filesystem::path checkpoint_, journal_path_;
  CheckpointProgress& progress_;
  Document document_;
  std::optional<harness::RunJournal> journal_;
};

}  // namespace optdyn::tool
