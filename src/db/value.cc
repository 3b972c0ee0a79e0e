#include "db/value.h"

#include <cstring>

#include "util/numeric.h"

namespace corvid {

std::string_view EncodingName(ObjEnc e) {
  switch (e) {
    case ObjEnc::kRaw: return "raw";
    case ObjEnc::kInt: return "int";
    case ObjEnc::kHashtable: return "hashtable";
    case ObjEnc::kIntset: return "intset";
    case ObjEnc::kSkiplist: return "skiplist";
    case ObjEnc::kEmbstr: return "embstr";
    case ObjEnc::kQuicklist: return "quicklist";
    case ObjEnc::kStream: return "stream";
    case ObjEnc::kListpack: return "listpack";
  }
  return "unknown";
}

std::string_view TypeName(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZset: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
  }
  return "none";
}

Value::Value(Value&& o) noexcept {
  memcpy(static_cast<void*>(this), &o, sizeof(Value));
  o.type_ = 0;
  o.enc_ = static_cast<uint8_t>(ObjEnc::kInt);  // trivially destructible state
}

Value& Value::operator=(Value&& o) noexcept {
  if (this != &o) {
    Destroy();
    memcpy(static_cast<void*>(this), &o, sizeof(Value));
    o.type_ = 0;
    o.enc_ = static_cast<uint8_t>(ObjEnc::kInt);
  }
  return *this;
}

void Value::Destroy() {
  if (type() == ObjType::kString) {
    if (!IsInt()) str().~CompactString();
  } else {
    FreeCollection(type(), encoding(), As<void>());
  }
}

Value Value::Int(int64_t v) {
  Value r;
  r.str().~CompactString();
  r.enc_ = static_cast<uint8_t>(ObjEnc::kInt);
  memcpy(r.payload_, &v, sizeof(v));
  return r;
}

Value Value::PlainString(std::string_view s) {
  Value r;
  r.str().Assign(s);
  r.enc_ = static_cast<uint8_t>(s.size() <= kEmbstrMaxLen ? ObjEnc::kEmbstr : ObjEnc::kRaw);
  return r;
}

Value Value::String(std::string_view s) {
  int64_t v;
  if (s.size() <= 20 && StringToInt64(s, &v)) return Int(v);
  return PlainString(s);
}

Value Value::RawString(std::string_view s) {
  Value r = PlainString(s);
  r.enc_ = static_cast<uint8_t>(ObjEnc::kRaw);
  return r;
}

Value Value::Collection(ObjType t, ObjEnc e, void* ptr) {
  Value r;
  r.str().~CompactString();
  r.type_ = static_cast<uint8_t>(t);
  r.enc_ = static_cast<uint8_t>(e);
  memcpy(r.payload_, &ptr, sizeof(ptr));
  return r;
}

std::string_view Value::StringView(char* buf) const {
  if (IsInt()) return {buf, Int64ToChars(int_val(), buf)};
  return str().view();
}

size_t Value::StringLen() const {
  if (!IsInt()) return str().size();
  char buf[kInt64Chars];
  return Int64ToChars(int_val(), buf);
}

CompactString& Value::MakeRaw() {
  if (IsInt()) {
    char buf[kInt64Chars];
    size_t n = Int64ToChars(int_val(), buf);
    new (payload_) CompactString(std::string_view(buf, n));
  }
  enc_ = static_cast<uint8_t>(ObjEnc::kRaw);
  return str();
}

Value CloneValue(const Value& v) {
  if (!v.IsString()) return Value::Collection(v.type(), v.encoding(), CloneCollection(v.type(), v.encoding(), v.As<void>()));
  if (v.IsInt()) return Value::Int(v.int_val());
  Value r = Value::PlainString(v.str().view());
  r.set_encoding(v.encoding());
  return r;
}

size_t Value::HeapBytes(size_t samples) const {
  if (type() == ObjType::kString) return IsInt() ? 0 : str().HeapBytes();
  return CollectionBytes(type(), encoding(), As<void>(), samples);
}

}  // namespace corvid
