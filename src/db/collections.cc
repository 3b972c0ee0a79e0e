// The per-type hooks every collection value needs (free, size, copy); each collection family adds its cases.
#include <cstdlib>

#include "db/value.h"

namespace corvid {

void FreeCollection(ObjType t, ObjEnc e, void* ptr) {
  (void)t, (void)e, (void)ptr;
  abort();  // no collection types yet: unreachable
}

size_t CollectionBytes(ObjType t, ObjEnc e, const void* ptr) {
  (void)t, (void)e, (void)ptr;
  abort();
}

void* CloneCollection(ObjType t, ObjEnc e, const void* ptr) {
  (void)t, (void)e, (void)ptr;
  abort();
}

}  // namespace corvid
