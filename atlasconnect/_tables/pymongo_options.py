"""Options, methods and classes pymongo removed or renamed, with what replaced them.

Sources, all in the mongodb/mongo-python-driver repository:

- ``doc/migrate-to-pymongo4.rst`` at tag 4.13.0 (commit
  d802d76b522c691b75cfaf0bae94949e6653998b; the file was moved out of the
  repository in 2025), and the "Changes in Version 4.0" section of
  ``doc/changelog.rst`` at commit ebc4bffcc842464e48a3edbd04802d1a42bc818a: every
  removal of pymongo 4.0 a program or a connection string can name.
- ``doc/migrate-to-pymongo3.rst`` as it was before its removal (commit
  e655b0bb9940904dcbc4e6f7fc18a79262dd6ffc) and the "Changes in Version 3.0" section
  of ``doc/changelog.rst``: the removals of pymongo 3.0.
- The same changelog from 4.1 to 4.18: the one later removal a program can name is
  the MONGODB-CR login mechanism (4.11). (Support for Eventlet, 4.16, and for
  pyOpenSSL in the asynchronous API, 4.12, have no name to look up.)

Left out: BSON and GridFS details that do not name an option or a method of a
client (``SON.items()`` returning a view, JSON defaults, ``__slots__``), and
attributes whose name is also a valid keyword today (``tz_aware``,
``document_class``, ``host``, ``port``: only the attribute went).

Checked against pymongo 4.13.0 and 4.20.1 (``tests/test_tables.py``): no removed
option is a valid option of the installed pymongo, except ``waitQueueMultiple``,
which the 4.0 guide calls removed but which both releases still accept and ignore
(``still_accepted``); every replacement is a valid option, or a class, method or
attribute that exists.

:func:`valid_options` reads pymongo's own option names at run time;
:func:`closest` suggests one for a misspelled name; :func:`removed` finds the row
of a removed name in any letter case.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = ["REMOVED", "Removed", "closest", "removed", "valid_options"]

Kind = Literal["option", "method", "attribute", "parameter", "class", "exception", "value"]


class Removed(NamedTuple):
    """One name pymongo removed."""

    name: str
    """The name as pymongo's documentation spelled it."""
    kind: Kind
    """``option``: a MongoClient keyword or connection string option; ``parameter``: an
    argument of a method; ``value``: a value of an option."""
    where: tuple[str, ...]
    """Where it was: ``MongoClient``, ``Collection.find``..."""
    removed_in: str
    """The pymongo version that removed it."""
    replacement: tuple[str, ...]
    """What replaces it: option names, or ``Class.method`` of pymongo; empty when nothing does."""
    meaning: str
    fix: str
    still_accepted: bool = False
    """True when the installed pymongo still accepts the name (and ignores it)."""


_CA = (
    "atlasconnect always verifies the certificate and the host name and refuses "
    "{refused}, pymongo 4's replacement; to trust another CA, pass tlsCAFile=... instead."
)
_NO_MIGRATION = "no replacement: the feature is gone."

_ROWS = (
    # pymongo 4.0: MongoClient options and connection string options.
    Removed(
        "ssl_cert_reqs",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsAllowInvalidCertificates",),
        "pymongo 3's switch for certificate checking (ssl.CERT_NONE turned it off).",
        "remove it: " + _CA.format(refused="tlsAllowInvalidCertificates"),
    ),
    Removed(
        "ssl_match_hostname",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsAllowInvalidHostnames",),
        "pymongo 3's switch for host name checking (False turned it off).",
        "remove it: " + _CA.format(refused="tlsAllowInvalidHostnames"),
    ),
    Removed(
        "ssl_ca_certs",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsCAFile",),
        "pymongo 3's name for the file of CA certificates to trust.",
        "rename it tlsCAFile (the same path); atlasconnect uses certifi's CA bundle when it "
        "is left out.",
    ),
    Removed(
        "ssl_certfile",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsCertificateKeyFile",),
        "pymongo 3's name for the client certificate (X.509 login).",
        "rename it tlsCertificateKeyFile, pointing to one PEM file that holds the certificate "
        "and its private key (the Atlas download for an X.509 user is such a file).",
    ),
    Removed(
        "ssl_keyfile",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsCertificateKeyFile",),
        "pymongo 3's name for the private key of the client certificate.",
        "join the key and the certificate in one PEM file (`cat client.crt client.key > "
        "client.pem`) and pass it as tlsCertificateKeyFile.",
    ),
    Removed(
        "ssl_pem_passphrase",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsCertificateKeyFilePassword",),
        "pymongo 3's name for the password of the client certificate's private key.",
        "rename it tlsCertificateKeyFilePassword.",
    ),
    Removed(
        "ssl_crlfile",
        "option",
        ("MongoClient",),
        "4.0",
        ("tlsCRLFile",),
        "pymongo 3's name for a certificate revocation list.",
        "rename it tlsCRLFile.",
    ),
    Removed(
        "j",
        "option",
        ("MongoClient",),
        "4.0",
        ("journal",),
        "the short name of the write concern's journal option.",
        "rename it journal (journal=true).",
    ),
    Removed(
        "wtimeout",
        "option",
        ("MongoClient",),
        "4.0",
        ("wTimeoutMS",),
        "the old name of the write concern's time limit, in milliseconds.",
        "rename it wTimeoutMS (the same number).",
    ),
    Removed(
        "waitQueueMultiple",
        "option",
        ("MongoClient",),
        "4.0",
        (),
        "a bound on the threads waiting for a connection; pymongo 4.0 removed it (and "
        "ExceededMaxWaiters), though pymongo 4 still accepts the name and ignores it.",
        "remove it and bound concurrency in the application instead (the size of its thread "
        "pool); maxConnecting and waitQueueTimeoutMS limit the pool itself.",
        still_accepted=True,
    ),
    Removed(
        "socketKeepAlive",
        "option",
        ("MongoClient",),
        "4.0",
        (),
        "the switch for TCP keepalive; pymongo 4 always enables it.",
        "remove it: nothing replaces it, keepalive is always on.",
    ),
    # pymongo 4.0: classes, methods and attributes.
    Removed(
        "MongoReplicaSetClient",
        "class",
        ("pymongo",),
        "4.0",
        ("MongoClient",),
        "the old replica set client, identical to MongoClient since pymongo 3.0.",
        "use MongoClient (or atlasconnect.connect()) with the same arguments.",
    ),
    Removed(
        "fsync",
        "method",
        ("MongoClient.fsync",),
        "4.0",
        ("Database.command",),
        "a helper that ran the fsync command (the fsync= write concern option remains).",
        "run the command: client.admin.command('fsync', lock=True); on Atlas it is not "
        "needed (Atlas takes backups itself).",
    ),
    Removed(
        "unlock",
        "method",
        ("MongoClient.unlock",),
        "4.0",
        ("Database.command",),
        "a helper that ran fsyncUnlock.",
        "run the command: client.admin.command('fsyncUnlock').",
    ),
    Removed(
        "is_locked",
        "attribute",
        ("MongoClient.is_locked",),
        "4.0",
        ("Database.command",),
        "whether the server was locked by fsync.",
        "run client.admin.command('currentOp').get('fsyncLock').",
    ),
    Removed(
        "database_names",
        "method",
        ("MongoClient.database_names",),
        "4.0",
        ("MongoClient.list_database_names",),
        "the list of database names.",
        "call client.list_database_names().",
    ),
    Removed(
        "max_bson_size",
        "attribute",
        ("MongoClient.max_bson_size",),
        "4.0",
        ("Database.command",),
        "the server's largest document size.",
        "read it from the hello command: client.admin.command('hello')['maxBsonObjectSize'].",
    ),
    Removed(
        "max_message_size",
        "attribute",
        ("MongoClient.max_message_size",),
        "4.0",
        ("Database.command",),
        "the server's largest message size.",
        "read it from client.admin.command('hello')['maxMessageSizeBytes'].",
    ),
    Removed(
        "max_write_batch_size",
        "attribute",
        ("MongoClient.max_write_batch_size",),
        "4.0",
        ("Database.command",),
        "the server's largest write batch.",
        "read it from client.admin.command('hello')['maxWriteBatchSize'].",
    ),
    *(
        Removed(
            name,
            "attribute",
            (f"MongoClient.{name}",),
            "4.0",
            ("MongoClient.options",),
            "a read-only copy of a client option.",
            f"read client.options.{path} instead.",
        )
        for name, path in (
            ("event_listeners", "event_listeners"),
            ("local_threshold_ms", "local_threshold_ms"),
            ("server_selection_timeout", "server_selection_timeout"),
            ("retry_writes", "retry_writes"),
            ("retry_reads", "retry_reads"),
            ("max_idle_time_ms", "pool_options.max_idle_time_seconds"),
        )
    ),
    Removed(
        "max_pool_size",
        "option",
        ("MongoClient(max_pool_size=...)", "MongoClient.max_pool_size"),
        "3.0",
        ("maxPoolSize",),
        "pymongo 2's name for the pool size (3.0 removed the keyword, 4.0 the attribute).",
        "pass maxPoolSize=...; read it back as client.options.pool_options.max_pool_size.",
    ),
    Removed(
        "close_cursor",
        "method",
        ("MongoClient.close_cursor",),
        "4.0",
        ("Cursor.close",),
        "closed a cursor by its id.",
        "call close() on the cursor itself.",
    ),
    Removed(
        "kill_cursors",
        "method",
        ("MongoClient.kill_cursors",),
        "4.0",
        ("Cursor.close",),
        "killed cursors by their ids.",
        "call close() on each cursor.",
    ),
    Removed(
        "set_cursor_manager",
        "method",
        ("MongoClient.set_cursor_manager",),
        "4.0",
        (),
        "installed a CursorManager (pymongo.cursor_manager, also removed).",
        "remove it: " + _NO_MIGRATION,
    ),
    Removed(
        "authenticate",
        "method",
        ("Database.authenticate",),
        "4.0",
        ("username", "password"),
        "logged in after the client was created.",
        "put the user name and password in the connection string (or pass username= and "
        "password=); for two users, create two clients.",
    ),
    Removed(
        "logout",
        "method",
        ("Database.logout",),
        "4.0",
        ("MongoClient.close",),
        "logged a user out of the client.",
        "close the client (client.close()) and create one for the other user.",
    ),
    Removed(
        "collection_names",
        "method",
        ("Database.collection_names",),
        "4.0",
        ("Database.list_collection_names",),
        "the list of collection names.",
        "call db.list_collection_names().",
    ),
    Removed(
        "current_op",
        "method",
        ("Database.current_op",),
        "4.0",
        ("Database.aggregate",),
        "the operations in progress.",
        "run client.admin.aggregate([{'$currentOp': {}}]).",
    ),
    Removed(
        "add_user",
        "method",
        ("Database.add_user",),
        "4.0",
        ("Database.command",),
        "created or updated a database user.",
        "on Atlas, create users under Security > Database Access (or the Atlas Admin API); "
        "elsewhere run db.command('createUser', name, pwd=..., roles=[...]).",
    ),
    Removed(
        "remove_user",
        "method",
        ("Database.remove_user",),
        "4.0",
        ("Database.command",),
        "deleted a database user.",
        "on Atlas, delete the user under Security > Database Access; elsewhere run "
        "db.command('dropUser', name).",
    ),
    Removed(
        "profiling_level",
        "method",
        ("Database.profiling_level",),
        "4.0",
        ("Database.command",),
        "read the profiler's level.",
        "run db.command('profile', -1)['was'].",
    ),
    Removed(
        "set_profiling_level",
        "method",
        ("Database.set_profiling_level",),
        "4.0",
        ("Database.command",),
        "set the profiler's level.",
        "run db.command('profile', level); on Atlas, use the Query Profiler of the cluster.",
    ),
    Removed(
        "profiling_info",
        "method",
        ("Database.profiling_info",),
        "4.0",
        ("Collection.find",),
        "read the profiler's records.",
        "read db['system.profile'].find().",
    ),
    Removed(
        "eval",
        "method",
        ("Database.eval",),
        "4.0",
        (),
        "ran JavaScript on the server; MongoDB 4.2 removed the eval command.",
        "rewrite the JavaScript as queries or an aggregation pipeline: " + _NO_MIGRATION,
    ),
    Removed(
        "system_js",
        "attribute",
        ("Database.system_js",),
        "4.0",
        (),
        "stored server-side JavaScript (SystemJS).",
        "rewrite the stored functions in Python: " + _NO_MIGRATION,
    ),
    *(
        Removed(
            name,
            "method",
            (f"Database.{name}",),
            "4.0",
            (),
            "read the last error of the connection (getLastError), obsolete since writes are "
            "acknowledged by default.",
            "remove the call: write methods raise their errors themselves.",
        )
        for name in ("error", "last_status", "previous_error", "reset_error_history")
    ),
    Removed(
        "add_son_manipulator",
        "method",
        ("Database.add_son_manipulator",),
        "4.0",
        (),
        "installed a SONManipulator that changed documents on their way in and out.",
        "transform documents in your own code, or use a TypeRegistry of custom type codecs: "
        + _NO_MIGRATION,
    ),
    Removed(
        "insert",
        "method",
        ("Collection.insert",),
        "4.0",
        ("Collection.insert_one", "Collection.insert_many"),
        "inserted one document or a list of them.",
        "call insert_one(document) or insert_many(documents).",
    ),
    Removed(
        "save",
        "method",
        ("Collection.save",),
        "4.0",
        ("Collection.replace_one", "Collection.insert_one"),
        "inserted a document, or replaced it if it had an _id.",
        "call replace_one({'_id': doc['_id']}, doc, upsert=True), or insert_one(doc) for a "
        "new document.",
    ),
    Removed(
        "update",
        "method",
        ("Collection.update",),
        "4.0",
        ("Collection.update_one", "Collection.update_many"),
        "updated one document, or all with multi=True.",
        "call update_one(filter, update), or update_many(filter, update) for multi=True.",
    ),
    Removed(
        "remove",
        "method",
        ("Collection.remove",),
        "4.0",
        ("Collection.delete_one", "Collection.delete_many"),
        "deleted the matching documents.",
        "call delete_many(filter), or delete_one(filter) for multi=False.",
    ),
    Removed(
        "find_and_modify",
        "method",
        ("Collection.find_and_modify",),
        "4.0",
        (
            "Collection.find_one_and_update",
            "Collection.find_one_and_replace",
            "Collection.find_one_and_delete",
        ),
        "found a document and updated, replaced or deleted it.",
        "call find_one_and_update, find_one_and_replace or find_one_and_delete.",
    ),
    Removed(
        "count",
        "method",
        ("Collection.count", "Cursor.count"),
        "4.0",
        ("Collection.count_documents", "Collection.estimated_document_count"),
        "counted documents.",
        "call count_documents(filter) for an exact count, or estimated_document_count() for "
        "the whole collection; replace $where, $near and $nearSphere in the filter.",
    ),
    Removed(
        "initialize_ordered_bulk_op",
        "method",
        ("Collection.initialize_ordered_bulk_op",),
        "4.0",
        ("Collection.bulk_write",),
        "started an ordered bulk operation (BulkOperationBuilder).",
        "call bulk_write([InsertOne(...), UpdateOne(...), ...]).",
    ),
    Removed(
        "initialize_unordered_bulk_op",
        "method",
        ("Collection.initialize_unordered_bulk_op",),
        "4.0",
        ("Collection.bulk_write",),
        "started an unordered bulk operation.",
        "call bulk_write([...], ordered=False).",
    ),
    Removed(
        "group",
        "method",
        ("Collection.group",),
        "4.0",
        ("Collection.aggregate",),
        "ran the group command, removed in MongoDB 4.2.",
        "use aggregate() with a $group stage.",
    ),
    Removed(
        "map_reduce",
        "method",
        ("Collection.map_reduce",),
        "4.0",
        ("Collection.aggregate",),
        "ran a map-reduce.",
        "rewrite it as an aggregation pipeline (aggregate()), or run db.command('mapReduce', ...).",
    ),
    Removed(
        "inline_map_reduce",
        "method",
        ("Collection.inline_map_reduce",),
        "4.0",
        ("Collection.aggregate",),
        "ran a map-reduce that returned its results.",
        "rewrite it as an aggregation pipeline (aggregate()).",
    ),
    Removed(
        "ensure_index",
        "method",
        ("Collection.ensure_index",),
        "4.0",
        ("Collection.create_index", "Collection.create_indexes"),
        "created an index unless a recent call had (it kept a cache).",
        "call create_index(keys, ...) once, at startup, not before every write.",
    ),
    Removed(
        "reindex",
        "method",
        ("Collection.reindex",),
        "4.0",
        ("Database.command",),
        "rebuilt a collection's indexes.",
        "run db.command('reIndex', 'collection'); Atlas does not allow it and does not need it.",
    ),
    Removed(
        "parallel_scan",
        "method",
        ("Collection.parallel_scan",),
        "4.0",
        (),
        "ran parallelCollectionScan, removed in MongoDB 4.2.",
        "read with find() in ranges of _id: " + _NO_MIGRATION,
    ),
    Removed(
        "useCursor",
        "parameter",
        ("Collection.aggregate",),
        "4.0",
        (),
        "an option of aggregate() needed only with MongoDB 2.4.",
        "remove it: aggregate() always returns a cursor.",
    ),
    Removed(
        "modifiers",
        "parameter",
        ("Collection.find", "Collection.find_one", "Cursor"),
        "4.0",
        ("Cursor.hint", "Cursor.max_time_ms", "Cursor.comment"),
        "a dict of query modifiers ($hint, $maxTimeMS, $comment...).",
        "pass each as find()'s own argument: hint=, max_time_ms=, comment=, min=, max=, "
        "return_key=, show_record_id=.",
    ),
    Removed(
        "manipulate",
        "parameter",
        ("Collection.find", "Collection.find_one", "Cursor"),
        "4.0",
        (),
        "applied SON manipulators to the results.",
        "remove it, and transform documents in your own code: " + _NO_MIGRATION,
    ),
    Removed(
        "IsMaster",
        "class",
        ("pymongo.ismaster",),
        "4.0",
        ("hello.Hello",),
        "the parsed answer of the isMaster command.",
        "use pymongo.hello.Hello.",
    ),
    Removed(
        "NotMasterError",
        "exception",
        ("pymongo.errors",),
        "4.0",
        ("errors.NotPrimaryError",),
        "the error for a member that is not the primary.",
        "catch pymongo.errors.NotPrimaryError.",
    ),
    Removed(
        "CertificateError",
        "exception",
        ("pymongo.errors",),
        "4.0",
        (),
        "an error pymongo never raised to applications since 3.0.",
        "remove the except clause; certificate failures reach the application as "
        "ServerSelectionTimeoutError (atlasconnect's CertificateVerificationError).",
    ),
    Removed(
        "ExceededMaxWaiters",
        "exception",
        ("pymongo.errors",),
        "4.0",
        (),
        "raised when more threads waited than waitQueueMultiple allowed.",
        "remove the except clause: " + _NO_MIGRATION,
    ),
    Removed(
        "SONManipulator",
        "class",
        ("pymongo.son_manipulator",),
        "4.0",
        (),
        "the base of document manipulators (and its module).",
        "transform documents in your own code, or use a TypeRegistry: " + _NO_MIGRATION,
    ),
    Removed(
        "GEOHAYSTACK",
        "value",
        ("pymongo",),
        "4.0",
        ("GEO2D",),
        "the geoHaystack index type, deprecated in MongoDB 4.4.",
        "create a 2d index (pymongo.GEO2D) and query it with $geoNear or $geoWithin.",
    ),
    Removed(
        "UUIDLegacy",
        "class",
        ("bson.binary",),
        "4.0",
        (),
        "a wrapper for UUIDs in the legacy binary subtype.",
        "use bson.binary.Binary.from_uuid(uuid, UuidRepresentation.PYTHON_LEGACY).",
    ),
    Removed(
        "disable_md5",
        "parameter",
        ("GridFSBucket", "GridFS"),
        "4.0",
        (),
        "turned off GridFS checksums; GridFS no longer computes them.",
        "remove it; store a digest of your own in the file's metadata if you need one.",
    ),
    # pymongo 3.0.
    Removed(
        "Connection",
        "class",
        ("pymongo",),
        "3.0",
        ("MongoClient",),
        "pymongo 2's client, with unacknowledged writes by default.",
        "use MongoClient (or atlasconnect.connect()).",
    ),
    Removed(
        "ReplicaSetConnection",
        "class",
        ("pymongo",),
        "3.0",
        ("MongoClient",),
        "pymongo 2's replica set client.",
        "use MongoClient (or atlasconnect.connect()) with the replica set's connection string.",
    ),
    Removed(
        "MasterSlaveConnection",
        "class",
        ("pymongo",),
        "3.0",
        ("MongoClient",),
        "a client for master-slave deployments, which MongoDB removed.",
        "use MongoClient with a replica set (every Atlas cluster is one).",
    ),
    Removed(
        "slave_okay",
        "option",
        ("MongoClient", "Collection.find", "Database", "Collection"),
        "3.0",
        ("readPreference",),
        "allowed reads from secondaries.",
        "pass readPreference=secondaryPreferred.",
    ),
    Removed(
        "slaveOk",
        "option",
        ("MongoClient",),
        "3.0",
        ("readPreference",),
        "the connection string form of slave_okay.",
        "write readPreference=secondaryPreferred in the connection string.",
    ),
    Removed(
        "safe",
        "option",
        ("MongoClient", "Database", "Collection"),
        "3.0",
        ("w",),
        "asked for acknowledged writes, now the default.",
        "remove it (writes are acknowledged); for more, pass w='majority'.",
    ),
    Removed(
        "network_timeout",
        "option",
        ("MongoClient", "Collection.find"),
        "3.0",
        ("socketTimeoutMS", "Cursor.max_time_ms"),
        "a socket time limit in seconds.",
        "pass socketTimeoutMS (milliseconds), or max_time_ms= to find() to limit a query on "
        "the server; timeoutMS limits whole operations.",
    ),
    Removed(
        "auto_start_request",
        "option",
        ("MongoClient",),
        "3.0",
        (),
        "pinned each thread to one connection (requests).",
        "remove it: " + _NO_MIGRATION,
    ),
    Removed(
        "use_greenlets",
        "option",
        ("MongoClient",),
        "3.0",
        (),
        "made pymongo 2 cooperate with gevent.",
        "remove it and call gevent.monkey.patch_all() before importing pymongo.",
    ),
    Removed(
        "secondary_acceptable_latency_ms",
        "option",
        ("MongoClient", "Collection.find", "Database", "Collection"),
        "3.0",
        ("localThresholdMS",),
        "the latency window for choosing a secondary.",
        "pass localThresholdMS to the client.",
    ),
    Removed(
        "secondaryAcceptableLatencyMS",
        "option",
        ("MongoClient",),
        "3.0",
        ("localThresholdMS",),
        "the connection string form of secondary_acceptable_latency_ms.",
        "write localThresholdMS in the connection string.",
    ),
    Removed(
        "tag_sets",
        "option",
        ("MongoClient", "Collection.find", "Database", "Collection"),
        "3.0",
        ("readPreferenceTags",),
        "the tags of the members to read from.",
        "pass readPreferenceTags, or a read preference object: Secondary([{'dc': 'ny'}]).",
    ),
    *(
        Removed(
            name,
            "method",
            (f"MongoClient.{name}",),
            "3.0",
            (),
            "part of pymongo 2's requests, which pinned a thread to one connection.",
            "remove the call: " + _NO_MIGRATION,
        )
        for name in ("start_request", "in_request", "end_request")
    ),
    Removed(
        "alive",
        "method",
        ("MongoClient.alive",),
        "3.0",
        ("Database.command",),
        "whether the client was connected.",
        "run client.admin.command('ping') and catch ConnectionFailure.",
    ),
    Removed(
        "disconnect",
        "method",
        ("MongoClient.disconnect",),
        "3.0",
        ("MongoClient.close",),
        "closed the client's connections.",
        "call client.close().",
    ),
    Removed(
        "copy_database",
        "method",
        ("MongoClient.copy_database",),
        "3.0",
        (),
        "copied a database on the server.",
        "use mongodump and mongorestore, or Atlas's Live Migration: " + _NO_MIGRATION,
    ),
    Removed(
        "get_document_class",
        "method",
        ("MongoClient.get_document_class",),
        "3.0",
        ("MongoClient.codec_options",),
        "the class documents were returned as.",
        "read client.codec_options.document_class.",
    ),
    *(
        Removed(
            name,
            "method",
            ("MongoClient", "Database", "Collection"),
            "3.0",
            ("MongoClient.get_database", "Collection.with_options"),
            "read or changed the default write concern.",
            "pass the write concern when creating the object: MongoClient(w=...), "
            "client.get_database(name, write_concern=WriteConcern(...)) or "
            "collection.with_options(write_concern=...).",
        )
        for name in ("get_lasterror_options", "set_lasterror_options", "unset_lasterror_options")
    ),
    Removed(
        "min_wire_version",
        "attribute",
        ("MongoClient.min_wire_version",),
        "3.0",
        ("Database.command",),
        "the server's oldest wire version.",
        "read it from client.admin.command('hello')['minWireVersion'].",
    ),
    Removed(
        "max_wire_version",
        "attribute",
        ("MongoClient.max_wire_version",),
        "3.0",
        ("Database.command",),
        "the server's newest wire version.",
        "read it from client.admin.command('hello')['maxWireVersion'].",
    ),
    Removed(
        "connection",
        "attribute",
        ("Database.connection",),
        "3.0",
        ("Database.client",),
        "the client a Database belonged to.",
        "read db.client instead.",
    ),
    Removed(
        "conn_id",
        "attribute",
        ("Cursor.conn_id",),
        "3.0",
        ("Cursor.address",),
        "the server a cursor used.",
        "read cursor.address instead.",
    ),
    Removed(
        "spec",
        "parameter",
        ("Collection.find", "Collection.find_one"),
        "3.0",
        ("Collection.find",),
        "find()'s query, renamed filter.",
        "pass the query as filter= or as the first argument.",
    ),
    Removed(
        "fields",
        "parameter",
        ("Collection.find", "Collection.find_one"),
        "3.0",
        ("Collection.find",),
        "find()'s field selection, renamed projection.",
        "pass it as projection= or as the second argument.",
    ),
    Removed(
        "partial",
        "parameter",
        ("Collection.find",),
        "3.0",
        ("Collection.find",),
        "renamed allow_partial_results.",
        "pass allow_partial_results=True.",
    ),
    Removed(
        "timeout",
        "parameter",
        ("Collection.find",),
        "3.0",
        ("Collection.find",),
        "timeout=False kept a cursor open on the server; renamed no_cursor_timeout, with the "
        "opposite sense.",
        "pass no_cursor_timeout=True where the code had timeout=False.",
    ),
    *(
        Removed(
            name,
            "parameter",
            ("Collection.find",),
            "3.0",
            ("Collection.find",),
            "a cursor kind, replaced by cursor_type.",
            "pass cursor_type=CursorType.TAILABLE (TAILABLE_AWAIT for await_data, EXHAUST for "
            "exhaust).",
        )
        for name in ("tailable", "await_data", "exhaust")
    ),
    Removed(
        "as_class",
        "parameter",
        ("Collection.find", "Database.command", "bson.decode_all"),
        "3.0",
        ("Collection.with_options",),
        "the class to return documents as.",
        "pass codec_options=CodecOptions(document_class=...) to get_database, "
        "get_collection or with_options.",
    ),
    Removed(
        "compile_re",
        "parameter",
        ("Collection.find", "Database.command", "bson.decode_all"),
        "3.0",
        (),
        "compiled BSON regular expressions to Python ones.",
        "remove it; call Regex.try_compile() on the values that need it.",
    ),
    Removed(
        "uuid_subtype",
        "parameter",
        ("Database", "Collection", "bson.decode_all"),
        "3.0",
        ("uuidRepresentation",),
        "how UUIDs were stored.",
        "pass uuidRepresentation=standard (or the legacy one your data uses) to the client.",
    ),
    Removed(
        "cache_for",
        "parameter",
        ("Collection.create_index",),
        "3.0",
        (),
        "how long create_index remembered an index; it no longer caches.",
        "remove the argument: create_index keeps no cache.",
    ),
    Removed(
        "drop_dups",
        "parameter",
        ("Collection.create_index",),
        "3.0",
        (),
        "dropped duplicate documents while building a unique index; MongoDB 3.0 removed it.",
        "remove duplicates before creating the unique index.",
    ),
    # Later pymongo 4 releases.
    Removed(
        "MONGODB-CR",
        "value",
        ("authMechanism",),
        "4.11",
        ("authMechanism",),
        "the login mechanism of MongoDB 2.x, which MongoDB 4.0 removed.",
        "remove authMechanism (or write SCRAM-SHA-256): Atlas users log in with SCRAM.",
    ),
)

REMOVED: dict[str, Removed] = {row.name.lower(): row for row in _ROWS}
"""Every row, by its name in lower case."""


def removed(name: str) -> Removed | None:
    """The row of a removed option, method or class ``name``, in any letter case."""
    return REMOVED.get(name.strip().lower())


# How pymongo's documentation writes the options, for suggestions: pymongo compares
# option names in lower case, and knows only that form.
_SPELLINGS = (
    "appName",
    "authMechanism",
    "authMechanismProperties",
    "authSource",
    "compressors",
    "connect",
    "connectTimeoutMS",
    "datetime_conversion",
    "directConnection",
    "driver",
    "fsync",
    "heartbeatFrequencyMS",
    "journal",
    "loadBalanced",
    "localThresholdMS",
    "maxConnecting",
    "maxIdleTimeMS",
    "maxPoolSize",
    "maxStalenessSeconds",
    "minPoolSize",
    "readConcernLevel",
    "readPreference",
    "readPreferenceTags",
    "replicaSet",
    "retryReads",
    "retryWrites",
    "server_api",
    "serverMonitoringMode",
    "serverSelectionTimeoutMS",
    "socketTimeoutMS",
    "srvMaxHosts",
    "srvServiceName",
    "ssl",
    "timeoutMS",
    "tls",
    "tlsAllowInvalidCertificates",
    "tlsAllowInvalidHostnames",
    "tlsCAFile",
    "tlsCertificateKeyFile",
    "tlsCertificateKeyFilePassword",
    "tlsCRLFile",
    "tlsDisableOCSPEndpointCheck",
    "tlsInsecure",
    "tz_aware",
    "unicode_decode_error_handler",
    "uuidRepresentation",
    "w",
    "waitQueueMultiple",
    "waitQueueTimeoutMS",
    "wTimeoutMS",
    "zlibCompressionLevel",
    "document_class",
    "event_listeners",
    "password",
    "read_preference",
    "server_selector",
    "type_registry",
    "tzinfo",
    "username",
    "auto_encryption_opts",
    "srvAllowedHostsSuffix",
    "srv_host_validator",
)


def valid_options() -> dict[str, str]:
    """pymongo's option names, read from the installed pymongo: lower case -> spelling.

    The URI options (``URI_OPTIONS_VALIDATOR_MAP``), the keyword-only ones
    (``KW_VALIDATORS``) and their aliases (``URI_OPTIONS_ALIAS_MAP``: ``ssl``).
    """
    from pymongo import common

    names = set(common.URI_OPTIONS_VALIDATOR_MAP) | set(common.KW_VALIDATORS)
    for aliases in common.URI_OPTIONS_ALIAS_MAP.values():
        names.update(aliases)
    spelled = {spelling.lower(): spelling for spelling in _SPELLINGS}
    return {name.lower(): spelled.get(name.lower(), name) for name in names}


def closest(name: str) -> str | None:
    """The valid option closest to ``name`` (letter case ignored), or None if none is close."""
    import difflib

    options = valid_options()
    matches = difflib.get_close_matches(name.strip().lower(), list(options), n=1, cutoff=0.6)
    return options[matches[0]] if matches else None
