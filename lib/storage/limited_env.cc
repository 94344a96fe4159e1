#include "storage/limited_env.h"

#include <rocksdb/file_system.h>

#include "storage/files.h"

namespace entente::storage {

namespace {

rocksdb::IOStatus no_space() { return rocksdb::IOStatus::NoSpace("No space left on device (injected disk limit)"); }

class LimitedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  using FSWritableFileOwnerWrapper::FSWritableFileOwnerWrapper;

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (!files::charge_disk(data.size())) return no_space();
    return target()->Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    if (!files::charge_disk(data.size())) return no_space();
    return target()->Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, std::uint64_t offset,
                                     const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (!files::charge_disk(data.size())) return no_space();
    return target()->PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, std::uint64_t offset,
                                     const rocksdb::IOOptions& options, const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (!files::charge_disk(data.size())) return no_space();
    return target()->PositionedAppend(data, offset, options, info, dbg);
  }
};

class LimitedFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit LimitedFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base) : FileSystemWrapper(base) {}
  static const char* kClassName() { return "EntenteLimitedFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return wrap(target()->NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReuseWritableFile(name, old_name, options, result, dbg), result);
  }

 private:
  static rocksdb::IOStatus wrap(rocksdb::IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (s.ok()) *result = std::make_unique<LimitedFile>(std::move(*result));
    return s;
  }
};

}  // namespace

rocksdb::Env* limited_env() {
  static rocksdb::Env* env = [] () -> rocksdb::Env* {
    if (!files::disk_limited()) return nullptr;
    auto fs = std::make_shared<LimitedFileSystem>(rocksdb::FileSystem::Default());
    return rocksdb::NewCompositeEnv(fs).release();  // lives as long as the process
  }();
  return env;
}

}  // namespace entente::storage
