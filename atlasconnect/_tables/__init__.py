"""The tables ``explain()`` reads to explain the texts users paste.

Each module holds one table, built from the complete list its subject comes
from (MongoDB's error codes, OpenSSL's verification errors and TLS alerts,
pymongo's removed options, dnspython's exceptions, the errno values of a TCP
connection, pymongo's server types), and says in its docstring where that list
was read and which versions it was checked against. The modules are plain
data: named tuples in tuples or dicts, with at most a small look-up helper.
They import nothing heavy and are imported only when an error is explained.

Every row's ``meaning`` and ``fix`` are written for a MongoDB Atlas user: the
meaning in plain words, the fix as a place in the Atlas UI, an option or a
command. ``tests/test_tables.py`` checks each table against what the running
libraries say where they can.
"""
