// What the keyspace needs from every collection type (free, size, copy, digest), supplied by each collection
// family when it registers, so the core never depends on a family.
#pragma once
#include <cstddef>

#include "db/value.h"
#include "util/digest.h"

namespace corvid {

struct CollectionOps {
  void (*free)(ObjEnc e, void* p);
  size_t (*bytes)(ObjEnc e, const void* p, size_t samples);  // heap bytes held (Value::HeapBytes)
  void* (*clone)(ObjEnc e, const void* p);   // deep copy (COPY)
  // Adds the contents to d exactly as Redis' xorObjectDigest does for this type (DEBUG DIGEST).
  void (*digest)(const Value& v, Digest d);
};

// Registers the operations of type t (called from the family's Register*Family).
void RegisterCollectionOps(ObjType t, const CollectionOps* ops);
// Digest of a collection value's contents. REQUIRES: v is a collection whose family registered.
void CollectionDigest(const Value& v, Digest d);

}  // namespace corvid
