// Checks an SPDX 3.0.1 JSON-LD document against the SPDX 3.0 model's rules
// for the classes whosedata writes (no npm package ships the SPDX 3.0 JSON
// schema, so the rules are written down here from the model: required
// properties, their value types and vocabularies, and that every reference
// names an element of the document), and parses every licence expression
// with spdx-expression-parse, which knows the SPDX License List. argv[3] is
// a JSON file of what the store says must be there. Prints a JSON report.
"use strict";
const fs = require("fs");
const parseLicense = require("spdx-expression-parse");

const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const want = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const problems = [];
const bad = (m) => problems.push(m);

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const iri = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const purposes = new Set(["application", "archive", "bom", "configuration", "container", "data", "device", "deviceDriver",
  "diskImage", "documentation", "evidence", "executable", "file", "filesystemImage", "firmware", "framework", "install",
  "library", "manifest", "model", "module", "operatingSystem", "other", "patch", "platform", "requirement", "source",
  "specification", "test"]);
const datasetTypes = new Set(["audio", "categorical", "graph", "image", "noAssertion", "numeric", "other", "sensor",
  "structured", "syntactic", "text", "timeseries", "timestamp", "video"]);
const relTypes = new Set(["affects", "amendedBy", "ancestorOf", "availableFrom", "configures", "contains", "coordinatedBy",
  "copiedTo", "delegatedTo", "dependsOn", "descendantOf", "describes", "doesNotAffect", "expandsTo", "exploitCreatedBy",
  "fixedBy", "fixedIn", "foundBy", "generates", "hasAddedFile", "hasAssessmentFor", "hasAssociatedVulnerability",
  "hasConcludedLicense", "hasDataFile", "hasDeclaredLicense", "hasDeletedFile", "hasDependencyManifest",
  "hasDistributionArtifact", "hasDocumentation", "hasDynamicLink", "hasEvidence", "hasExample", "hasHost", "hasInput",
  "hasMetadata", "hasOptionalComponent", "hasOptionalDependency", "hasOutput", "hasPrerequisite", "hasProvidedDependency",
  "hasRequirement", "hasSpecification", "hasStaticLink", "hasTest", "hasTestCase", "hasVariant", "invokedBy", "modifiedBy",
  "other", "packagedBy", "patchedBy", "publishedBy", "reportedBy", "republishedBy", "serializedInArtifact", "testedOn",
  "trainedOn", "underInvestigationFor", "usesTool"]);
const profiles = new Set(["core", "software", "simpleLicensing", "expandedLicensing", "security", "build", "ai", "dataset",
  "extension", "lite"]);
const agents = new Set(["Agent", "Organization", "Person", "SoftwareAgent"]);
const packages = new Set(["ai_AIPackage", "dataset_DatasetPackage", "software_Package"]);

if (doc["@context"] !== "https://spdx.org/rdf/3.0.1/spdx-context.jsonld") bad("@context is not SPDX 3.0.1's");
const graph = doc["@graph"] || [];
const byId = new Map();
let info = null;
for (const el of graph) {
  if (el.type === "CreationInfo") { info = el; continue; }
  if (typeof el.spdxId !== "string" || !iri.test(el.spdxId)) bad(`element without an IRI spdxId: ${JSON.stringify(el).slice(0, 80)}`);
  if (byId.has(el.spdxId)) bad(`spdxId ${el.spdxId} twice`);
  byId.set(el.spdxId, el);
}
const isType = (id, types) => byId.has(id) && types.has(byId.get(id).type);
if (!info) bad("no CreationInfo");
else {
  if (!/^_:/.test(info["@id"] || "")) bad("CreationInfo @id is not a blank node");
  if (!/^3\.0\.\d+$/.test(info.specVersion)) bad(`specVersion ${info.specVersion}`);
  if (!dateTime.test(info.created)) bad(`created ${info.created}`);
  if (!(info.createdBy || []).length || !info.createdBy.every((a) => isType(a, agents))) bad("createdBy is not a list of agents");
}
const counts = {};
for (const el of byId.values()) {
  counts[el.type] = (counts[el.type] || 0) + 1;
  if (el.creationInfo !== (info && info["@id"])) bad(`${el.spdxId}: creationInfo`);
  switch (el.type) {
    case "SpdxDocument":
      if (!(el.rootElement || []).length || !el.rootElement.every((id) => byId.has(id))) bad("rootElement");
      for (const id of el.element || []) if (!byId.has(id)) bad(`element ${id} is not in the document`);
      if ((el.element || []).length !== byId.size - 1) bad(`element lists ${(el.element || []).length} of ${byId.size - 1}`);
      for (const p of el.profileConformance || []) if (!profiles.has(p)) bad(`profile ${p}`);
      break;
    case "ai_AIPackage":
    case "dataset_DatasetPackage":
      if (!el.name) bad(`${el.spdxId}: no name`);
      if (!purposes.has(el.software_primaryPurpose)) bad(`${el.spdxId}: primaryPurpose ${el.software_primaryPurpose}`);
      if (el.type === "dataset_DatasetPackage" && !((el.dataset_datasetType || []).length && el.dataset_datasetType.every((t) => datasetTypes.has(t)))) bad(`${el.spdxId}: datasetType`);
      if (el.software_downloadLocation !== undefined && !iri.test(el.software_downloadLocation)) bad(`${el.spdxId}: downloadLocation`);
      for (const a of el.originatedBy || []) if (!isType(a, agents)) bad(`${el.spdxId}: originatedBy ${a}`);
      for (const x of el.externalIdentifier || []) if (x.type !== "ExternalIdentifier" || !x.identifier || !x.externalIdentifierType) bad(`${el.spdxId}: externalIdentifier`);
      break;
    case "Relationship":
      if (!byId.has(el.from)) bad(`${el.spdxId}: from ${el.from}`);
      if (!(el.to || []).length || !el.to.every((id) => byId.has(id))) bad(`${el.spdxId}: to`);
      if (!relTypes.has(el.relationshipType)) bad(`${el.spdxId}: relationshipType ${el.relationshipType}`);
      for (const f of ["startTime", "endTime"]) if (el[f] !== undefined && !dateTime.test(el[f])) bad(`${el.spdxId}: ${f} ${el[f]}`);
      if (el.relationshipType === "hasDeclaredLicense" && !el.to.every((id) => isType(id, new Set(["simplelicensing_LicenseExpression"])))) bad(`${el.spdxId}: licence is not a LicenseExpression`);
      if (el.relationshipType !== "hasDeclaredLicense" && !(isType(el.from, packages) && el.to.every((id) => isType(id, packages)))) bad(`${el.spdxId}: a lineage relationship joins packages`);
      break;
    case "simplelicensing_LicenseExpression":
      try { parseLicense(el.simplelicensing_licenseExpression); } catch (e) { bad(`${el.spdxId}: ${el.simplelicensing_licenseExpression}: ${e.message}`); }
      for (const d of el.simplelicensing_customIdToUri || []) if (d.type !== "DictionaryEntry" || !d.key) bad(`${el.spdxId}: customIdToUri`);
      break;
    case "Organization": case "Person": case "SoftwareAgent":
      if (!el.name) bad(`${el.spdxId}: no name`);
      break;
    default:
      bad(`${el.spdxId}: unexpected type ${el.type}`);
  }
}
// What the store says: every upstream asset is a package, with its
// declared licence expression.
for (const a of want.assets) {
  const el = byId.get("urn:uuid:" + a.id);
  if (!el || !packages.has(el.type)) { bad(`asset ${a.key} is not a package`); continue; }
  const decl = [...byId.values()].filter((r) => r.type === "Relationship" && r.relationshipType === "hasDeclaredLicense" && r.from === el.spdxId);
  if (a.licenses.length !== 0 && decl.length !== 1) bad(`asset ${a.key}: ${decl.length} hasDeclaredLicense`);
  if (decl.length === 1) {
    const expr = byId.get(decl[0].to[0]).simplelicensing_licenseExpression;
    for (const l of a.licenses) if (!expr.split(" AND ").includes(l)) bad(`asset ${a.key}: licence ${l} not in ${expr}`);
  }
}
process.stdout.write(JSON.stringify({ counts, count: problems.length, problems: problems.slice(0, 20) }) + "\n");
