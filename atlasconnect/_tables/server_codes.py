"""MongoDB server error codes a connection, a login or a first command can meet.

Sources:

- ``CODES``: ``src/mongo/base/error_codes.yml`` of the mongodb/mongo repository at
  commit 007ba93486927dc7162c9b0f9d719e86b87fd8fe (read whole, 37,098 characters):
  every code of the groups below, with its name and its ``categories`` exactly as
  the file spells them. Codes are stable across server versions: a code is never
  reused, only marked ``OBSOLETE_``, so the names hold for the MongoDB 4.4 to 8.x
  servers Atlas runs. Groups: authentication, authorization, the ``NotPrimaryError``
  and ``ShutdownError`` categories and the rest of the replication states, the
  server's own network errors, time limits, quotas and limits, wire protocol and
  Stable API compatibility, and the options a first command can get wrong.
- Three codes pymongo names that the file does not: 8000 (``AtlasError``, the
  ``codeName`` Atlas's proxy answers with; the file reserves 4000-8999), and
  16547 and 16548, the legacy assertion codes of ``pymongo.common.UNAUTHORIZED_CODES``.
  Their ``source`` says so.
- ``ATLAS_TEXTS``: the texts Atlas's proxy sends with code 8000, each with the
  public issue thread it was read in (``url``).
- ``PYMONGO_TEXTS``: pymongo's own words when a server is too old or too new for
  it, or cannot run what it was asked: ``pymongo/topology_description.py``,
  ``pymongo/synchronous/mongo_client.py`` and ``client_session.py`` of
  mongodb/mongo-python-driver at commit ebc4bffcc842464e48a3edbd04802d1a42bc818a
  (the same texts at tag 3.13.0, commit f30e40a0a1fa55dc291514bdfed34b06eeaa0f73).

Checked against pymongo 4.13.0 and 4.20.1: every code of their
``helpers_shared._NOT_PRIMARY_CODES``, ``_SHUTDOWN_CODES``, ``_RETRYABLE_ERROR_CODES``,
``client_session_shared._UNKNOWN_COMMIT_ERROR_CODES``, ``common.UNAUTHORIZED_CODES``,
``common.COMMAND_NOT_FOUND_CODES`` and the single codes ``_AUTHENTICATION_FAILURE_CODE``
and ``_REAUTHENTICATION_REQUIRED_CODE`` is a row (``tests/test_tables.py``). The
cursor codes of ``cursor_shared._CURSOR_CLOSED_ERRORS`` are left out: they end a
cursor, not a connection.

``family`` is atlasconnect's word for what to do about a code: ``authentication``
(the login was refused), ``authorization`` (the user is known but lacks a role),
``no_primary`` (the member is not, or no longer, the primary), ``unreachable`` (a
network failure, inside the cluster or to it), ``configuration`` (an option or a
command is wrong), ``compatibility`` (driver and server versions do not fit),
``quota`` (a limit of the cluster or its tier) and ``server_state`` (the server is
busy, shutting down or in a state that passes).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = [
    "ATLAS_TEXTS",
    "CODES",
    "PYMONGO_TEXTS",
    "AtlasText",
    "PymongoText",
    "ServerCode",
    "atlas_text",
]

ServerFamily = Literal[
    "authentication",
    "authorization",
    "no_primary",
    "unreachable",
    "configuration",
    "compatibility",
    "quota",
    "server_state",
]


class ServerCode(NamedTuple):
    """One error code, as the server sends it in ``code`` and ``codeName``."""

    code: int
    name: str | None
    """The name as ``error_codes.yml`` spells it (the ``codeName``); None when none names it."""
    categories: tuple[str, ...]
    """The ``categories`` of ``error_codes.yml``, in its order."""
    family: ServerFamily
    meaning: str
    fix: str
    source: Literal["error_codes.yml", "atlas", "pymongo"] = "error_codes.yml"


_NP = ("NotPrimaryError", "RetriableError")
_SHUTDOWN = ("ShutdownError", "CancellationError", "RetriableError")
_ACCESS = "Security > Database Access"
_STATUS = (
    "check the cluster in Atlas (its status, and the Activity Feed under Project > Activity "
    "Feed for a restart or maintenance)"
)
_RETRY = (
    "keep retryWrites=true and retryReads=true (pymongo's defaults) so that the operation is "
    "retried once on the new primary"
)

_ROWS = (
    # Authentication.
    ServerCode(
        11,
        "UserNotFound",
        (),
        "authentication",
        "the user name is not a database user in the database used for the login (authSource).",
        f"check the user name against {_ACCESS} in Atlas (the login of the Atlas website is "
        "not a database user) and use authSource=admin, where Atlas keeps every database user.",
    ),
    ServerCode(
        18,
        "AuthenticationFailed",
        (),
        "authentication",
        "the server refused the user name or the password.",
        f"check that the user is listed under {_ACCESS} in Atlas and that the password is its "
        "own (edit the user and set a new one if unsure); percent-encode special characters of "
        "the password with urllib.parse.quote_plus; use authSource=admin or leave it out.",
    ),
    ServerCode(
        69,
        "AuthSchemaIncompatible",
        (),
        "authentication",
        "the server's stored users are in a format this login method cannot use.",
        "use the default mechanism (leave authMechanism out, or SCRAM-SHA-256); Atlas clusters "
        "store every password user in the current format.",
    ),
    ServerCode(
        214,
        "AuthenticationRestrictionUnmet",
        (),
        "authentication",
        "the user may log in only from some client addresses or to some server addresses, "
        "and this connection is not one of them.",
        "remove or widen the user's authentication restrictions (clientSource, serverAddress) "
        "with the updateUser command, or connect from an allowed address; Atlas's own user "
        f"editor ({_ACCESS}) sets none.",
    ),
    ServerCode(
        334,
        "MechanismUnavailable",
        (),
        "authentication",
        "the server does not offer the login mechanism the client asked for.",
        "remove authMechanism from the connection string so that pymongo negotiates one, or "
        "use one Atlas supports (SCRAM-SHA-256, SCRAM-SHA-1, MONGODB-X509, MONGODB-AWS, "
        "MONGODB-OIDC) and the matching user type under Security > Database Access.",
    ),
    ServerCode(
        391,
        "ReauthenticationRequired",
        (),
        "authentication",
        "the server's login token expired and the client must log in again (MONGODB-OIDC).",
        "nothing for a current pymongo, which logs in again by itself; if it persists, check "
        "that the OIDC callback returns a fresh token and upgrade pymongo.",
    ),
    ServerCode(
        392,
        "InvalidJWT",
        (),
        "authentication",
        "the OIDC token the client sent is malformed, expired or not signed by the identity "
        "provider the cluster trusts.",
        "check the identity provider configured in Atlas (Organization > Federation "
        "Management) and that the OIDC callback returns a current access token for it.",
    ),
    # Authorization.
    ServerCode(
        13,
        "Unauthorized",
        (),
        "authorization",
        "the login worked, but the user's roles do not allow this command on this database "
        "(or the client has not logged in at all: 'command X requires authentication').",
        f"in Atlas, edit the user under {_ACCESS} and give it a role that allows the command "
        "(readWrite on the database, or readWriteAnyDatabase); if the text says 'requires "
        "authentication', put the user name and password in the connection string.",
    ),
    ServerCode(
        16547,
        None,
        (),
        "authorization",
        "a legacy assertion code (MongoDB 2.x) for an index build the user may not run; "
        "pymongo counts it as an authorization failure.",
        f"give the user a role that may create indexes (readWrite or dbAdmin) under {_ACCESS}.",
        "pymongo",
    ),
    ServerCode(
        16548,
        None,
        (),
        "authorization",
        "a legacy assertion code (MongoDB 2.x) for a write the user may not run; pymongo "
        "counts it as an authorization failure.",
        f"give the user a role that may write (readWrite) under {_ACCESS}.",
        "pymongo",
    ),
    ServerCode(
        404,
        "LDAPRoleAcquisitionError",
        (),
        "authorization",
        "the server could not read the user's roles from the LDAP directory.",
        "check the LDAP authorization settings of the project (Security > Advanced > LDAP) "
        "and that the directory answers; users of the default password login are not affected.",
    ),
    # Replication state: the NotPrimaryError category and its neighbours.
    ServerCode(
        189,
        "PrimarySteppedDown",
        _NP,
        "no_primary",
        "the primary stepped down while the operation ran (an election, a failover or Atlas "
        "maintenance).",
        f"{_RETRY}; a failover takes seconds. If it repeats, {_STATUS}.",
    ),
    ServerCode(
        10058,
        "LegacyNotPrimary",
        (),
        "no_primary",
        "MongoDB 3.2 and older's 'not master': the member is not the primary.",
        "connect with the mongodb+srv:// string Atlas shows (Database > Connect > Drivers), "
        "which follows the primary; a server this old is not an Atlas cluster.",
    ),
    ServerCode(
        10107,
        "NotWritablePrimary",
        _NP,
        "no_primary",
        "the member that received a write is not the primary ('not primary', 'not master').",
        "connect to the whole replica set, not one member: use the mongodb+srv:// string "
        "Atlas shows (Database > Connect > Drivers) and do not set directConnection=true; "
        f"{_RETRY}.",
    ),
    ServerCode(
        11602,
        "InterruptedDueToReplStateChange",
        ("Interruption", "NotPrimaryError", "RetriableError"),
        "no_primary",
        "the operation was stopped because the member changed state (it stepped down or up).",
        f"{_RETRY}; if it repeats, {_STATUS}.",
    ),
    ServerCode(
        13435,
        "NotPrimaryNoSecondaryOk",
        _NP,
        "no_primary",
        "the member is a secondary and the read did not allow secondaries ('not master and "
        "slaveOk=false').",
        "connect to the whole replica set with the mongodb+srv:// string Atlas shows, or, to "
        "read from secondaries on purpose, add readPreference=secondaryPreferred.",
    ),
    ServerCode(
        13436,
        "NotPrimaryOrSecondary",
        _NP,
        "no_primary",
        "the member is neither primary nor secondary: it is starting, recovering or being "
        "removed ('node is recovering').",
        f"wait for the member to finish recovering; {_RETRY}; if it lasts, {_STATUS}.",
    ),
    ServerCode(
        94,
        "NotYetInitialized",
        (),
        "no_primary",
        "the replica set has not been initiated, so no member can be primary.",
        "for a self-managed set, run rs.initiate() once in mongosh; an Atlas cluster is "
        "initiated by Atlas: wait until the cluster shows as ready.",
    ),
    ServerCode(
        95,
        "NotSecondary",
        (),
        "no_primary",
        "the command needs a secondary and the member is not one.",
        "run the command against a secondary (readPreference=secondary) or leave it to Atlas; "
        "application code seldom needs it.",
    ),
    ServerCode(
        76,
        "NoReplicationEnabled",
        (),
        "configuration",
        "the server is a standalone server, not a member of a replica set.",
        "remove replicaSet= from the connection string if this server is the one you meant; "
        "every Atlas cluster is a replica set, so compare the host with the one Atlas shows.",
    ),
    ServerCode(
        123,
        "NotAReplicaSet",
        (),
        "configuration",
        "a replica-set command reached a server that is not a member of a replica set.",
        "check the host against the connection string Atlas shows (Database > Connect > "
        "Drivers); remove replicaSet= for a standalone server.",
    ),
    ServerCode(
        71,
        "ReplicaSetNotFound",
        (),
        "configuration",
        "the replica set named in the request is not known to the server.",
        "copy the replicaSet= value from the connection string Atlas shows, or use its "
        "mongodb+srv:// string, which sets it for you.",
    ),
    ServerCode(
        108,
        "InconsistentReplicaSetNames",
        (),
        "configuration",
        "the members disagree on the replica set's name.",
        "copy the connection string from Atlas again (Database > Connect > Drivers); mixed "
        "hosts of two clusters in one string look like this.",
    ),
    ServerCode(
        93,
        "InvalidReplicaSetConfig",
        (),
        "server_state",
        "the replica set's configuration is invalid; the set cannot elect a primary until it "
        "is fixed.",
        "on Atlas, open a support case; for a self-managed set, fix the configuration with "
        "rs.reconfig() in mongosh.",
    ),
    ServerCode(
        133,
        "FailedToSatisfyReadPreference",
        (),
        "no_primary",
        "no member matches the read preference (no primary, or no secondary with the tags "
        "asked for).",
        "wait for the election to finish and retry; check readPreference and "
        f"readPreferenceTags against the members the cluster has; {_STATUS}.",
    ),
    ServerCode(
        216,
        "ElectionInProgress",
        (),
        "no_primary",
        "the replica set is electing a primary.",
        f"retry after a few seconds; {_RETRY}.",
    ),
    ServerCode(
        134,
        "ReadConcernMajorityNotAvailableYet",
        ("RetriableError",),
        "server_state",
        "the member cannot yet serve majority-committed reads (it has just started or "
        "become primary).",
        "retry after a few seconds; pymongo retries it once with retryReads=true (its default).",
    ),
    ServerCode(
        164,
        "InitialSyncActive",
        (),
        "server_state",
        "the member is copying the data set from another member (initial sync) and cannot "
        "serve this yet.",
        "use the other members meanwhile: connect with the mongodb+srv:// string Atlas "
        "shows; the member rejoins when the sync is done.",
    ),
    ServerCode(
        64,
        "WriteConcernTimeout",
        ("WriteConcernError",),
        "server_state",
        "the write was applied on the primary but not confirmed by enough members within "
        "wtimeoutMS.",
        "check replication lag in Atlas (cluster > Metrics > Replication Lag); raise "
        "wTimeoutMS or leave it out; the write itself was not undone.",
    ),
    ServerCode(
        79,
        "UnknownReplWriteConcern",
        ("WriteConcernError",),
        "configuration",
        "the write concern names a tag set (w='name') the replica set does not define.",
        "use w=majority (Atlas's default) or a number of members, not a custom name.",
    ),
    ServerCode(
        100,
        "UnsatisfiableWriteConcern",
        ("WriteConcernError",),
        "configuration",
        "the write concern asks for more members than the replica set has (or can vote).",
        "use w=majority instead of a number; an Atlas cluster of three members cannot "
        "acknowledge w=4.",
    ),
    # Shutdown: the ShutdownError category.
    ServerCode(
        91,
        "ShutdownInProgress",
        _SHUTDOWN,
        "server_state",
        "the server is shutting down (a restart, an upgrade, Atlas maintenance or a paused "
        "cluster).",
        f"{_RETRY}; if the cluster stays down, {_STATUS} and Resume it if it is paused.",
    ),
    ServerCode(
        11600,
        "InterruptedAtShutdown",
        ("Interruption", "ShutdownError", "CancellationError", "RetriableError"),
        "server_state",
        "the operation was stopped because the server is shutting down.",
        f"{_RETRY}; if the cluster stays down, {_STATUS} and Resume it if it is paused.",
    ),
    ServerCode(
        333,
        "ServiceExecutorInShutdown",
        ("ShutdownError", "CancellationError", "InternalOnly"),
        "server_state",
        "the server stopped accepting work because it is shutting down (an internal code a "
        "client should not see, but may find in a log).",
        f"retry after the restart; {_STATUS}.",
    ),
    # The server's own network errors (inside the cluster, or back to the client).
    ServerCode(
        6,
        "HostUnreachable",
        ("NetworkError", "RetriableError"),
        "unreachable",
        "the server could not reach another member or shard it needed (a network failure "
        "inside the cluster).",
        f"{_RETRY}; if it repeats, {_STATUS}.",
    ),
    ServerCode(
        7,
        "HostNotFound",
        ("NetworkError", "RetriableError"),
        "unreachable",
        "the server could not find another member or shard it needed.",
        f"{_RETRY}; if it repeats, {_STATUS}.",
    ),
    ServerCode(
        89,
        "NetworkTimeout",
        ("NetworkError", "RetriableError", "NetworkTimeoutError"),
        "unreachable",
        "a network operation inside the cluster timed out.",
        f"{_RETRY}; if it repeats, {_STATUS}.",
    ),
    ServerCode(
        9001,
        "SocketException",
        ("NetworkError", "RetriableError"),
        "unreachable",
        "a connection between the server and another member, a shard, or this client broke.",
        f"{_RETRY}; if it repeats, check the network between this machine and Atlas (a proxy "
        "or firewall that cuts idle connections) and lower maxIdleTimeMS.",
    ),
    ServerCode(
        202,
        "NetworkInterfaceExceededTimeLimit",
        ("ExceededTimeLimitError", "NetworkTimeoutError"),
        "unreachable",
        "the server waited too long for another member or shard to answer.",
        f"retry; if it repeats, {_STATUS} and look for a slow shard or member in its Metrics.",
    ),
    ServerCode(
        141,
        "SSLHandshakeFailed",
        (),
        "unreachable",
        "a TLS handshake the server made (to another member, or from this client) failed.",
        "compare the client's TLS versions with the cluster's minimum TLS version (Atlas: "
        "cluster > Additional Settings); connect with tls=true and the host names Atlas shows.",
    ),
    ServerCode(
        140,
        "InvalidSSLConfiguration",
        (),
        "configuration",
        "the server's TLS settings are invalid.",
        "on Atlas, open a support case; for a self-managed server, check its net.tls settings.",
    ),
    ServerCode(
        279,
        "ClientDisconnect",
        ("Interruption",),
        "unreachable",
        "the server stopped the operation because this client's connection closed.",
        "look on the client side for what closed it: a socketTimeoutMS or timeoutMS that "
        "expired, a killed process, or a proxy that cuts long requests.",
    ),
    ServerCode(
        303,
        "SplitHorizonChange",
        ("CloseConnectionError",),
        "unreachable",
        "the server's address for this client changed (split horizon), so it closed the "
        "connection.",
        "retry: pymongo opens a new connection; use the host names Atlas shows (private "
        "endpoint or public) consistently.",
    ),
    ServerCode(
        354,
        "LoadBalancerSupportMismatch",
        ("CloseConnectionError",),
        "configuration",
        "loadBalanced=true is set but the server is not behind a load balancer, or the reverse.",
        "use the connection string Atlas shows for this endpoint: loadBalanced=true only for "
        "a serverless instance or a private endpoint to a sharded cluster that needs it.",
    ),
    ServerCode(
        56846,
        "ConfigServerUnreachable",
        (),
        "server_state",
        "a mongos of a sharded cluster could not reach the config servers.",
        f"retry after a few seconds; {_STATUS}.",
    ),
    # Time limits and interruptions.
    ServerCode(
        50,
        "MaxTimeMSExpired",
        ("Interruption", "ExceededTimeLimitError"),
        "server_state",
        "the operation ran longer than its maxTimeMS (or timeoutMS) and the server stopped it.",
        "raise max_time_ms or timeoutMS, or make the query faster (an index: see the "
        "Performance Advisor in Atlas).",
    ),
    ServerCode(
        262,
        "ExceededTimeLimit",
        ("Interruption", "ExceededTimeLimitError", "RetriableError"),
        "server_state",
        "an operation inside the cluster ran out of time.",
        "retry; pymongo retries it once with retryReads and retryWrites on (the defaults).",
    ),
    ServerCode(
        11601,
        "Interrupted",
        ("Interruption",),
        "server_state",
        "the operation was killed (killOp, or Atlas ending a long operation).",
        "retry; look in the Atlas Activity Feed or the cluster's Real Time panel for who "
        "killed it.",
    ),
    ServerCode(
        46841,
        "ClientMarkedKilled",
        ("Interruption", "CancellationError"),
        "server_state",
        "the server killed the client's operations (killSessions or a killed cursor).",
        "retry the operation; check for code that ends sessions in parallel.",
    ),
    ServerCode(
        365,
        "TemporarilyUnavailable",
        (),
        "server_state",
        "the server is too busy to run the operation now.",
        "retry with a short delay; check the cluster's Metrics in Atlas (CPU, disk, tickets) "
        "and consider a larger tier.",
    ),
    ServerCode(
        1,
        "InternalError",
        (),
        "server_state",
        "the server hit an internal error.",
        "retry; if it repeats, open a support case in Atlas with the full error text.",
    ),
    ServerCode(
        8,
        "UnknownError",
        (),
        "server_state",
        "the server reported an error it could not classify.",
        "read the rest of the error text for the cause; if it repeats, open a support case "
        "in Atlas with it.",
    ),
    ServerCode(
        371,
        "UserWritesBlocked",
        (),
        "server_state",
        "writes are blocked on this cluster (cluster-to-cluster sync, mongosync, is migrating it).",
        "wait for the migration to finish, or ask whoever runs mongosync to unblock writes.",
    ),
    # Quotas and limits.
    ServerCode(
        8000,
        "AtlasError",
        (),
        "authentication",
        "Atlas's own proxy refused the request; its text says why (most often 'bad auth : "
        "authentication failed', see ATLAS_TEXTS).",
        "read the text after the code: ATLAS_TEXTS gives the fix for each one Atlas sends.",
        "atlas",
    ),
    ServerCode(
        261,
        "TooManyLogicalSessions",
        (),
        "quota",
        "the cluster has more open sessions than it allows (1,000,000 by default).",
        "end sessions you start (use them as context managers) and reuse one MongoClient per "
        "process instead of creating one per request.",
    ),
    ServerCode(
        14031,
        "OutOfDiskSpace",
        (),
        "quota",
        "the server's disk is full.",
        "in Atlas, raise the cluster's storage (cluster > Edit Configuration) or turn on "
        "storage auto-scaling, and delete data you do not need.",
    ),
    ServerCode(
        10334,
        "BSONObjectTooLarge",
        (),
        "quota",
        "a document is larger than 16 MB, MongoDB's limit.",
        "split the document, or store large files with GridFS (gridfs.GridFSBucket).",
    ),
    ServerCode(
        146,
        "ExceededMemoryLimit",
        (),
        "quota",
        "an operation needed more memory than the server allows it.",
        "pass allowDiskUse=True to the aggregation or sort, add an index for the sort, or "
        "limit the data first.",
    ),
    ServerCode(
        292,
        "QueryExceededMemoryLimitNoDiskUseAllowed",
        (),
        "quota",
        "a sort or group needed more than 100 MB of memory and was not allowed to use disk.",
        "pass allowDiskUse=True (collection.aggregate(..., allowDiskUse=True), "
        "find().allow_disk_use(True)) or add an index that serves the sort.",
    ),
    ServerCode(
        264,
        "TooManyFilesOpen",
        (),
        "quota",
        "the server has too many files open.",
        "reduce the number of collections and indexes, or move to a larger tier in Atlas.",
    ),
    ServerCode(
        402,
        "ResourceExhausted",
        ("RetriableError",),
        "quota",
        "the server ran out of a resource it needs for the operation.",
        "retry after a short delay; check the cluster's Metrics in Atlas and consider a "
        "larger tier.",
    ),
    ServerCode(
        407,
        "PooledConnectionAcquisitionExceededTimeLimit",
        ("ExceededTimeLimitError", "RetriableError"),
        "quota",
        "a mongos waited too long for a connection to a shard.",
        "retry; reduce concurrent operations or maxPoolSize, and check the cluster's "
        "connections graph in Atlas.",
    ),
    ServerCode(
        433,
        "AdmissionQueueOverflow",
        ("SystemOverloadedError",),
        "quota",
        "the server is overloaded and refused the operation instead of queueing it.",
        "retry with a delay and send fewer operations at once; consider a larger tier.",
    ),
    ServerCode(
        449,
        "RateLimitExceeded",
        ("SystemOverloadedError",),
        "quota",
        "the client sent more requests than the server's rate limit allows.",
        "slow down: fewer operations per second, or batch them (insert_many, bulk_write).",
    ),
    ServerCode(
        450,
        "PooledConnectionAcquisitionRejected",
        ("SystemOverloadedError",),
        "quota",
        "the server is overloaded and refused to hand out another internal connection.",
        "retry with a delay and send fewer operations at once; consider a larger tier.",
    ),
    ServerCode(
        462,
        "IngressRequestRateLimitExceeded",
        ("SystemOverloadedError", "RetriableError"),
        "quota",
        "the cluster limits how fast new requests or connections arrive, and this client went "
        "over it.",
        "let pymongo retry (a current pymongo backs off by itself); open fewer connections "
        "at once: one MongoClient per process, and a lower maxConnecting.",
    ),
    ServerCode(
        184,
        "ClientMetadataAppNameTooLarge",
        (),
        "configuration",
        "the appName option is longer than 128 bytes.",
        "shorten appName in the connection string.",
    ),
    ServerCode(
        185,
        "ClientMetadataDocumentTooLarge",
        (),
        "configuration",
        "the metadata the driver sends when it connects is larger than 512 bytes.",
        "shorten appName and the driver info a wrapping library adds (DriverInfo).",
    ),
    ServerCode(
        183,
        "ClientMetadataMissingField",
        (),
        "compatibility",
        "the metadata the driver sent when it connected lacks a required field.",
        "upgrade pymongo and any library that wraps it.",
    ),
    ServerCode(
        186,
        "ClientMetadataCannotBeMutated",
        (),
        "compatibility",
        "the driver tried to send its connection metadata twice on one connection.",
        "upgrade pymongo and any library that wraps it.",
    ),
    # Wire protocol, Stable API and version compatibility.
    ServerCode(
        188,
        "IncompatibleServerVersion",
        (),
        "compatibility",
        "the members of the cluster run versions that cannot work together, or the client "
        "asked for a feature the server's version lacks.",
        "check the cluster's MongoDB version in Atlas (cluster > Edit Configuration > "
        "Additional Settings) and the features the code uses.",
    ),
    ServerCode(
        101,
        "OutdatedClient",
        (),
        "compatibility",
        "the server refuses this client because it is too old.",
        "upgrade pymongo: `python -m pip install --upgrade pymongo`.",
    ),
    ServerCode(
        352,
        "UnsupportedOpQueryCommand",
        (),
        "compatibility",
        "the client used the legacy OP_QUERY wire message, which MongoDB 5.1 and newer "
        "refuse for most commands.",
        "upgrade pymongo to 4.x (`python -m pip install --upgrade pymongo`); pymongo 3 and "
        "older tools speak OP_QUERY.",
    ),
    ServerCode(
        322,
        "APIVersionError",
        ("VersionedAPIError",),
        "compatibility",
        "the Stable API version asked for (server_api) is not one the server knows.",
        "use server_api=ServerApi('1'), the only Stable API version.",
    ),
    ServerCode(
        323,
        "APIStrictError",
        ("VersionedAPIError",),
        "compatibility",
        "the command is not part of the Stable API, and the client asked for strict=True.",
        "use ServerApi('1') without strict=True, or replace the command with one in the "
        "Stable API.",
    ),
    ServerCode(
        324,
        "APIDeprecationError",
        ("VersionedAPIError",),
        "compatibility",
        "the command is deprecated in the Stable API, and the client asked for "
        "deprecation_errors=True.",
        "replace the command, or leave deprecation_errors out of ServerApi.",
    ),
    ServerCode(
        347,
        "APIMismatchError",
        ("VersionedAPIError", "VoteAbortError"),
        "compatibility",
        "operations of one session or transaction used different Stable API settings.",
        "create every client of the application with the same server_api.",
    ),
    ServerCode(
        59,
        "CommandNotFound",
        (),
        "compatibility",
        "the server does not know the command (removed in its version, or not allowed on "
        "this Atlas tier).",
        "check the command against the cluster's MongoDB version and, on free and Flex "
        "clusters, Atlas's list of unsupported commands; upgrade the tier if it needs one.",
    ),
    ServerCode(
        115,
        "CommandNotSupported",
        (),
        "compatibility",
        "the command exists, but not in this configuration (a view, a sharded collection, "
        "this storage engine or this tier).",
        "check the command's documentation for where it may run.",
    ),
    ServerCode(
        17,
        "ProtocolError",
        (),
        "compatibility",
        "the client and the server disagree on the wire protocol.",
        "upgrade pymongo; check that the port is a MongoDB server and not a proxy that "
        "rewrites traffic.",
    ),
    ServerCode(
        223,
        "IllegalOpMsgFlag",
        ("ConnectionFatalMessageParseError",),
        "compatibility",
        "the client sent a wire message with a flag the server does not accept.",
        "upgrade pymongo and any library that builds wire messages for it.",
    ),
    ServerCode(
        233,
        "TooManyDocumentSequences",
        ("ConnectionFatalMessageParseError",),
        "compatibility",
        "the client sent a malformed wire message.",
        "upgrade pymongo and any library that builds wire messages for it.",
    ),
    ServerCode(
        288,
        "ChecksumMismatch",
        ("ConnectionFatalMessageParseError",),
        "unreachable",
        "a wire message arrived corrupted.",
        "retry; if it repeats, look for a proxy or network device that alters traffic to "
        "port 27017.",
    ),
    ServerCode(
        126,
        "RPCProtocolNegotiationFailed",
        (),
        "compatibility",
        "the client and server found no wire protocol version in common.",
        "upgrade pymongo; check the cluster's MongoDB version in Atlas.",
    ),
    ServerCode(
        40415,
        "IDLUnknownField",
        ("IDLParseError",),
        "compatibility",
        "a command carried a field the server does not know: an option newer than the "
        "server, or a typo in a command document.",
        "check the command's options against the cluster's MongoDB version, or upgrade the "
        "cluster in Atlas (cluster > Edit Configuration > Additional Settings).",
    ),
    # Options a first command can get wrong.
    ServerCode(
        2,
        "BadValue",
        (),
        "configuration",
        "an option or argument has a value the server does not accept.",
        "read the rest of the error text for the option named, and check its value.",
    ),
    ServerCode(
        9,
        "FailedToParse",
        (),
        "configuration",
        "the server could not parse a command, a query or an option value.",
        "read the rest of the error text for the part it could not parse.",
    ),
    ServerCode(
        72,
        "InvalidOptions",
        (),
        "configuration",
        "options of the command contradict each other or do not apply to it.",
        "read the rest of the error text for the options named, and remove one of them.",
    ),
    ServerCode(
        20,
        "IllegalOperation",
        (),
        "configuration",
        "the operation is not allowed here; with 'Transaction numbers are only allowed on a "
        "replica set member or mongos', a standalone server refused a retryable write.",
        "for that text, add retryWrites=false to the connection string of a standalone "
        "server (every Atlas cluster supports retryable writes: check the host).",
    ),
)

CODES: dict[int, ServerCode] = {row.code: row for row in _ROWS}
"""Every row, by code."""


class AtlasText(NamedTuple):
    """A text Atlas's proxy sends with code 8000 (``AtlasError``)."""

    words: tuple[str, ...]
    """Words that are all in the text (lower case), in the order they come."""
    family: ServerFamily
    meaning: str
    fix: str
    url: str
    """Where the text was read: a public issue thread that quotes it."""


ATLAS_TEXTS: tuple[AtlasText, ...] = (
    AtlasText(
        ("bad auth", "authentication failed"),
        "authentication",
        "Atlas refused the user name or the password of the connection string.",
        f"check that the user is listed under {_ACCESS} in Atlas (not the login of the Atlas "
        "website) and that the password is its own (edit the user and set a new one if "
        "unsure); percent-encode special characters with urllib.parse.quote_plus; use "
        "authSource=admin or leave it out.",
        "https://github.com/AbirHasan2005/PyroFilesStoreBot/issues/48",
    ),
    AtlasText(
        ("user is not allowed to do action",),
        "authorization",
        "the user logged in, but its Atlas role does not allow this action on this "
        "database or collection.",
        f"in Atlas, edit the user under {_ACCESS} and give it a built-in role that allows the "
        "action (readWrite on the database, or 'Read and write to any database'); a few "
        "administrative actions are never allowed on free and Flex clusters.",
        "https://github.com/TylerBrock/mongo-hacker/issues/200",
    ),
    AtlasText(
        ("over your space quota",),
        "quota",
        "the cluster holds as much data as its tier allows (512 MB for a free M0 cluster), "
        "so Atlas refuses writes.",
        "delete data or drop collections you do not need (reads and deletes still work), or "
        "move to a larger tier in Atlas (cluster > Edit Configuration).",
        "https://github.com/LandOfTheRair/LandOfTheRair/issues/460",
    ),
    AtlasText(
        ("cannot create a new collection", "collections of"),
        "quota",
        "the cluster has as many collections as its tier allows (500 on free and shared clusters).",
        "drop collections you do not need, keep related documents in one collection, or "
        "move to a dedicated tier (M10 or larger) in Atlas.",
        "https://github.com/Automattic/mongoose/issues/14625",
    ),
    AtlasText(
        ("no sni name sent",),
        "configuration",
        "the client did not send the server's name in the TLS handshake (SNI), and free and "
        "shared clusters route every connection by it.",
        "connect by the host names Atlas shows, not IP addresses, from a Python whose TLS "
        'library sends SNI: `python -c "import ssl; print(ssl.HAS_SNI)"` must print True; '
        "upgrade pymongo 3.3 and older.",
        "https://github.com/twisted/txmongo/issues/236",
    ),
    AtlasText(
        ("(unauthorized)", "not authorized on"),
        "authorization",
        "a command that free and shared clusters reserve for Atlas itself (replSetGetConfig, "
        "usersInfo, create on admin...) was refused, whatever the user's roles.",
        "do not run administrative commands on a free or Flex cluster: use Atlas's UI or "
        "Admin API for what they do, or move to a dedicated tier (M10 or larger).",
        "https://github.com/percona/mongodb_exporter/issues/597",
    ),
    AtlasText(
        ("not authorized on", "to execute command"),
        "authorization",
        "the user's roles do not allow this command on this database, or the cluster's tier "
        "does not allow it at all.",
        f"in Atlas, edit the user under {_ACCESS} and give it a role that allows the command; "
        "on free and Flex clusters some commands are refused for every user.",
        "https://github.com/lklepner/socket.io-adapter-mongo/issues/13",
    ),
    AtlasText(
        ("unallowed argument in",),
        "compatibility",
        "the command used an argument that free and shared clusters do not accept.",
        "remove the argument named in the text, or move to a dedicated tier (M10 or larger).",
        "https://github.com/percona/mongodb_exporter/issues/597",
    ),
)


def atlas_text(message: str) -> AtlasText | None:
    """The row of ``ATLAS_TEXTS`` whose words are all in ``message``, in order; the first wins."""
    lowered = message.lower()
    for row in ATLAS_TEXTS:
        position = 0
        for word in row.words:
            position = lowered.find(word, position)
            if position < 0:
                break
            position += len(word)
        else:
            return row
    return None


class PymongoText(NamedTuple):
    """Words pymongo itself raises when a server cannot serve it."""

    words: tuple[str, ...]
    family: ServerFamily
    meaning: str
    fix: str


PYMONGO_TEXTS: tuple[PymongoText, ...] = (
    PymongoText(
        ("reports wire version", "but this version of pymongo requires at least"),
        "compatibility",
        "the server's MongoDB version is older than this pymongo supports (the text names "
        "the oldest MongoDB version it accepts).",
        "upgrade the cluster's MongoDB version in Atlas (cluster > Edit Configuration > "
        "Additional Settings), or install a pymongo that still supports it: the error names "
        "the wire version it needs.",
    ),
    PymongoText(
        ("requires wire version", "but this version of pymongo only supports up to"),
        "compatibility",
        "the server's MongoDB version is newer than this pymongo knows.",
        "upgrade pymongo: `python -m pip install --upgrade pymongo`.",
    ),
    PymongoText(
        ("does not support retryable writes", "retrywrites=false"),
        "configuration",
        "the server is a standalone server, which cannot retry writes; every Atlas cluster can.",
        "check the host against the connection string Atlas shows; for a standalone server "
        "you meant to use, add retryWrites=false.",
    ),
    PymongoText(
        ("sessions are not supported by this mongodb deployment",),
        "compatibility",
        "the server does not support sessions (a standalone server without them, or a very "
        "old version).",
        "connect to the replica set with the connection string Atlas shows.",
    ),
)
