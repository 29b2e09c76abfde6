#include "support/faulty_vfs.hpp"

#include <atomic>
#include <mutex>
#include <stdexcept>

namespace narralytica::testing {
namespace {

sqlite3_vfs* g_root = nullptr;  // the VFS wrapped (the default one when first used)
sqlite3_vfs g_faulty;           // a copy of the root with xOpen replaced

std::atomic<std::int64_t> g_writes{0}, g_syncs{0}, g_reads{0};
std::atomic<int> g_armed{-1};  // a FaultKind, or -1
std::atomic<std::int64_t> g_target{0};
std::atomic<bool> g_fired{false};

// The counter of `kind`'s operation.
std::atomic<std::int64_t>& counter(FaultKind kind) {
  switch (kind) {
    case FaultKind::write:
    case FaultKind::full: return g_writes;
    case FaultKind::sync: return g_syncs;
    case FaultKind::read: return g_reads;
  }
  return g_writes;
}

// Counts one call of `kind`'s operation; true when it is the armed one, which then fails.
bool fails(FaultKind counted) {
  const std::int64_t n = ++counter(counted);
  const int armed = g_armed.load();
  if (armed < 0 || n != g_target.load()) return false;
  const auto armed_kind = static_cast<FaultKind>(armed);
  if (&counter(armed_kind) != &counter(counted)) return false;
  g_fired = true;
  return true;
}

// The wrapped file, followed in the same allocation by the root VFS's own file object.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real(); }

int faulty_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int faulty_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  if (fails(FaultKind::read)) return SQLITE_IOERR_READ;
  return real(f)->pMethods->xRead(real(f), buffer, amount, offset);
}
int faulty_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (fails(FaultKind::write)) {
    return g_armed.load() == static_cast<int>(FaultKind::full) ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  }
  return real(f)->pMethods->xWrite(real(f), buffer, amount, offset);
}
int faulty_truncate(sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); }
int faulty_sync(sqlite3_file* f, int flags) {
  if (fails(FaultKind::sync)) return SQLITE_IOERR_FSYNC;
  return real(f)->pMethods->xSync(real(f), flags);
}
int faulty_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int faulty_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int faulty_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int faulty_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int faulty_file_control(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int faulty_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int faulty_device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
// The WAL index (shared memory) is not file I/O: passed through, never failed.
int faulty_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int faulty_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void faulty_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int faulty_shm_unmap(sqlite3_file* f, int delete_flag) { return real(f)->pMethods->xShmUnmap(real(f), delete_flag); }
// Memory-mapped reads would bypass xRead; the product leaves mmap_size at 0, and refusing the
// mapping keeps every read counted if that ever changes.
int faulty_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int faulty_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return real(f)->pMethods->xUnfetch(real(f), offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    faulty_close,
    faulty_read,
    faulty_write,
    faulty_truncate,
    faulty_sync,
    faulty_file_size,
    faulty_lock,
    faulty_unlock,
    faulty_check_reserved_lock,
    faulty_file_control,
    faulty_sector_size,
    faulty_device_characteristics,
    faulty_shm_map,
    faulty_shm_lock,
    faulty_shm_barrier,
    faulty_shm_unmap,
    faulty_fetch,
    faulty_unfetch,
};

int faulty_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapped = reinterpret_cast<FaultyFile*>(file);
  const int rc = g_root->xOpen(g_root, name, wrapped->real(), flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, so it is set only when the root's is.
  wrapped->base.pMethods = wrapped->real()->pMethods ? &kMethods : nullptr;
  return rc;
}

}  // namespace

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::write: return "write";
    case FaultKind::full: return "full";
    case FaultKind::sync: return "sync";
    case FaultKind::read: return "read";
  }
  return "?";
}

FaultyVfs::FaultyVfs() {
  g_root = sqlite3_vfs_find(nullptr);
  if (!g_root) throw std::runtime_error("SQLite has no default VFS");
  // Every other method (delete, access, full path name, randomness, time…) is the root's, with
  // the root's pAppData, which the unix VFS's methods read.
  g_faulty = *g_root;
  g_faulty.pNext = nullptr;
  g_faulty.zName = kName;
  g_faulty.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_root->szOsFile;
  g_faulty.xOpen = faulty_open;
  if (sqlite3_vfs_register(&g_faulty, 0) != SQLITE_OK) throw std::runtime_error("cannot register the faulty VFS");
}

FaultyVfs& FaultyVfs::instance() {
  static FaultyVfs vfs;
  return vfs;
}

void FaultyVfs::reset() {
  g_armed = -1;
  g_target = 0;
  g_fired = false;
  g_writes = 0;
  g_syncs = 0;
  g_reads = 0;
}

void FaultyVfs::arm(FaultKind kind, std::int64_t n) {
  reset();
  g_target = n;
  g_armed = static_cast<int>(kind);
}

std::int64_t FaultyVfs::count(FaultKind kind) const { return counter(kind).load(); }
bool FaultyVfs::fired() const { return g_fired.load(); }

FaultyVfs::AsDefault::AsDefault() {
  (void)instance();
  sqlite3_vfs_register(&g_faulty, 1);
}
FaultyVfs::AsDefault::~AsDefault() { sqlite3_vfs_register(g_root, 1); }

}  // namespace narralytica::testing
