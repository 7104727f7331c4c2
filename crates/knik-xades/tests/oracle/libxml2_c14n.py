#!/usr/bin/env python3
"""Test oracle: canonicalize with libxml2 itself (through ctypes; no Python bindings needed).

Reads jobs from standard input, one per line, tab-separated:
  FILE  MODE  COMMENTS  APEX  PREFIXES
  MODE      0 = C14N 1.0, 1 = exclusive C14N 1.0, 2 = C14N 1.1 (libxml2's xmlC14NMode)
  COMMENTS  0 or 1
  APEX      empty: the whole document; `@PRED`: the subtree of the first element matching the
            XPath predicate PRED; otherwise the subtree of the element whose Id/ID/id is APEX.
            The subtree is the node-set XMLDSig selects for URI="#APEX":
            (//. | //@* | //namespace::*)[ancestor-or-self::*[...]]  (comments removed unless
            COMMENTS is 1)
  PREFIXES  exclusive only: InclusiveNamespaces PrefixList, space separated
For each job writes `OK <length>\\n<bytes>` or `ERR <message>\\n` to standard output.

Why not lxml: its tostring(method="c14n") on a subtree copies the element into a fake document
and so loses the inherited xml:* attributes; the XPath node-set is the XMLDSig semantic.
"""
import ctypes
import ctypes.util
import sys


class XPathObject(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("nodesetval", ctypes.c_void_p)]


lib = ctypes.CDLL(ctypes.util.find_library("xml2") or "libxml2.so.2")
lib.xmlReadFile.restype = ctypes.c_void_p
lib.xmlReadFile.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
lib.xmlFreeDoc.argtypes = [ctypes.c_void_p]
lib.xmlXPathNewContext.restype = ctypes.c_void_p
lib.xmlXPathNewContext.argtypes = [ctypes.c_void_p]
lib.xmlXPathFreeContext.argtypes = [ctypes.c_void_p]
lib.xmlXPathEvalExpression.restype = ctypes.POINTER(XPathObject)
lib.xmlXPathEvalExpression.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
lib.xmlC14NDocDumpMemory.restype = ctypes.c_int
lib.xmlC14NDocDumpMemory.argtypes = [
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
    ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
    ctypes.POINTER(ctypes.POINTER(ctypes.c_char)),
]


def run(path, mode, comments, apex, prefixes):
    # Options 0: no entity substitution, no DTD loading, no network.
    doc = lib.xmlReadFile(path.encode(), None, 0)
    if not doc:
        return None, "libxml2 could not parse " + path
    try:
        nodes = None
        if apex:
            if apex.startswith("@"):
                pred = apex[1:]
            else:
                q = apex.replace("'", "")
                pred = "@Id='%s' or @ID='%s' or @id='%s'" % (q, q, q)
            # The first matching element only, as a same-document reference resolves one.
            expr = "(//. | //@* | //namespace::*)[ancestor-or-self::*[%s][not(ancestor::*[%s])]]" % (pred, pred)
            if not comments:
                expr += "[not(self::comment())]"
            ctx = lib.xmlXPathNewContext(doc)
            obj = lib.xmlXPathEvalExpression(expr.encode(), ctx)
            if not obj or not obj.contents.nodesetval:
                return None, "XPath selected nothing for " + apex
            nodes = obj.contents.nodesetval
        prefix_array = None
        if prefixes:
            prefix_array = (ctypes.c_char_p * (len(prefixes) + 1))(*[p.encode() for p in prefixes], None)
        out = ctypes.POINTER(ctypes.c_char)()
        n = lib.xmlC14NDocDumpMemory(doc, nodes, mode, prefix_array, comments, ctypes.byref(out))
        if n < 0:
            return None, "xmlC14NDocDumpMemory failed"
        return ctypes.string_at(out, n), None
    finally:
        lib.xmlFreeDoc(doc)


def main():
    w = sys.stdout.buffer
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        f = line.split("\t")
        f += [""] * (5 - len(f))
        data, err = run(f[0], int(f[1]), int(f[2]), f[3], f[4].split())
        if err is not None:
            w.write(b"ERR " + err.encode() + b"\n")
        else:
            w.write(b"OK %d\n" % len(data) + data)
    w.flush()


main()
