// Checks the message.status webhooks metriport-sim posts against Metriport's own webhook schema
// (@metriport/shared/medical) and the SDK's signature check, as the gateway's receiver sees them.
"use strict";

const assert = require("node:assert/strict");
const { describe, it, before, after } = require("node:test");
const { MetriportMedicalApi } = require("@metriport/api-sdk");
const { messageSchema } = require("@metriport/shared/domain/message");
const { messageStatusWebhookRequestSchema } = require("@metriport/shared/medical");
const { sleep } = require("../support/simulator");
const { WEBHOOK_KEY, UUID, startFixture, patientIdFor, zodIssues } = require("../support/metriport");

const TEST_TIMEOUT = 15_000;
const DESTINATION = "referrals@direct.clinic-a.example.org";

const isStatusFor = id => json => json.meta && json.meta.type === "message.status" && json.payload && json.payload.id === id;

function flipOneByte(text) {
  const bytes = Buffer.from(text, "utf8");
  const index = Math.floor(bytes.length / 2);
  bytes[index] = bytes[index] === 0x61 ? 0x62 : 0x61; // 'a' <-> 'b' keeps it one byte and ASCII
  return bytes.toString("utf8");
}

// The checks every received message.status webhook must pass; returns the parsed body.
function checkStatusWebhook(request, what) {
  assert.equal(request.method, "POST", `${what}: webhooks are POSTs`);
  assert.match(String(request.headers["content-type"]), /application\/json/, `${what}: content-type`);
  assert.ok(typeof request.signature === "string", `${what}: x-metriport-signature header missing`);
  assert.match(request.signature, /^[0-9a-f]{64}$/, `${what}: signature must be lower-case hex SHA-256`);
  assert.equal(
    MetriportMedicalApi.verifyWebhookSignature(WEBHOOK_KEY, request.rawBody, request.signature),
    true,
    `${what}: verifyWebhookSignature(key, rawBody, signature) must be true`,
  );
  assert.equal(
    MetriportMedicalApi.verifyWebhookSignature(WEBHOOK_KEY, request.rawBytes, request.signature),
    true,
    `${what}: verifyWebhookSignature must also accept the raw Buffer`,
  );
  assert.equal(
    MetriportMedicalApi.verifyWebhookSignature(WEBHOOK_KEY, flipOneByte(request.rawBody), request.signature),
    false,
    `${what}: a one-byte change of the body must fail verification`,
  );
  assert.equal(
    MetriportMedicalApi.verifyWebhookSignature("another-key", request.rawBody, request.signature),
    false,
    `${what}: another key must fail verification`,
  );
  const parsed = messageStatusWebhookRequestSchema.safeParse(request.json);
  assert.ok(parsed.success, `${what}: fails messageStatusWebhookRequestSchema: ${zodIssues(parsed)}\n${request.rawBody}`);
  assert.match(String(request.json.meta.messageId), UUID, `${what}: meta.messageId (the event id) must be a UUID`);
  return request.json;
}

describe("message.status webhooks from metriport-sim", { timeout: 45_000 }, () => {
  let fixture;
  let sdk;
  let sim;
  let receiver;
  let patientId;

  before(async () => {
    fixture = await startFixture({ settings: { webhook_delay_ms: 0 } });
    ({ sdk, sim, receiver } = fixture);
    patientId = await patientIdFor(sdk, "contract-webhook-patient");
  });
  after(async () => {
    await fixture?.close();
  });

  it("the SDK accepts the spec's signature test vector (sanity check of the SDK call)", () => {
    const body =
      '{"ping":"Uakgb_J5m9g-0JDMbcJqLJ","meta":{"messageId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f","when":"2025-01-01T00:00:00.000Z","type":"ping"}}';
    const signature = "f429187721f22a39627d0c936adb381171f072a8c8976c327fb65f1f8eb9c3c3";
    assert.equal(MetriportMedicalApi.verifyWebhookSignature("V1StGXR8_Z5jdHi6B-myT", body, signature), true);
  });

  it("each send is followed by a signed message.status webhook (completed) that passes Metriport's schema", { timeout: TEST_TIMEOUT }, async () => {
    await sim.updateSettings({ failed_rate: 0, webhook_duplicate_rate: 0 });
    const sent = [];
    for (let i = 0; i < 3; i++) {
      sent.push(await sdk.sendMessage({ patientId, destination: DESTINATION, subject: `Webhook ${i}`, body: "hello" }));
    }
    for (const message of sent) {
      const [request] = await receiver.waitForCount(isStatusFor(message.id), 1, { what: `message.status for ${message.id}` });
      const json = checkStatusWebhook(request, `webhook for ${message.id}`);
      assert.equal(json.payload.patientId, patientId, "payload.patientId");
      assert.equal(json.payload.status, "completed", "payload.status with failed_rate 0");
      assert.equal(json.payload.reason, undefined, "a completed message has no reason");
      const fetched = await sdk.getMessage(message.id);
      const parsed = messageSchema.safeParse(fetched);
      assert.ok(parsed.success, `getMessage after the webhook fails messageSchema: ${zodIssues(parsed)}`);
      assert.equal(fetched.status, "completed", "getMessage must agree with the webhook's status");
    }
    const received = await sim.received();
    for (const message of sent) {
      const recorded = received.webhooks.filter(w => w.messageId === message.id);
      assert.equal(recorded.length, 1, `simulator must record one webhook for ${message.id}`);
      const delivered = receiver.matching(isStatusFor(message.id))[0];
      assert.equal(recorded[0].rawBody, delivered.rawBody, "recorded rawBody must be the bytes delivered");
      assert.equal(recorded[0].signature, delivered.signature, "recorded signature must be the header delivered");
    }
  });

  it("failed_rate 1: the webhook says failed with a reason, and getMessage agrees", { timeout: TEST_TIMEOUT }, async () => {
    await sim.updateSettings({ failed_rate: 1, failed_reason: "Recipient address not found" });
    try {
      const message = await sdk.sendMessage({ patientId, destination: DESTINATION, subject: "Will fail", body: "x" });
      const [request] = await receiver.waitForCount(isStatusFor(message.id), 1, { what: `failed message.status for ${message.id}` });
      const json = checkStatusWebhook(request, "failed webhook");
      assert.equal(json.payload.status, "failed");
      assert.equal(json.payload.reason, "Recipient address not found", "payload.reason must carry failed_reason");
      const fetched = await sdk.getMessage(message.id);
      const parsed = messageSchema.safeParse(fetched);
      assert.ok(parsed.success, `getMessage of a failed message fails messageSchema: ${zodIssues(parsed)}`);
      assert.equal(fetched.status, "failed");
      assert.equal(fetched.reason, "Recipient address not found");
    } finally {
      await sim.updateSettings({ failed_rate: 0 });
    }
  });

  it("webhook_duplicate_rate 1: the same event (meta.messageId) arrives twice, both signed", { timeout: TEST_TIMEOUT }, async () => {
    await sim.updateSettings({ webhook_duplicate_rate: 1 });
    try {
      const message = await sdk.sendMessage({ patientId, destination: DESTINATION, subject: "Duplicated", body: "x" });
      const requests = await receiver.waitForCount(isStatusFor(message.id), 2, { what: `duplicated message.status for ${message.id}` });
      const bodies = requests.map((r, i) => checkStatusWebhook(r, `duplicate ${i + 1}`));
      assert.equal(bodies[0].meta.messageId, bodies[1].meta.messageId, "a duplicate must keep the event id meta.messageId");
      assert.equal(bodies[0].payload.status, bodies[1].payload.status, "a duplicate must carry the same status");
      await sleep(200);
      assert.equal(receiver.matching(isStatusFor(message.id)).length, 2, "duplicate rate 1 means exactly one extra copy");
    } finally {
      await sim.updateSettings({ webhook_duplicate_rate: 0 });
    }
  });
});
