# Source it (`. scripts/node24.sh`): puts Node 24 LTS first on PATH for this shell.
# .ci/run does; do the same locally when the machine's Node is older than 22.12.
#
# Node 24 comes from the npm registry's `node` package (a real binary per platform),
# installed once into a prefix outside the repository and reused after that. Nothing is
# downloaded from anywhere else, and the system's Node is left as it is.
# NODE24_PREFIX overrides where it goes.
NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.cache/ambassadors-node24}"
case "$(node --version 2>/dev/null)" in
  v24.*) ;;
  *)
    if ! "$NODE24_PREFIX/node_modules/.bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
      npm install --prefix "$NODE24_PREFIX" --no-audit --no-fund --loglevel=error node@24 >/dev/null
    fi
    export PATH="$NODE24_PREFIX/node_modules/.bin:$PATH"
    ;;
esac
