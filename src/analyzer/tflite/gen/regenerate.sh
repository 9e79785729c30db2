#!/bin/sh
# Regenerates the TypeScript flatbuffer accessors for the TFLite schema (see README.md in this folder).
# Usage: sh src/analyzer/tflite/gen/regenerate.sh [path/to/schema.fbs]
# Needs flatc 2.0.8 (Debian package flatbuffers-compiler). Output is committed; do not edit it by hand.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
schema=${1:-"$here/../../../../../shared/tflite/schema.fbs"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flatc --ts -o "$tmp" "$schema"
rm -rf "$here/tflite" "$here/schema_generated.ts"
cp -R "$tmp/tflite" "$tmp/schema_generated.ts" "$here/"
# Our tsconfig resolves ESM imports with NodeNext and explicit '.ts' extensions: add them to relative imports.
find "$here/tflite" "$here/schema_generated.ts" -name '*.ts' -exec \
  sed -i -E "s#(from '\.{1,2}/[^']+)';#\1.ts';#" {} +
