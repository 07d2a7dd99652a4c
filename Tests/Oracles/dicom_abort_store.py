"""Peer: starts a C-STORE and aborts the association half-way through the dataset.

Usage: dicom_abort_store.py HOST PORT CALLED_AE CALLING_AE
Speaks the upper layer protocol by hand (PS3.8 9.3): A-ASSOCIATE-RQ with one CT Image
Storage context in implicit VR little endian, a complete C-STORE-RQ command, the first
fragment of a dataset, then A-ABORT and close. Prints JSON: accepted (bool), sop_instance.
"""
import json
import socket
import struct
import sys

CT = b"1.2.840.10008.5.1.4.1.1.2"
IMPLICIT = b"1.2.840.10008.1.2"
SOP = b"1.2.826.0.1.3680043.8.498.12345678901234567890"


def item(kind, payload):
    return struct.pack(">BBH", kind, 0, len(payload)) + payload


def even(uid):
    return uid + (b"\0" if len(uid) % 2 else b"")


def element(group, elem, value):
    return struct.pack("<HHI", group, elem, len(value)) + value


host, port, called, calling = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = struct.pack(">BBBB", 1, 0, 0, 0) + item(0x30, CT) + item(0x40, IMPLICIT)
user = item(0x51, struct.pack(">I", 16384))
body = (struct.pack(">HH", 1, 0) + called.encode().ljust(16) + calling.encode().ljust(16) + b"\0" * 32
        + item(0x10, b"1.2.840.10008.3.1.1.1") + item(0x20, context) + item(0x50, user))
s = socket.create_connection((host, port), timeout=10)
s.sendall(struct.pack(">BBI", 1, 0, len(body)) + body)
reply = s.recv(65536)
accepted = len(reply) > 0 and reply[0] == 0x02
if accepted:
    command = (element(0, 0x0002, even(CT)) + element(0, 0x0100, struct.pack("<H", 1)) + element(0, 0x0110, struct.pack("<H", 7))
               + element(0, 0x0700, struct.pack("<H", 0)) + element(0, 0x0800, struct.pack("<H", 0)) + element(0, 0x1000, even(SOP)))
    command = element(0, 0x0000, struct.pack("<I", len(command))) + command
    pdv = struct.pack(">IBB", len(command) + 2, 1, 0x03) + command
    s.sendall(struct.pack(">BBI", 4, 0, len(pdv)) + pdv)
    # The dataset's first fragment: SOPClassUID, SOPInstanceUID, then PixelData that never ends.
    data = element(0x0008, 0x0016, even(CT)) + element(0x0008, 0x0018, even(SOP)) + struct.pack("<HHI", 0x7FE0, 0x0010, 1 << 20) + b"\1" * 4096
    pdv = struct.pack(">IBB", len(data) + 2, 1, 0x00) + data
    s.sendall(struct.pack(">BBI", 4, 0, len(pdv)) + pdv)
    s.sendall(struct.pack(">BBIBBBB", 7, 0, 4, 0, 0, 0, 0))  # A-ABORT
s.close()
print(json.dumps({"accepted": accepted, "sop_instance": SOP.decode()}))
