// Checks a FollowTheMoney export (one entity a line) against the model of
// @alephdata/followthemoney: every schema exists and is concrete, every
// property exists on its schema, its values are strings within the
// property's maxLength and of its type (dates, URLs), entity references
// point at exported entities whose schema is in the property's range, and
// every required property is there. Prints a JSON report on stdout.
"use strict";
const fs = require("fs");
const readline = require("readline");
const { Model, defaultModel } = require("@alephdata/followthemoney");

const model = new Model(defaultModel);
const datePattern = /^\d{4}(-\d{2}(-\d{2}(T[\d:.]+Z?)?)?)?$/;

async function main(file) {
  const entities = [];
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() !== "") entities.push(JSON.parse(line));
  }
  const schemaOf = new Map();
  const problems = [];
  const bad = (msg) => problems.push(msg);
  for (const raw of entities) {
    if (schemaOf.has(raw.id)) bad(`id ${raw.id} twice`);
    schemaOf.set(raw.id, raw.schema);
  }
  const bySchema = {};
  for (const raw of entities) {
    let schema;
    try {
      schema = model.getSchema(raw.schema);
    } catch (e) {
      bad(`${raw.id}: ${e.message}`);
      continue;
    }
    bySchema[schema.name] = (bySchema[schema.name] || 0) + 1;
    if (schema.abstract) bad(`${raw.id}: schema ${schema.name} is abstract`);
    for (const req of schema.required) {
      if (!(raw.properties[req] || []).length) bad(`${raw.id} (${schema.name}): required ${req} missing`);
    }
    for (const [name, values] of Object.entries(raw.properties)) {
      if (!schema.hasProperty(name)) {
        bad(`${raw.id} (${schema.name}): no property ${name}`);
        continue;
      }
      const prop = schema.getProperty(name);
      if (!Array.isArray(values) || values.length === 0) bad(`${raw.id}.${name}: not a list of values`);
      for (const v of values) {
        if (typeof v !== "string") { bad(`${raw.id}.${name}: ${JSON.stringify(v)} is not a string`); continue; }
        if (prop.maxLength && v.length > prop.maxLength) bad(`${raw.id}.${name}: ${v.length} > maxLength ${prop.maxLength}`);
        switch (prop.type.name) {
          case "date":
            if (!datePattern.test(v)) bad(`${raw.id}.${name}: ${v} is not a date`);
            break;
          case "url":
            try { new URL(v); } catch (e) { bad(`${raw.id}.${name}: ${v} is not a URL`); }
            break;
          case "entity": {
            const target = schemaOf.get(v);
            if (!target) bad(`${raw.id}.${name}: no entity ${v}`);
            else if (!model.getSchema(target).isA(prop.getRange())) bad(`${raw.id}.${name}: ${target} is not a ${prop.getRange().name}`);
            break;
          }
        }
      }
    }
    // The model's own entity proxy takes it.
    const ent = model.getEntity(raw);
    if (ent.id !== raw.id || ent.schema.name !== schema.name) bad(`${raw.id}: the model's entity proxy disagrees`);
  }
  process.stdout.write(JSON.stringify({ entities: entities.length, bySchema, count: problems.length, problems: problems.slice(0, 20) }) + "\n");
}

main(process.argv[2]).catch((e) => { console.error(e); process.exit(1); });
