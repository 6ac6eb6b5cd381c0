#!/usr/bin/env python3
"""Writes the committed seed corpora of the metadata harnesses (fuzz/corpus/*).
Run from the repository root: python3 fuzz/make_corpus.py. Inputs: a PNG
written by `medchaos meta set` (eXIf + tEXt) and the test images; every other
chunk is built here by hand with zlib (PNG 3rd ed. section 5.3 chunk layout)."""
import os, struct, sys, zlib

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def chunks(png):
    pos, out = 8, []
    while pos + 12 <= len(png):
        n = struct.unpack(">I", png[pos:pos + 4])[0]
        out.append((png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out

def build(parts):
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(k, d) for k, d in parts)

def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

base = open(sys.argv[1] if len(sys.argv) > 1 else "tests/data/image/gray1.png", "rb").read()
tagged = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else None
parts = chunks(base)
ihdr, rest = parts[0], parts[1:]
texts = [
    (b"tEXt", b"Creation Time\x002004-08-26T10:11:12+02:00"),
    (b"zTXt", b"DICOM:AcquisitionDate\x00\x00" + zlib.compress(b"20040826")),
    (b"iTXt", b"DICOM:AcquisitionTime\x00\x00\x00\x00\x00101112.25"),
    (b"iTXt", b"DICOM:TimezoneOffsetFromUTC\x00\x01\x00en\x00\x00" + zlib.compress(b"+0200")),
    (b"tEXt", b"DICOM:SOPInstanceUID\x001.2.840.113619.2.1"),
    (b"tEXt", b"DICOM:StudyDate\x0020040826"),
    (b"tEXt", b"DICOM:AcquisitionDateTime\x0020040826101112.5+0100"),
]
out = "fuzz/corpus"
write(out + "/pngtext", "text_before_idat.png", build([ihdr] + texts + rest))
write(out + "/pngtext", "text_after_idat.png", build([ihdr] + rest[:-1] + texts[:3] + rest[-1:]))
if tagged:
    write(out + "/pngtext", "exif_and_text.png", tagged)
    exif = [d for k, d in chunks(tagged) if k == b"eXIf"][0]
    write(out + "/exif", "exif_tiff.bin", exif)
    write(out + "/exif", "exif_prefixed.bin", b"Exif\x00\x00" + exif)
    jpeg = open("tests/data/image/gray.jpg", "rb").read()
    app1 = b"Exif\x00\x00" + exif
    write(out + "/exif", "gray_exif.jpg", jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:])
# A version 2 sealed part as fuzz_envelope reads it after its 4 leading bytes (a 2x2
# grey image, compact key material: docs/FORMAT.md §3.1-§3.2), with an origin record.
meta = b"medchaos-meta/1;2004-08-26T10:11:12.000000;tz=+02:00;uid=1.2.840.1"
record = bytes([8, 0]) + struct.pack(">I", 1) + bytes([0]) + b"tEXt" + struct.pack(">I", 7) + b"a\x00bcdef"
sealed = bytes([1]) + struct.pack(">6d", 3.99, 0.3, 0, 0, 0, 0) + struct.pack(">H", len(meta)) + meta + \
    struct.pack(">I", len(record)) + record
write(out + "/envelope", "sealed_v2.bin", b"\x00\x00\x00\x00" + sealed)
write(out + "/envelope", "origin_record.bin", record)
dates = [b"2004:08:26 10:11:12\n25\n+02:00\n1.2.840.1", b"2004-08-26T10:11:12.123456789Z\n\n-0530\n",
         b"Mon, 19 Feb 2007 12:51:57 +0000\n\n\n", b"20040826101112.25+0200\n101112\n+0100\n2",
         b"20040826\n1011\n-1400\n1", b"2000:02:29 23:59:59\n999999\n+14:00\n0.0"]
for i, d in enumerate(dates):
    write(out + "/datetime", "seed%d.txt" % i, d)
