// Streams: the stream value (entries, Redis 7.0 metadata, consumer groups) and the operations the stream
// commands build on. Replies are built by commands/stream_family.cc.
//
// RDB contract (RDB_TYPE_STREAM_LISTPACKS_2 / _3 save and load):
//   save: index.nodes() gives (master ID, listpack bytes) in order — write them as the rax entries (key =
//         master ID as 16 big-endian bytes); then length = index.size(), last_id, first_id, max_deleted_id,
//         entries_added; then groups (in name order: groups is sorted) with last_id, entries_read, the PEL
//         (pel: ID → delivery_time, delivery_count) and the consumers (name order) with seen_time and their PEL
//         IDs (each references the group's NACK).
//   load: build a Stream, index.AddNode(master, Listpack::FromBytes(bytes)) per node in order, set the
//         metadata fields, then for each group CreateGroup() and for each NACK GroupAddNack(), for each
//         consumer CreateConsumer() and ConsumerClaimNack() for each of its IDs.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "db/value.h"
#include "ds/stream_index.h"

namespace corvid {

struct StreamConsumer;

// A pending (delivered, unacknowledged) entry of a group.
struct StreamNack {
  int64_t delivery_time = 0;  // unix ms of the last delivery
  uint64_t delivery_count = 0;
  StreamConsumer* consumer = nullptr;  // its owner (never null once added)
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;    // last interaction (reads, claims)
  int64_t active_time = -1; // last successful read or claim (Redis 7.2's field; -1 = never)
  std::map<StreamID, StreamNack*> pel;  // views of the group's NACKs this consumer owns
};

// Redis' SCG_INVALID_ENTRIES_READ.
inline constexpr int64_t kInvalidEntriesRead = -1;

struct StreamGroup {
  StreamID last_id;
  int64_t entries_read = kInvalidEntriesRead;
  std::map<StreamID, std::unique_ptr<StreamNack>> pel;
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;
};

struct Stream {
  StreamIndex index;
  StreamID last_id;         // last-generated-id
  StreamID first_id;        // recorded-first-entry-id (0-0 when empty)
  StreamID max_deleted_id;  // max-deleted-entry-id
  uint64_t entries_added = 0;
  std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>> groups;
};

// REQUIRES: v is a stream.
inline Stream* StreamOf(const Value& v) { return v.As<Stream>(); }
// A new empty stream value.
Value NewStreamValue();
// Registers the stream collection hooks (free, bytes, clone, digest).
void RegisterStreamType();

// ---- IDs ----

// Parses "<ms>[-<seq>]" (Redis' streamParseID). missing_seq fills an absent seq; with allow_star, "<ms>-*"
// sets *seq_given = false. "-" / "+" map to the min / max ID when allow_special. False on a bad ID.
bool ParseStreamID(std::string_view s, StreamID* out, uint64_t missing_seq, bool allow_special = false,
                   bool* seq_given = nullptr);

// ---- entries ----

// kSeqExhausted: "<ms>-*" where <ms> is the last ID's and its sequence is at the maximum.
enum class XAddResult { kOk, kIdTooSmall, kIdExhausted, kSeqExhausted };
// Appends fv (field, value, ...) with an explicit ID, or auto (ms from now_ms unless ms_given, seq then chosen)
// as XADD does. *id receives the ID used.
XAddResult StreamAppend(Stream* s, StreamID* id, bool ms_given, bool seq_given, std::span<const std::string_view> fv,
                        int64_t now_ms);
// Trims (XADD/XTRIM); updates first_id. Returns entries removed.
int64_t StreamTrim(Stream* s, const StreamIndex::TrimSpec& spec);
// Deletes one entry (XDEL); updates first_id / max_deleted_id. False if absent.
bool StreamDelete(Stream* s, StreamID id);

// ---- groups ----

// The group name or nullptr.
StreamGroup* FindGroup(const Stream& s, std::string_view name);
// Creates a group; nullptr if it exists.
StreamGroup* CreateGroup(Stream* s, std::string_view name, StreamID last_id, int64_t entries_read);
// The consumer name of g or nullptr.
StreamConsumer* FindConsumer(const StreamGroup& g, std::string_view name);
// Creates a consumer (seen_time = now_ms); nullptr if it exists.
StreamConsumer* CreateConsumer(StreamGroup* g, std::string_view name, int64_t now_ms);
// Deletes a consumer and its pending entries (from the group PEL too); returns how many were pending.
size_t DeleteConsumer(StreamGroup* g, std::string_view name);
// Adds a NACK for id owned by c; returns it, or nullptr if the group already has one.
StreamNack* GroupAddNack(StreamGroup* g, StreamConsumer* c, StreamID id, int64_t delivery_time,
                         uint64_t delivery_count);
// Moves nack (of id) to consumer c.
void ConsumerClaimNack(StreamConsumer* c, StreamID id, StreamNack* nack);
// Acknowledges id: removes it from the group and its consumer; false if it was not pending.
bool GroupAck(StreamGroup* g, StreamID id);

// Redis' streamEstimateDistanceFromFirstEverEntry: the logical read counter of id, or kInvalidEntriesRead.
int64_t StreamEntriesReadOf(const Stream& s, StreamID id);
// True when a tombstone may lie in [start, end] (streamRangeHasTombstones).
bool StreamRangeHasTombstones(const Stream& s, StreamID start, StreamID end);
// The group's lag as XINFO reports it; false when it cannot be known (nil).
bool GroupLag(const Stream& s, const StreamGroup& g, int64_t* lag);
// Advances the group past a delivered id (updates last_id and entries_read as XREADGROUP does).
void GroupDelivered(const Stream& s, StreamGroup* g, StreamID id);

// Number of radix tree nodes Redis' rax would hold for the stream's node keys (XINFO radix-tree-nodes).
size_t StreamRaxNodes(const Stream& s);

}  // namespace corvid
