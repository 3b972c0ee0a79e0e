// The one place for Redis' error texts. Each constant is the reply without the leading '-' and CRLF.
#pragma once
#include <string_view>

namespace corvid::err {

inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '{}' command";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotSet =
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
    "configuration is correct?";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kNoPermDebug =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the "
    "server.";
inline constexpr std::string_view kNoPermModule =
    "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the "
    "server.";
inline constexpr std::string_view kModuleLoad = "ERR Error loading the extension. Please check the server logs.";
inline constexpr std::string_view kModuleUnloadNoSuch = "ERR Error unloading module: no such module with that name";
inline constexpr std::string_view kMigrateKeysNeedEmptyKey =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
inline constexpr std::string_view kMigrateConnect = "IOERR error or timeout connecting to the client";
inline constexpr std::string_view kMigrateWrite = "IOERR error or timeout writing to target instance";
inline constexpr std::string_view kMigrateRead = "IOERR error or timeout reading to target instance";
inline constexpr std::string_view kClusterDisabled = "ERR This instance has cluster support disabled";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
// EXEC refused at run time (the argument is the refusal, e.g. kOom): the transaction is discarded.
inline constexpr std::string_view kExecAbortBecause = "EXECABORT Transaction discarded because of: {}";
inline constexpr std::string_view kUnsupportedProtoHello = "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kLoading = "LOADING Redis is loading the dataset in memory";
// Replicas: a write on a read-only replica; a command that needs fresh data while the master link is down.
inline constexpr std::string_view kReadonlyReplica = "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kMasterDown =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kInvalidMasterPort = "ERR Invalid master port";
inline constexpr std::string_view kReplicaofCluster = "ERR REPLICAOF not allowed in cluster mode.";
inline constexpr std::string_view kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that "
    "may modify the data set are disabled, because this instance is configured to report errors during writes if RDB "
    "snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";
inline constexpr std::string_view kAofMisconf = "MISCONF Errors writing to the AOF file: {}";  // fmt: strerror
inline constexpr std::string_view kBgsaveOtherChild =
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule "
    "a BGSAVE whenever possible.";
inline constexpr std::string_view kBgrewriteInProgress = "ERR Background append only file rewriting already in progress";
inline constexpr std::string_view kBgrewriteFailed =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kBadDumpPayload = "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormat = "ERR Bad data format";

// ACL (src/acl, src/commands/acl_family.cc). Rule errors are the text after "modifier '<rule>': ".
inline constexpr std::string_view kAclSetuserModifier = "ERR Error in ACL SETUSER modifier '{}': {}";
inline constexpr std::string_view kAclSyntax = "Syntax error";
inline constexpr std::string_view kAclWrongFormat = "Wrong format";
inline constexpr std::string_view kAclUnknownCommand = "Unknown command or category name in ACL";
inline constexpr std::string_view kAclKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try "
    "'resetkeys' to start with an empty list of patterns";
inline constexpr std::string_view kAclChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. "
    "Try 'resetchannels' to start with an empty list of channels";
inline constexpr std::string_view kAclNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
inline constexpr std::string_view kAclBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
inline constexpr std::string_view kAclFirstArgOfSub = "Allowing first-arg of a subcommand is not supported";
inline constexpr std::string_view kAclDuplicateUser = "Duplicate user found. A user can only be defined once in config files";
inline constexpr std::string_view kAclUsernameSpaces = "ERR Usernames can't contain spaces or null characters";
inline constexpr std::string_view kAclUnmatchedParen = "ERR Unmatched parenthesis in acl selector starting at '{}'.";
inline constexpr std::string_view kAclDeleteDefault = "ERR The 'default' user cannot be removed";
inline constexpr std::string_view kAclNoFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
    "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to "
    "store users in the Redis configuration.";
inline constexpr std::string_view kAclSaveFailed =
    "ERR There was an error trying to save the ACLs. Please check the server logs for more information";
inline constexpr std::string_view kAclUnknownCategory = "ERR Unknown category '{}'";
inline constexpr std::string_view kAclGenpassBits =
    "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096";
inline constexpr std::string_view kAclDryrunNoUser = "ERR User '{}' not found";
inline constexpr std::string_view kAclDryrunNoCommand = "ERR Command '{}' not found";
inline constexpr std::string_view kAclDryrunCommand = "This user has no permissions to run the '{}' command";
inline constexpr std::string_view kAclDryrunKey = "This user has no permissions to access the '{}' key";
inline constexpr std::string_view kAclDryrunChannel = "This user has no permissions to access the '{}' channel";
inline constexpr std::string_view kNoSuchUser = "ERR No such user '{}'";
inline constexpr std::string_view kNoPermCommand = "NOPERM this user has no permissions to run the '{}' command";
inline constexpr std::string_view kNoPermKey = "NOPERM this user has no permissions to access one of the keys used as arguments";
inline constexpr std::string_view kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
// EXEC re-checks queued commands; {} = one of the three reasons below.
inline constexpr std::string_view kNoPermExec =
    "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is "
    "no longer allowed for the following reason: {}";
inline constexpr std::string_view kNoPermExecCommand = "no permission to execute the command or subcommand";
inline constexpr std::string_view kNoPermExecKey = "no permission to touch the specified keys";
inline constexpr std::string_view kNoPermExecChannel = "no permission to access one of the channels used as arguments";
// redis.call / pcall refused by ACL (raised as script errors).
inline constexpr std::string_view kScriptNoPermCommand = "The user executing the script can't run this command or subcommand";
inline constexpr std::string_view kScriptNoPermKey =
    "The user executing the script can't access at least one of the keys mentioned in the command arguments";
inline constexpr std::string_view kScriptNoPermChannel =
    "The user executing the script can't publish to the channel mentioned in the command";
// Config file `user` lines and start-up (fatal; {} = the word named, the rule error).
inline constexpr std::string_view kAclUserDeclaration = "Error in user declaration '{}': {}";
inline constexpr std::string_view kAclUsernameSpacesConfig = "Spaces not allowed in ACL usernames";
inline constexpr std::string_view kAclCriticalLoad = "Critical error while loading ACLs. Exiting.";
inline constexpr std::string_view kAclStartupAbort = "Aborting Redis startup because of ACL errors: {}";
// ACL LOAD (the ACL file's problems, concatenated; {} = file name, line number, ...).
inline constexpr std::string_view kAclFileOpen = "Error loading ACLs, opening file '{}': {}";
inline constexpr std::string_view kAclFileNoUser = "{}:{} should start with user keyword followed by the username. ";
inline constexpr std::string_view kAclFileBadName = "'{}:{}: username '{}' contains invalid characters. ";
inline constexpr std::string_view kAclFileDuplicate = "WARNING: Duplicate user '{}' found on line {}. ";
inline constexpr std::string_view kAclFileUnmatchedParen = "{}:{}: Unmatched parenthesis in selector definition.";
inline constexpr std::string_view kAclFileRule = "{}:{}: {}. ";
inline constexpr std::string_view kAclFileNoChange =
    "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
inline constexpr std::string_view kAclUsersAndFile =
    "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This "
    "setup is very likely to lead to configuration errors and security holes, please define either an ACL file or "
    "declare users directly in your redis.conf, but not both.";

// Protocol errors (the connection is closed after these are sent).
inline constexpr std::string_view kProtoInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kProtoInvalidBulk = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kProtoTooBigMbulk = "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kProtoTooBigBulk = "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kProtoTooBigInline = "ERR Protocol error: too big inline request";
inline constexpr std::string_view kProtoUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
inline constexpr std::string_view kProtoExpectedDollar = "ERR Protocol error: expected '$', got '{}'";

// Formats with fmt: the {} is the command name as the client sent it (Redis keeps its case).
inline constexpr std::string_view kUnknownCommand = "ERR unknown command '{}', with args beginning with: {}";
inline constexpr std::string_view kWrongArity = "ERR wrong number of arguments for '{}' command";
inline constexpr std::string_view kUnknownSubcommand = "ERR unknown subcommand '{}'. Try {} HELP.";
// {} = the subcommand as typed, then the command in upper case.
inline constexpr std::string_view kSubcommandSyntax =
    "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.";

// Bitmaps, HyperLogLog, geo.
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitposBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNot = "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
inline constexpr std::string_view kBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view kHllWrongType = "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kHllInvalid = "INVALIDOBJ Corrupted HLL object detected";
// Scripting and functions.
inline constexpr std::string_view kBusyEval =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
    "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
inline constexpr std::string_view kScriptWriteFlagRo = "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view kNumkeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kNumkeysTooBig = "ERR Number of keys can't be greater than number of args";
// Reasons CONFIG SET gives when applying a directive fails (after "ERR CONFIG SET failed ... - ").
inline constexpr std::string_view kConfigListen = "Unable to listen on this port. Check server logs.";
inline constexpr std::string_view kConfigAof = "Unable to turn on AOF. Check server logs.";
inline constexpr std::string_view kConfigTls = "Unable to update TLS configuration. Check server logs.";
// Replication, master side.
inline constexpr std::string_view kNoReplicas = "NOREPLICAS Not enough good replicas to write.";
inline constexpr std::string_view kReplconfRdbOnlyRange = "ERR value is out of range, value must between 0 and 1";
inline constexpr std::string_view kReplconfFilterUnsupported = "ERR Unsupported rdb-filter-only option: {}";
inline constexpr std::string_view kReplconfUnknown = "ERR Unrecognized REPLCONF option: {}";
inline constexpr std::string_view kReplconfIpTooLong =
    "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes";
inline constexpr std::string_view kSyncNoMasterLink = "NOMASTERLINK Can't SYNC while not connected with my master";
// corvid's own: a replica does not serve replicas of its own yet.
inline constexpr std::string_view kSyncChained = "ERR SYNC and PSYNC are not supported on a replica (no chained replication)";
inline constexpr std::string_view kSyncPendingOutput = "ERR SYNC and PSYNC are invalid with pending output";
inline constexpr std::string_view kReplBgsaveFailed = "ERR BGSAVE failed, replication can't continue";
inline constexpr std::string_view kWaitOnReplica =
    "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is "
    "configured to be writable (which is not the default) writes to replicas are just local and are not "
    "propagated.";
inline constexpr std::string_view kWaitTimeoutNotInt = "ERR timeout is not an integer or out of range";

}  // namespace corvid::err
