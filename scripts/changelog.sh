#!/usr/bin/env bash
# Puts one release's notes (written by the release's version bump from its conventional commits) on top of the
# project's changelog, below its heading: `changelog.sh dist/changelog.md CHANGELOG.md`. Run by the release workflow.
set -euo pipefail
notes=$1
changelog=$2
marker='<!-- Releases, newest first: the release workflow adds each one below this line. -->'
grep -qxF "$marker" "$changelog" || { echo "$changelog has no line '$marker'" >&2; exit 1; }
version=$(sed -n 's/^#\{1,3\} \[\{0,1\}\([0-9][^] ]*\).*/\1/p' "$notes" | head -1)
if [ -n "$version" ] && grep -q "^#\{1,3\} \[\{0,1\}${version//./\\.}[] ]" "$changelog"; then
  echo "$changelog already has $version"
  exit 0
fi
tmp=$(mktemp)
awk -v marker="$marker" -v notes="$notes" '
  { print }
  $0 == marker { print ""; while ((getline line < notes) > 0) print line; close(notes) }
' "$changelog" > "$tmp"
mv "$tmp" "$changelog"
