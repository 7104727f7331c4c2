#!/usr/bin/env bash
# Installs the independent XAdES / ASiC-E tools knik's tests compare against ("oracles"):
#
#   scripts/install-oracles.sh [DIR]       DIR default: $KNIK_ORACLES_DIR, else ~/.cache/knik-oracles
#
#   DIR/venv-pyasice   pyasice 1.2.0 (+ oscrypto patched to read OpenSSL 3.0.1x version strings)
#   DIR/venv-signxml   signxml 5.2.0      (a venv of its own: pyasice pins lxml<5 and would drag
#                                          signxml down to 3.x)
#   DIR/xadesjs        npm ci of scripts/oracles/xadesjs/package-lock.json (xadesjs 2.6.8 on node)
#   xmlsec1            from apt (scripts/install-deps.sh)
#
# The scripts in scripts/oracles/ find DIR the same way (KNIK_ORACLES_DIR, else the default), so
# pass a non-default DIR to them through KNIK_ORACLES_DIR. Idempotent: a stamp per tool records
# the hash of what was installed, and nothing is done when it still matches (about 0.1 s).
set -euo pipefail

SCRIPTS=$(dirname "$(realpath "$0")")
ORACLES=$SCRIPTS/oracles
DIR=$(realpath -m "${1:-${KNIK_ORACLES_DIR:-$HOME/.cache/knik-oracles}}")
PYTHON=${KNIK_ORACLES_PYTHON:-python3}
mkdir -p "$DIR"

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
fresh() { # name stamp file-that-must-exist -> true when already installed from the same inputs
  [ -f "$DIR/$1.stamp" ] && [ "$(cat "$DIR/$1.stamp")" = "$2" ] && [ -e "$3" ]
}

# oscrypto 1.3.0 (the latest release) looks for the libcrypto version with the regex
# \d\.\d\.\d[a-z]*, which fails on "3.0.22" and makes `import pyasice` raise LibraryNotFoundError.
# Widen it to \d\.\d+\.\d+[a-z]* in both backends; running this again changes nothing.
patch_oscrypto() { # python
  "$1" - <<'EOF'
import importlib.util, pathlib
base = pathlib.Path(importlib.util.find_spec("oscrypto").origin).parent / "_openssl"
old, new = r"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'", r"'\\b(\\d\\.\\d+\\.\\d+[a-z]*)\\b'"
for name in ("_libcrypto_cffi.py", "_libcrypto_ctypes.py"):
    path = base / name
    text = path.read_text()
    if old in text:
        path.write_text(text.replace(old, new))
        print(f"install-oracles: patched {path}")
    elif new not in text:
        raise SystemExit(f"install-oracles: oscrypto changed, cannot patch {path}")
EOF
}

venv() { # name requirements-file [post-install-function]
  local name=$1 req=$2 post=${3:-} st
  st=$(stamp_of "$req" "$ORACLES/../install-oracles.sh")
  if fresh "$name" "$st" "$DIR/$name/bin/python"; then
    echo "install-oracles: $name up to date"; return 0
  fi
  echo "install-oracles: creating $DIR/$name"
  rm -rf "${DIR:?}/$name"
  "$PYTHON" -m venv "$DIR/$name"
  "$DIR/$name/bin/pip" install -q --disable-pip-version-check -r "$req"
  [ -z "$post" ] || "$post" "$DIR/$name/bin/python"
  echo "$st" > "$DIR/$name.stamp"
}

venv venv-pyasice "$ORACLES/requirements-pyasice.txt" patch_oscrypto
venv venv-signxml "$ORACLES/requirements-signxml.txt"
# Prove the patch took: pyasice imports oscrypto's libcrypto binding at import time.
"$DIR/venv-pyasice/bin/python" -c "import pyasice" \
  || { echo "install-oracles: pyasice does not import (oscrypto patch?)" >&2; exit 1; }

st=$(stamp_of "$ORACLES/xadesjs/package.json" "$ORACLES/xadesjs/package-lock.json")
if fresh xadesjs "$st" "$DIR/xadesjs/node_modules/xadesjs/package.json"; then
  echo "install-oracles: xadesjs up to date"
else
  command -v npm >/dev/null || { echo "install-oracles: npm (node >= 20) is needed" >&2; exit 1; }
  echo "install-oracles: npm ci in $DIR/xadesjs"
  mkdir -p "$DIR/xadesjs"
  cp "$ORACLES/xadesjs/package.json" "$ORACLES/xadesjs/package-lock.json" "$DIR/xadesjs/"
  (cd "$DIR/xadesjs" && npm ci --silent --no-audit --no-fund)
  echo "$st" > "$DIR/xadesjs.stamp"
fi

command -v xmlsec1 >/dev/null || echo "install-oracles: warning: xmlsec1 missing (apt install xmlsec1)" >&2

echo "install-oracles: installed in $DIR"
echo "  pyasice  $("$DIR/venv-pyasice/bin/python" -c 'import importlib.metadata as m; print(m.version("pyasice"))')  $DIR/venv-pyasice/bin/python"
echo "  signxml  $("$DIR/venv-signxml/bin/python" -c 'import importlib.metadata as m; print(m.version("signxml"))')  $DIR/venv-signxml/bin/python"
echo "  xadesjs  $(node -p "require('$DIR/xadesjs/node_modules/xadesjs/package.json').version")  $DIR/xadesjs/node_modules"
echo "  xmlsec1  $(xmlsec1 --version 2>/dev/null | head -n1 || echo missing)"
[ "$DIR" = "$(realpath -m "${KNIK_ORACLES_DIR:-$HOME/.cache/knik-oracles}")" ] \
  || echo "  (not the default directory: export KNIK_ORACLES_DIR=$DIR for scripts/oracles/*)"
