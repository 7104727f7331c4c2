"""Shared by the Python oracle scripts: run inside the right venv and read ASiC-E containers.

The venvs are made by scripts/install-oracles.sh in $KNIK_ORACLES_DIR (default
~/.cache/knik-oracles); a script started with any python3 re-executes itself with the venv's
interpreter, so tests can call `python3 scripts/oracles/verify-signxml.py ...` or the file itself.
"""

import copy
import os
import sys
import zipfile
from urllib.parse import unquote

ORACLES_DIR = os.environ.get("KNIK_ORACLES_DIR") or os.path.join(
    os.path.expanduser("~"), ".cache", "knik-oracles"
)


def use_venv(name):
    """Re-execute the running script with ORACLES_DIR/<name>/bin/python unless already in it."""
    venv = os.path.join(ORACLES_DIR, name)
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        print(f"{name} is not installed in {ORACLES_DIR}: run scripts/install-oracles.sh", file=sys.stderr)
        sys.exit(2)
    os.execv(python, [python, *sys.argv])


def signature_files(zf):
    """Names of the container's signature files (META-INF/*signatures*.xml), sorted."""
    return sorted(
        n
        for n in zf.namelist()
        if n.startswith("META-INF/") and "/" not in n[9:] and "signatures" in n and n.endswith(".xml")
    )


def read_reference(zf, uri):
    """Bytes of the container entry a detached ds:Reference URI names (RFC 3986 percent-decoded)."""
    names = set(zf.namelist())
    for candidate in (unquote(uri), uri):
        if candidate in names and not candidate.endswith("/"):
            return zf.read(candidate)
    raise KeyError(f"reference {uri!r} does not name a file in the container")


def open_container(path, tool):
    """The container as a ZipFile. Exits 2 when the file cannot be read, and 1 (after a FAIL
    line, like any invalid container) when it is not a readable ZIP."""
    if not os.path.isfile(path):
        print(f"{tool}: {path}: no such file", file=sys.stderr)
        sys.exit(2)
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        print(f"{tool} {path}: FAIL not a ZIP container: {e}")
        sys.exit(1)


DS = "http://www.w3.org/2000/09/xmldsig#"


def each_signature(root):
    """(index, ds:Signature, document root holding only that signature) for a parsed signature file.

    The verifiers take one signature per document; the other signatures are siblings outside
    every canonicalized subtree of this one, so removing them from a copy changes no digest.
    """
    tag = f"{{{DS}}}Signature"
    if root.tag == tag:
        yield 0, root, root
        return
    for i, sig in enumerate(root.findall(tag)):
        doc = copy.deepcopy(root)
        for j, other in enumerate(doc.findall(tag)):
            if j != i:
                doc.remove(other)
        yield i, sig, doc
