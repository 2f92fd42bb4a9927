#!/usr/bin/env bash
# Makes the MCP conformance suite runnable and prints the Node binary to run it with
# (test/mcp-conformance.test.ts). `@modelcontextprotocol/conformance` calls fs.globSync, which Node 20
# lacks, and some of its dependencies want Node 22, while AUREA runs on Node 20; so the suite lives
# apart from AUREA's dependencies (test/setup/conformance/, its own lock, `npm ci`), and, when the
# machine's node is older than 22, runs on npm's `node-linux-<arch>@22` package (the official build,
# from the npm registry), unpacked once into .cache/node22/.
set -euo pipefail
cd "$(dirname "$0")/../.."
suite=test/setup/conformance
[ -f "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" ] || npm ci --prefix "$suite" --no-audit --no-fund --silent >&2
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then command -v node; exit 0; fi
dir=.cache/node22
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "conformance.sh: no Node 22 build for $(uname -m)" >&2; exit 1 ;; esac
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@22" >/dev/null)
  mkdir -p "$dir"
  tar xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
echo "$PWD/$dir/bin/node"
