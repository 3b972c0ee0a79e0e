#include "db/collections.h"

#include <cstdlib>

namespace corvid {

namespace {
const CollectionOps* g_ops[8] = {};

const CollectionOps& OpsFor(ObjType t) {
  const CollectionOps* ops = g_ops[static_cast<size_t>(t)];
  if (!ops) abort();  // a value of a type whose family never registered
  return *ops;
}
}  // namespace

void RegisterCollectionOps(ObjType t, const CollectionOps* ops) { g_ops[static_cast<size_t>(t)] = ops; }

void FreeCollection(ObjType t, ObjEnc e, void* ptr) { OpsFor(t).free(e, ptr); }

size_t CollectionBytes(ObjType t, ObjEnc e, const void* ptr, size_t samples) {
  return OpsFor(t).bytes(e, ptr, samples);
}

void* CloneCollection(ObjType t, ObjEnc e, const void* ptr) { return OpsFor(t).clone(e, ptr); }

void CollectionDigest(const Value& v, Digest d) { OpsFor(v.type()).digest(v, d); }

}  // namespace corvid
