#!/usr/bin/python3
# One-off check of the GCM vector files against OpenSSL (through python3-cryptography),
# so the files are not trusted on our word alone. Not part of `make check`.
# Usage: /usr/bin/python3 tests/vectors/gcm/crosscheck_openssl.py FILE...
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def records(path):
    rec = {}
    for line in open(path):
        line = line.strip()
        if line.startswith('#'):
            continue
        if not line:
            if rec:
                yield rec
            rec = {}
            continue
        k, _, v = line.partition('=')
        rec[k.strip()] = v.strip()
    if rec:
        yield rec

bad = 0
for path in sys.argv[1:]:
    for r in records(path):
        h = {k: bytes.fromhex(r[k]) for k in ('K', 'IV', 'A', 'P', 'C', 'T')}
        enc = Cipher(algorithms.AES(h['K']), modes.GCM(h['IV'])).encryptor()
        enc.authenticate_additional_data(h['A'])
        c = enc.update(h['P']) + enc.finalize()
        ok = c == h['C'] and enc.tag == h['T']
        bad += not ok
        print(('ok   ' if ok else 'FAIL ') + r['NAME'])
sys.exit(1 if bad else 0)
