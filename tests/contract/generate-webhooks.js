// Writes signed Metriport webhook requests (message.status, ping, one other type) as JSON lines, built
// and checked with Metriport's own packages, for benchmarks and tests that POST them to the gateway.
"use strict";

// Usage: WEBHOOK_KEY=<key> WEBHOOK_FIXTURE_FILE=<out.jsonl> [WEBHOOK_COUNT=n]
//        [WEBHOOK_MESSAGE_IDS=<uuid>,<uuid>,...] [WEBHOOK_EXTRAS=0] [WEBHOOK_ADDED_FIELDS=1]
//        node generate-webhooks.js
// Lines, in this order:
//   - message.status events: WEBHOOK_COUNT (default 10) with random Metriport message ids, every
//     10th of them (the 2nd, 12th, ...) "failed" with a reason, the others "completed"; or, when
//     WEBHOOK_MESSAGE_IDS is set, one "completed" event per listed id (WEBHOOK_COUNT is ignored);
//     with WEBHOOK_ADDED_FIELDS=1 each carries one field Metriport's schema does not define, in
//     turn at the top level, in meta and in payload (ADDED_FIELDS), as if Metriport had added it;
//   - then, unless WEBHOOK_EXTRAS=0, one "ping" and one "other" (meta.type medical.consolidated-data).
// Each line: {"kind":"message.status"|"message.status-failed"|"ping"|"other","rawBody":"<exact body>",
//   "signature":"<hex>","eventId":"<meta.messageId>","messageStatusId"?:"<payload.id>",
//   "addedField"?:{"where":"top"|"meta"|"payload","name"},
//   "expectedStatus":200,"expectedBody":{"received":true}|{"pong":"<ping>"}}.
// Every meta.messageId is a fresh UUID, so every line is a new event for the gateway. Each payload is
// checked with @metriport/shared's schema (an added field must be accepted and dropped by it) and
// each signature with the SDK's verifyWebhookSignature before it is written; any failure exits 1
// without writing the file. Also a module: the contract tests call generate() and use ADDED_FIELDS.

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { MetriportMedicalApi } = require("@metriport/api-sdk");
const {
  messageStatusWebhookRequestSchema,
  pingWebhookRequestDataSchema,
  consolidatedWebhookRequestSchema,
} = require("@metriport/shared/medical");

const MAX_COUNT = 1_000_000;
const FAILED_EVERY = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Fields Metriport might add to a message.status one day, one per place its zod objects drop
// unknown keys, with values of several JSON types.
const ADDED_FIELDS = Object.freeze([
  Object.freeze({ where: "top", name: "schemaVersion", value: { major: 2, tags: ["status", null] } }),
  Object.freeze({ where: "meta", name: "attempt", value: 1 }),
  Object.freeze({ where: "payload", name: "hispReceipt", value: "accepted-by-recipient-hisp" }),
]);

function fail(message) {
  throw new Error(message);
}

function zodIssues(result) {
  return result.error.issues
    .map(issue => `${issue.path.join(".") || "(root)"}: ${issue.message} [${issue.code}]`)
    .join("; ");
}

function readSettings(env) {
  const key = env.WEBHOOK_KEY;
  if (!key) fail("WEBHOOK_KEY is required (the webhook key the gateway verifies with)");
  const file = env.WEBHOOK_FIXTURE_FILE;
  if (!file) fail("WEBHOOK_FIXTURE_FILE is required (where the JSON lines go)");
  const countText = env.WEBHOOK_COUNT ?? "10";
  if (!/^[0-9]{1,7}$/.test(countText) || Number(countText) > MAX_COUNT) {
    fail(`WEBHOOK_COUNT must be an integer in 0..${MAX_COUNT}, got '${countText}'`);
  }
  let messageIds;
  if (env.WEBHOOK_MESSAGE_IDS !== undefined && env.WEBHOOK_MESSAGE_IDS.trim() !== "") {
    messageIds = env.WEBHOOK_MESSAGE_IDS.split(",").map(id => id.trim());
    const bad = messageIds.findIndex(id => !UUID.test(id));
    if (bad >= 0) fail(`WEBHOOK_MESSAGE_IDS entry ${bad + 1} is not a UUID`);
  }
  const extras = env.WEBHOOK_EXTRAS ?? "1";
  if (extras !== "0" && extras !== "1") fail(`WEBHOOK_EXTRAS must be 0 or 1, got '${extras}'`);
  const added = env.WEBHOOK_ADDED_FIELDS ?? "0";
  if (added !== "0" && added !== "1") fail(`WEBHOOK_ADDED_FIELDS must be 0 or 1, got '${added}'`);
  return {
    key,
    file,
    count: Number(countText),
    messageIds,
    extras: extras === "1",
    addedFields: added === "1",
  };
}

function meta(type, when) {
  return { messageId: crypto.randomUUID(), when, type };
}

// A message.status request for Metriport message `id`: completed, or failed with a reason.
function statusRequest(id, failed, now) {
  const sentAt = new Date(now.getTime() - 2_000).toISOString();
  const payload = {
    id,
    patientId: crypto.randomUUID(),
    status: failed ? "failed" : "completed",
    sentAt,
    completedAt: now.toISOString(),
  };
  if (failed) payload.reason = "Recipient address rejected by the HISP";
  return { meta: meta("message.status", now.toISOString()), payload };
}

// The object of a status request where `added.where` says a field goes.
function placeOf(request, where) {
  return where === "top" ? request : request[where];
}

// The request with the added field in place (a copy; the field is the last key of its object).
function withAddedField(request, added) {
  const copy = structuredClone(request);
  placeOf(copy, added.where)[added.name] = structuredClone(added.value);
  return copy;
}

// Serializes, validates with `schema`, signs and checks the signature with the SDK: one line.
// An added field must pass the schema and be dropped by it (what Metriport's own server does).
function line(kind, request, schema, key, expectedBody, added) {
  const rawBody = JSON.stringify(request);
  const parsed = schema.safeParse(JSON.parse(rawBody));
  if (!parsed.success) fail(`a generated ${kind} payload fails Metriport's schema: ${zodIssues(parsed)}`);
  if (added && Object.hasOwn(placeOf(parsed.data, added.where), added.name)) {
    fail(`Metriport's schema kept the added ${added.where} field ${added.name}: it no longer drops unknown keys`);
  }
  const signature = crypto.createHmac("sha256", key).update(rawBody, "utf8").digest("hex");
  if (MetriportMedicalApi.verifyWebhookSignature(key, rawBody, signature) !== true) {
    fail(`the SDK's verifyWebhookSignature refused a generated ${kind} signature`);
  }
  const entry = { kind, rawBody, signature, eventId: request.meta.messageId };
  if (request.payload && request.meta.type === "message.status") entry.messageStatusId = request.payload.id;
  if (added) entry.addedField = { where: added.where, name: added.name };
  entry.expectedStatus = 200;
  entry.expectedBody = expectedBody;
  return JSON.stringify(entry);
}

function generate({ key, count, messageIds, extras, addedFields = false }) {
  const now = new Date();
  const lines = [];
  const received = { received: true };
  const statusPlan = messageIds
    ? messageIds.map(id => ({ id, failed: false }))
    : Array.from({ length: count }, (_, i) => ({ id: crypto.randomUUID(), failed: i % FAILED_EVERY === 1 }));
  statusPlan.forEach(({ id, failed }, index) => {
    const kind = failed ? "message.status-failed" : "message.status";
    const added = addedFields ? ADDED_FIELDS[index % ADDED_FIELDS.length] : undefined;
    const request = statusRequest(id, failed, now);
    const sent = added ? withAddedField(request, added) : request;
    lines.push(line(kind, sent, messageStatusWebhookRequestSchema, key, received, added));
  });
  if (extras) {
    const ping = crypto.randomBytes(16).toString("base64url");
    const pingRequest = { meta: meta("ping", now.toISOString()), ping };
    lines.push(line("ping", pingRequest, pingWebhookRequestDataSchema, key, { pong: ping }));
    // Another meta.type the gateway records without interpreting it (no PHI: an empty patient list).
    const other = { meta: meta("medical.consolidated-data", now.toISOString()), patients: [] };
    lines.push(line("other", other, consolidatedWebhookRequestSchema, key, received));
  }
  return lines;
}

function main() {
  try {
    const settings = readSettings(process.env);
    const lines = generate(settings);
    const target = path.resolve(settings.file);
    const temporary = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(temporary, lines.length > 0 ? `${lines.join("\n")}\n` : "");
    fs.renameSync(temporary, target);
    process.stderr.write(`generate-webhooks: wrote ${lines.length} lines to ${target}\n`);
  } catch (error) {
    process.stderr.write(`generate-webhooks: ${error.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();

module.exports = { ADDED_FIELDS, generate, statusRequest, withAddedField };
