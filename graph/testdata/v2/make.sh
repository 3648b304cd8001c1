#!/usr/bin/env bash
# Rebuilds the whosedata-kv/2 store fixture of this folder with a whosedata
# built from a commit that writes that layout:
#   git worktree add /tmp/v2 3e7a908 && (cd /tmp/v2 && go build -o /tmp/whosedata-v2 ./cmd/whosedata)
#   bash graph/testdata/v2/make.sh /tmp/whosedata-v2
# It loads two fixture files, then merges, aliases, retracts and records
# dispute events through GraphQL mutations, so that every kind of record
# (and the merged-entity and retracted cases of every index) is in the store,
# then writes the backup (store.backup.gz, Badger's backup stream, gzipped) and, from the same store, the export
# the migrated store must give back (export.json) and its stats (stats.json).
set -euo pipefail
bin=${1:?usage: make.sh WHOSEDATA-V2-BINARY}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
w() { "$bin" "$@" --data "$store"; }
w load "$root/fixtures/seed/seed.yaml" "$root/fixtures/testdata/story.yaml"
w query 'mutation {
  upsertEntity(input: {key: "acme-research", kind: ORGANIZATION, name: "Acme Research Lab", aliases: ["ARL"], description: "The research arm of Acme."}) { key }
}'
w query 'mutation {
  addStatement(input: {type: DEVELOPED, from: "acme-research", to: "acme-lm", status: ASSERTED, date: "2023-05", evidence: [{url: "https://acme.example/research"}]}) { id }
}'
w query 'mutation {
  addStatement(input: {type: TRAINED_ON, from: "acme-research", to: "twitter-posts", status: ALLEGED, claimedBy: "elon-musk", date: "2023-05-02", evidence: [{url: "https://news.example/arl", quote: "Acme researchers scraped tweets."}]}) { id }
}'
w query 'mutation { mergeEntities(keep: "acme", duplicate: "acme-research") { key aliases } }'
w query 'mutation { addAlias(entity: "chirp-posts", alias: "Chirp archive") { key } }'
w query 'mutation {
  addDisputeEvent(dispute: "chirp-v-acme", input: {date: "2023-06-01", status: FILED, summary: "Chirp files suit against Acme over scraped posts.", forum: "N.D. Cal."}) { key }
}'
w query 'mutation {
  addDisputeEvent(dispute: "chirp-v-acme", input: {date: "2023-06-02", status: DISMISSED, summary: "Reported dismissal, later corrected."}) { key }
}'
ev=$(w query '{ entity(ref: "chirp-v-acme") { events { id summary } } }' | sed -n 's/.*"id": *"\([^"]*\)", *"summary": *"Reported dismissal.*/\1/p')
ev=${ev:-$(w query '{ entity(ref: "chirp-v-acme") { events { id summary } } }' | tr -d ' \n' | sed -n 's/.*"id":"\([^"]*\)","summary":"Reporteddismissal.*/\1/p')}
[ -n "$ev" ] || { echo "make.sh: no event id found" >&2; exit 1; }
w query "mutation { retractDisputeEvent(id: \"$ev\", reason: \"The dismissal report was wrong.\") { key } }"
st=$(w query '{ entity(ref: "acme") { relations(direction: OUT, types: [TRAINED_ON]) { edges { node { statements { id } } } } } }' | tr -d ' \n' | sed -n 's/.*"statements":\[{"id":"\([^"]*\)"}.*/\1/p')
[ -n "$st" ] || { echo "make.sh: no statement id found" >&2; exit 1; }
w query "mutation { retractStatement(id: \"$st\", reason: \"The report named the wrong lab.\") { status } }"
w verify
w backup - | gzip -n -9 > "$here/store.backup.gz"
w export --format json > "$here/export.json"
w stats > "$here/stats.json"
