"""Lookup loop of Debian's python3-maxminddb through its C extension (libmaxminddb), timed inside Python.

Usage: python3 python_maxminddb_lookups.py <database.mmdb> <addresses.txt> <rounds>
Prints one JSON object: lookups per second of each round, and how many addresses had a record.
"""
import json
import sys
import time

import maxminddb

database_path, addresses_path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(addresses_path, encoding="ascii") as addresses_file:
    addresses = addresses_file.read().split()

# MODE_MMAP_EXT fails instead of silently falling back to the pure-Python reader.
reader = maxminddb.open_database(database_path, maxminddb.MODE_MMAP_EXT)
get = reader.get
for address in addresses[:20000]:  # warm-up
    get(address)

rates = []
found = 0
for _ in range(rounds):
    found = 0
    started = time.perf_counter()
    for address in addresses:
        if get(address) is not None:
            found += 1
    rates.append(len(addresses) / (time.perf_counter() - started))
reader.close()
print(json.dumps({"lookupsPerSecond": rates, "found": found, "version": maxminddb.__version__}))
