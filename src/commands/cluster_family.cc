// Cluster commands on a server without cluster mode (corvid has none; Redis with cluster-enabled no): every
// CLUSTER subcommand, READONLY, READWRITE and ASKING exist, with Redis' arities, flags and ACL categories, and
// answer "cluster support disabled" — what clients probing for a cluster (CLUSTER INFO / SLOTS) expect.
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"

namespace corvid {

namespace {

void ClusterDisabledCmd(Client& c, CmdArgs) { c.reply.Error(err::kClusterDisabled); }

constexpr CommandRow kRows[] = {
    {"cluster", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "3.0.0", "Container of the cluster commands"},
    {"cluster|addslots", -3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "slot:integer...", "3.0.0", "Assigns hash slots to the node"},
    {"cluster|addslotsrange", -4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "start-slot_end-slot{start-slot:integer end-slot:integer}...", "7.0.0", "Assigns ranges of hash slots to the node"},
    {"cluster|bumpepoch", 2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "", "3.0.0", "Advances the node's config epoch"},
    {"cluster|count-failure-reports", 3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "node-id", "3.0.0", "Counts the failure reports about a node"},
    {"cluster|countkeysinslot", 3, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "slot:integer", "3.0.0", "Counts the keys in a hash slot"},
    {"cluster|delslots", -3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "slot:integer...", "3.0.0", "Unassigns hash slots from the node"},
    {"cluster|delslotsrange", -4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "start-slot_end-slot{start-slot:integer end-slot:integer}...", "7.0.0", "Unassigns ranges of hash slots from the node"},
    {"cluster|failover", -2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "options(FORCE|TAKEOVER)?", "3.0.0", "Makes a replica node take over its master"},
    {"cluster|flushslots", 2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "", "3.0.0", "Unassigns every hash slot from the node"},
    {"cluster|forget", 3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "node-id", "3.0.0", "Removes a node from the node table"},
    {"cluster|getkeysinslot", 4, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "slot:integer count:integer", "3.0.0", "Lists key names in a hash slot"},
    {"cluster|help", 2, "loading stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "5.0.0", "Shows helpful text about the different subcommands"},
    {"cluster|info", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "3.0.0", "Returns information about the cluster's state"},
    {"cluster|keyslot", 3, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "key:string", "3.0.0", "Returns the hash slot of a key"},
    {"cluster|links", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "7.0.0", "Lists the cluster bus links"},
    {"cluster|meet", -4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "ip port:integer cluster_bus_port:integer?", "3.0.0", "Joins the node to a cluster"},
    {"cluster|myid", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "3.0.0", "Returns the node's ID"},
    {"cluster|nodes", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "3.0.0", "Returns the cluster configuration as the node sees it"},
    {"cluster|replicas", 3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "node-id", "5.0.0", "Lists the replicas of a master node"},
    {"cluster|replicate", 3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "node-id", "3.0.0", "Makes the node a replica of a master"},
    {"cluster|reset", -2, "admin noscript stale", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "hard_soft(HARD|SOFT)?", "3.0.0", "Resets the node"},
    {"cluster|saveconfig", 2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "", "3.0.0", "Saves the cluster configuration to disk"},
    {"cluster|set-config-epoch", 3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "config-epoch:integer", "3.0.0", "Sets the config epoch of a new node"},
    {"cluster|setslot", -4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "slot:integer subcommand(IMPORTING=node-id|MIGRATING=node-id|NODE=node-id|STABLE)", "3.0.0", "Binds a hash slot to a node"},
    {"cluster|shards", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "7.0.0", "Returns the mapping of shards to nodes"},
    {"cluster|slaves", 3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", ClusterDisabledCmd, "", "node-id", "3.0.0", "Lists the replicas of a master node"},
    {"cluster|slots", 2, "stale", 0, 0, 0, "@slow", ClusterDisabledCmd, "", "", "3.0.0", "Returns the mapping of hash slots to nodes"},
    {"readonly", 1, "loading stale fast", 0, 0, 0, "@fast @connection", ClusterDisabledCmd, "", "", "3.0.0", "Enables reads from a cluster replica"},
    {"readwrite", 1, "loading stale fast", 0, 0, 0, "@fast @connection", ClusterDisabledCmd, "", "", "3.0.0", "Disables reads from a cluster replica"},
    {"asking", 1, "fast", 0, 0, 0, "@fast @connection", ClusterDisabledCmd, "", "", "3.0.0", "Signals that the next command follows an -ASK redirection"},
};

}  // namespace

void RegisterClusterFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
