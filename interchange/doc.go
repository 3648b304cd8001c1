// Package interchange writes the whosedata graph in the formats other tools
// read (SPEC §11): RDF 1.1 N-Quads for RDF stores, GraphML for Gephi, yEd and
// NetworkX, the CSV header format of neo4j-admin's import, FollowTheMoney
// entities for Aleph, and SPDX 3.0 JSON-LD for AI bills of materials. The
// whosedata/v1 formats themselves (json, jsonl) are package fixtures'.
//
// Every writer reads one *graph.Snapshot, so what it writes is the store as
// one commit left it, and writes as it iterates: memory stays flat in the
// size of the graph (WriteSPDX reads one entity's upstream walk). Each keeps
// what its format can hold of the claims — status, claimant, date, evidence,
// validity — and the README's format table lists what each leaves out.
//
// The files:
//
//	rdf.go      WriteNQuads: one named graph per statement, described with PROV-O
//	graphml.go  WriteGraphML: typed <key> declarations, one edge per relation
//	neo4j.go    WriteNeo4jCSV: nodes.csv and relationships.csv for neo4j-admin
//	ftm.go      WriteFTM: FollowTheMoney entities, one JSON object a line
//	spdx.go     WriteSPDX: one asset, its upstream datasets and models, their licences
//	common.go   what they share: the relation summary, text helpers
package interchange
