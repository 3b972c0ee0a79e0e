// SORT and SORT_RO: sorting the elements of a list, set or sorted set (numerically, or ALPHA), optionally by
// external keys (BY pattern, with `*` substitution and `->field` hash lookups), with LIMIT, GET patterns and
// STORE into a list — Redis 7.0's sortCommandGeneric, including its quirks:
//   - BY a pattern without `*` means "don't sort"; lists and sorted sets then keep their own order (reversed
//     with DESC) and LIMIT selects a range directly; a set is sorted ALPHA anyway when the result is stored;
//   - a sorted set is converted to a skiplist by SORT;
//   - numeric sorting parses with strtod (so "" is 0 and hex is accepted); ties are broken by the elements
//     themselves; ALPHA compares bytes up to a NUL without STORE (strcoll in the C locale), whole strings with.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/families.h"
#include "db/hash_type.h"
#include "db/list_type.h"
#include "db/notify.h"
#include "db/set_type.h"
#include "db/zset_type.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// ---- parsing ----

struct SortSpec {
  std::optional<std::string_view> by;  // BY pattern
  std::vector<std::string_view> gets;  // GET patterns in order
  int64_t limit_start = 0, limit_count = -1;
  bool desc = false, alpha = false, dontsort = false;
  std::optional<std::string_view> store;
};

// Parses the options after the key; replies the error and returns false on bad input.
bool ParseSort(Client& c, CmdArgs args, bool readonly, SortSpec* s) {
  for (size_t j = 2; j < args.size(); ++j) {
    size_t left = args.size() - j - 1;
    if (Is(args[j], "ASC")) {
      s->desc = false;
    } else if (Is(args[j], "DESC")) {
      s->desc = true;
    } else if (Is(args[j], "ALPHA")) {
      s->alpha = true;
    } else if (Is(args[j], "LIMIT") && left >= 2) {
      if (!ArgInt64(c, args[j + 1], &s->limit_start) || !ArgInt64(c, args[j + 2], &s->limit_count)) return false;
      j += 2;
    } else if (Is(args[j], "STORE") && left >= 1 && !readonly) {
      s->store = args[++j];
    } else if (Is(args[j], "BY") && left >= 1) {
      s->by = args[++j];
      // A pattern without '*' (up to a NUL, as strchr) names no per-element key: nothing to sort by.
      s->dontsort = CStr(*s->by).find('*') == std::string_view::npos;
    } else if (Is(args[j], "GET") && left >= 1) {
      s->gets.push_back(args[++j]);
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// ---- pattern lookups ----

// The value a BY/GET pattern yields for element: "#" is the element itself; otherwise the first '*' is
// replaced by the element, and "->field" after it reads a hash field. nullopt when the pattern has no '*', the
// key is missing or of the wrong type, or the field is absent.
std::optional<std::string> LookupByPattern(Db& db, std::string_view pattern, std::string_view element) {
  std::string_view pat = CStr(pattern);
  if (pat == "#") return std::string(element);
  size_t star = pat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  size_t arrow = pat.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < pat.size()) {
    field = pattern.substr(arrow + 2);  // the field runs to the real end of the pattern
  } else {
    arrow = pattern.size();
  }
  std::string key;
  key.reserve(arrow + element.size());
  key.append(pattern.substr(0, star)).append(element).append(pattern.substr(star + 1, arrow - star - 1));
  KeyEntry* e = db.FindRead(key);
  if (!e) return std::nullopt;
  char buf[LpValue::kIntBufSize];
  if (!field.empty()) {
    std::string_view v;
    if (e->val.type() != ObjType::kHash || !HashGet(e->val, field, buf, &v)) return std::nullopt;
    return std::string(v);
  }
  if (!e->val.IsString()) return std::nullopt;
  char ibuf[kInt64Chars];
  return std::string(e->val.StringView(ibuf));
}

// ---- the sort ----

struct SortItem {
  explicit SortItem(std::string_view e) : elem(e) {}
  std::string elem;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA BY: the value compared (nullopt sorts first)
};

// Redis' strtod-based score: false when trailing garbage follows, the value overflows, or it is NaN.
bool SortScore(std::string_view s, double* out) {
  std::string z(s);
  char* end;
  errno = 0;
  *out = strtod(z.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int CompareBytes(std::string_view a, std::string_view b, bool whole) {
  if (!whole) {  // strcoll in the C locale: up to the first NUL
    a = CStr(a);
    b = CStr(b);
  }
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// The elements of v in the order SORT loads them, with the dontsort range optimisation for lists and zsets:
// *start and *end are adjusted to the loaded range.
std::vector<SortItem> LoadElements(Value& v, const SortSpec& s, int64_t* start, int64_t* end) {
  std::vector<SortItem> items;
  char buf[LpValue::kIntBufSize];
  bool ranged = s.dontsort && (v.type() == ObjType::kList || v.type() == ObjType::kZset);
  if (ranged) {
    if (*end < *start) return items;
    int64_t n = *end - *start + 1;
    items.reserve(static_cast<size_t>(n));
    if (v.type() == ObjType::kList) {
      const Quicklist* ql = ListOf(v);
      int64_t from = s.desc ? static_cast<int64_t>(ql->Size()) - *start - 1 : *start;
      ql->Walk(from, !s.desc, [&](const LpValue& x) {
        items.emplace_back(x.AsString(buf));
        return static_cast<int64_t>(items.size()) < n;
      });
    } else {
      for (const ZItem& it : ZsetRangeByRank(v, *start, *end, s.desc)) items.emplace_back(it.Text(buf));
    }
    *end -= *start;
    *start = 0;
    return items;
  }
  switch (v.type()) {
    case ObjType::kList:
      ListOf(v)->Walk(0, true, [&](const LpValue& x) {
        items.emplace_back(x.AsString(buf));
        return true;
      });
      break;
    case ObjType::kSet:
      SetForEach(v, [&](const SetMember& m) { items.emplace_back(m.ToString()); });
      break;
    default:
      ZsetForEach(v, [&](const ZItem& it) { items.emplace_back(it.Text(buf)); });
      break;
  }
  return items;
}

// Sorts items as the spec asks; false when a score is not a number.
bool SortItems(Db& db, const SortSpec& s, std::vector<SortItem>& items) {
  bool numbers_ok = true;
  for (SortItem& it : items) {
    std::optional<std::string> by;
    if (s.by) {
      by = LookupByPattern(db, *s.by, it.elem);
      if (!by) continue;
    }
    if (s.alpha) {
      if (s.by) it.cmp = std::move(by);
    } else if (!SortScore(by ? *by : it.elem, &it.score)) {
      numbers_ok = false;
    }
  }
  if (!numbers_ok) return false;
  bool whole = s.store.has_value();
  auto compare = [&](const SortItem& a, const SortItem& b) {
    int c;
    if (!s.alpha) {
      c = a.score > b.score ? 1 : a.score < b.score ? -1 : CompareBytes(a.elem, b.elem, true);
    } else if (s.by) {
      if (!a.cmp || !b.cmp)
        c = a.cmp.has_value() == b.cmp.has_value() ? 0 : a.cmp ? 1 : -1;
      else
        c = CompareBytes(*a.cmp, *b.cmp, whole);
    } else {
      c = CompareBytes(a.elem, b.elem, whole);
    }
    return (s.desc ? -c : c) < 0;
  };
  std::stable_sort(items.begin(), items.end(), compare);
  return true;
}

// ---- the command ----

void SortGeneric(Client& c, CmdArgs args, bool readonly) {
  SortSpec s;
  if (!ParseSort(c, args, readonly, &s)) return;
  Db& db = c.db();
  KeyEntry* e = db.FindRead(args[1]);
  if (e && e->val.type() != ObjType::kList && e->val.type() != ObjType::kSet && e->val.type() != ObjType::kZset)
    return c.reply.Error(err::kWrongType);
  // An unsorted set is sorted ALPHA when stored, so the result does not depend on the hash order.
  if (e && s.dontsort && e->val.type() == ObjType::kSet && s.store) {
    s.dontsort = false;
    s.alpha = true;
    s.by.reset();
  }
  std::vector<SortItem> items;
  int64_t start = 0, end = -1;
  if (e) {
    if (e->val.type() == ObjType::kZset) ZsetConvertToSkiplist(e->val);
    int64_t len = static_cast<int64_t>(e->val.type() == ObjType::kList  ? ListOf(e->val)->Size()
                                       : e->val.type() == ObjType::kSet ? SetSize(e->val)
                                                                        : ZsetSize(e->val));
    start = s.limit_start < 0 ? 0 : s.limit_start;
    end = s.limit_count < 0 ? len - 1 : start + s.limit_count - 1;
    if (start >= len) {
      start = len - 1;
      end = len - 2;
    }
    if (end >= len) end = len - 1;
    items = LoadElements(e->val, s, &start, &end);
    if (!s.dontsort && !SortItems(db, s, items))
      return c.reply.Error("ERR One or more scores can't be converted into double");
  }
  size_t picked = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  size_t per = s.gets.empty() ? 1 : s.gets.size();
  if (!s.store) {
    c.reply.Array(picked * per);
    for (size_t i = 0; i < picked; ++i) {
      const std::string& elem = items[static_cast<size_t>(start) + i].elem;
      if (s.gets.empty()) c.reply.Bulk(elem);
      for (std::string_view g : s.gets) {
        std::optional<std::string> v = LookupByPattern(db, g, elem);
        if (v)
          c.reply.Bulk(*v);
        else
          c.reply.Null();
      }
    }
    return;
  }
  Value list = NewListValue();
  Quicklist* ql = ListOf(list);
  for (size_t i = 0; i < picked; ++i) {
    const std::string& elem = items[static_cast<size_t>(start) + i].elem;
    if (s.gets.empty()) ql->Push(ListWhere::kTail, elem);
    for (std::string_view g : s.gets) ql->Push(ListWhere::kTail, LookupByPattern(db, g, elem).value_or(""));
  }
  size_t stored = picked * per;
  if (stored > 0) {
    db.Set(*s.store, std::move(list));
    NotifyKeyspaceEvent(kNotifyList, "sortstore", *s.store, c.db_index());
    Srv().stats.dirty += stored;
  } else if (db.Delete(*s.store)) {
    NotifyKeyspaceEvent(kNotifyGeneric, "del", *s.store, c.db_index());
    ++Srv().stats.dirty;
  }
  c.reply.Int(static_cast<int64_t>(stored));
}

void SortCmd(Client& c, CmdArgs args) { SortGeneric(c, args, false); }
void SortRoCmd(Client& c, CmdArgs args) { SortGeneric(c, args, true); }

// SORT's keys: the sorted key, and the destination of the last STORE (skipping LIMIT/GET/BY arguments).
bool SortKeys(CmdArgs argv, std::vector<KeyRef>* out) {
  if (argv.size() < 2) return false;
  out->push_back({1, 0});
  std::optional<size_t> store;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (Is(argv[i], "LIMIT"))
      i += 2;
    else if (Is(argv[i], "GET") || Is(argv[i], "BY"))
      i += 1;
    else if (Is(argv[i], "STORE") && i + 1 < argv.size())
      store = i + 1;
  }
  if (store) out->push_back({*store, 2});
  return true;
}

constexpr CommandRow kRows[] = {
    {"sort", -2, "write denyoom movablekeys", 1, 1, 1, "@write @set @sortedset @list @slow @dangerous", SortCmd, "RO access | RO access | OW update", "key BY=pattern:pattern? LIMIT=offset_count{offset:integer count:integer}? GET=pattern:pattern+...? order(ASC|DESC)? ALPHA? STORE=destination:key?", "1.0.0", "Sorts the elements of a list, set or sorted set, optionally storing the result", SortKeys},
    {"sort_ro", -2, "readonly movablekeys", 1, 1, 1, "@read @set @sortedset @list @slow @dangerous", SortRoCmd, "RO access | RO access", "key BY=pattern:pattern? LIMIT=offset_count{offset:integer count:integer}? GET=pattern:pattern+...? order(ASC|DESC)? ALPHA?", "7.0.0", "Sorts the elements of a list, set or sorted set (read-only variant)", SortKeys},
};

}  // namespace

void RegisterSortFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
