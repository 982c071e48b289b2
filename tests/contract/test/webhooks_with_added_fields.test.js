// Metriport's webhook schemas (@metriport/shared, plain z.object) accept and drop keys they do not
// define; the gateway must do the same. Checks the events generate-webhooks.js builds with an added
// field (the ones the gateway's integration test posts and applies) and the schemas' behaviour.
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { describe, it } = require("node:test");
const { MetriportMedicalApi } = require("@metriport/api-sdk");
const {
  messageStatusWebhookRequestSchema,
  pingWebhookRequestDataSchema,
} = require("@metriport/shared/medical");
const { ADDED_FIELDS, generate, statusRequest, withAddedField } = require("../generate-webhooks");
const { zodIssues } = require("../support/metriport");

const KEY = "contract-added-fields-key";

function placeOf(request, where) {
  return where === "top" ? request : request[where];
}

describe("webhook fields Metriport may add", () => {
  it("covers the top level, meta and payload", () => {
    assert.deepEqual(ADDED_FIELDS.map(field => field.where), ["top", "meta", "payload"]);
  });

  for (const added of ADDED_FIELDS) {
    it(`messageStatusWebhookRequestSchema accepts and drops an added ${added.where} field`, () => {
      const request = withAddedField(statusRequest(crypto.randomUUID(), false, new Date()), added);
      assert.deepEqual(placeOf(request, added.where)[added.name], added.value);
      const parsed = messageStatusWebhookRequestSchema.safeParse(request);
      assert.ok(parsed.success, zodIssues(parsed));
      assert.equal(Object.hasOwn(placeOf(parsed.data, added.where), added.name), false);
      assert.equal(parsed.data.payload.id, request.payload.id);
    });
  }

  it("accepts all three at once, on a failed status with a reason", () => {
    let request = statusRequest(crypto.randomUUID(), true, new Date());
    for (const added of ADDED_FIELDS) request = withAddedField(request, added);
    const parsed = messageStatusWebhookRequestSchema.safeParse(request);
    assert.ok(parsed.success, zodIssues(parsed));
    assert.equal(parsed.data.payload.status, "failed");
    assert.equal(typeof parsed.data.payload.reason, "string");
  });

  it("still refuses a broken known field next to an added one (the gateway keeps those rules)", () => {
    for (const added of ADDED_FIELDS) {
      const request = withAddedField(statusRequest(crypto.randomUUID(), false, new Date()), added);
      delete request.payload.status;
      assert.equal(messageStatusWebhookRequestSchema.safeParse(request).success, false);
      request.payload.status = "delivered";
      assert.equal(messageStatusWebhookRequestSchema.safeParse(request).success, false);
    }
  });

  it("pingWebhookRequestDataSchema accepts added fields too, but not a ping without ping", () => {
    const when = new Date().toISOString();
    const ping = { meta: { messageId: crypto.randomUUID(), when, type: "ping", attempt: 1 }, ping: "p", extra: [1] };
    const parsed = pingWebhookRequestDataSchema.safeParse(ping);
    assert.ok(parsed.success, zodIssues(parsed));
    assert.equal(Object.hasOwn(parsed.data, "extra"), false);
    delete ping.ping;
    assert.equal(pingWebhookRequestDataSchema.safeParse(ping).success, false);
  });

  it("generate-webhooks.js with addedFields writes signed events the schema accepts", () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const lines = generate({ key: KEY, count: 0, messageIds: ids, extras: false, addedFields: true }).map(line =>
      JSON.parse(line),
    );
    assert.equal(lines.length, 3);
    lines.forEach((entry, index) => {
      const added = ADDED_FIELDS[index];
      assert.deepEqual(entry.addedField, { where: added.where, name: added.name });
      assert.equal(entry.messageStatusId, ids[index]);
      const body = JSON.parse(entry.rawBody);
      assert.deepEqual(placeOf(body, added.where)[added.name], added.value, "the raw body carries the field");
      const parsed = messageStatusWebhookRequestSchema.safeParse(body);
      assert.ok(parsed.success, zodIssues(parsed));
      assert.equal(MetriportMedicalApi.verifyWebhookSignature(KEY, entry.rawBody, entry.signature), true);
    });
    // Without the option nothing is added.
    const plain = generate({ key: KEY, count: 0, messageIds: ids, extras: false }).map(line => JSON.parse(line));
    for (const entry of plain) {
      assert.equal(entry.addedField, undefined);
      const body = JSON.parse(entry.rawBody);
      assert.deepEqual(Object.keys(body).sort(), ["meta", "payload"]);
    }
  });
});
