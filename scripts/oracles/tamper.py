#!/usr/bin/env python3
"""Copy an ASiC-E container, changing one byte of one data file (for "must reject" tests).

usage: tamper.py IN.asice OUT.asice [ENTRY]

ENTRY defaults to the first data file (not mimetype, not under META-INF/). Every other entry is
copied unchanged, in the same order and with the same compression. Standard library only.
"""

import sys
import zipfile


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: tamper.py IN.asice OUT.asice [ENTRY]")
    src, dst = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(src) as zi:
        names = [i.filename for i in zi.infolist()]
        data_files = [n for n in names if n != "mimetype" and not n.startswith("META-INF/")]
        target = sys.argv[3] if len(sys.argv) == 4 else (data_files or [None])[0]
        if target not in names:
            sys.exit(f"tamper.py: no entry {target!r} in {src}")
        with zipfile.ZipFile(dst, "w") as zo:
            for info in zi.infolist():
                data = zi.read(info.filename)
                if info.filename == target:
                    data = bytes([data[0] ^ 0x01]) + data[1:] if data else b"\x00"
                zo.writestr(info, data)
    print(f"tamper.py: wrote {dst} ({target!r}: first byte changed)")


if __name__ == "__main__":
    main()
