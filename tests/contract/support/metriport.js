// Shared pieces for the contract tests: the real Metriport SDK pointed at a simulator, a
// simulator+webhook-receiver fixture, document upload, and readable assertion helpers.
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { MetriportMedicalApi } = require("@metriport/api-sdk");
const { startSimulator, startWebhookReceiver } = require("./simulator");

const API_KEY = "contract-api-key";
const WEBHOOK_KEY = "contract-webhook-key-V1StGXR8";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sdkFor(sim, apiKey = API_KEY) {
  return new MetriportMedicalApi(apiKey, { baseAddress: sim.origin, timeout: 5_000 });
}

// Receiver + simulator + SDK; `close()` stops both (use it in `after`).
async function startFixture({ settings, captureFile, webhooks = true } = {}) {
  const receiver = webhooks ? await startWebhookReceiver() : undefined;
  let sim;
  try {
    sim = await startSimulator({
      apiKey: API_KEY,
      webhookUrl: receiver?.url,
      webhookKey: webhooks ? WEBHOOK_KEY : undefined,
      settings,
      captureFile,
    });
  } catch (error) {
    await receiver?.close();
    throw error;
  }
  return {
    sim,
    receiver,
    sdk: sdkFor(sim),
    async close() {
      const exit = await sim.stop();
      await receiver?.close();
      return exit;
    },
  };
}

// The FHIR DocumentReference the gateway sends (mandatory: description, type, context).
function documentReference({ fileName = "referral.pdf", contentType = "application/pdf", size = 0 } = {}) {
  return {
    resourceType: "DocumentReference",
    status: "current",
    description: "Referral attachment",
    type: { text: "Referral note", coding: [{ system: "http://loinc.org", code: "57133-1", display: "Referral note" }] },
    context: { period: { start: "2025-01-01T00:00:00.000Z" }, facilityType: { text: "Clinic" } },
    content: [{ attachment: { contentType, title: fileName, fileName, size } }],
  };
}

const sha256Hex = bytes => crypto.createHash("sha256").update(bytes).digest("hex");

// createDocumentReference + PUT of `bytes` to the upload URL (no API key), as the gateway does.
async function uploadDocument(sdk, patientId, bytes = Buffer.from(`%PDF-1.4 contract ${crypto.randomUUID()}\n`)) {
  const created = await sdk.createDocumentReference(
    patientId,
    documentReference({ size: bytes.length }),
  );
  assert.match(String(created.documentReferenceId), UUID, "documentReferenceId must be a UUID");
  const put = await fetch(created.uploadUrl, {
    method: "PUT",
    headers: { "content-type": "application/pdf" },
    body: bytes,
    signal: AbortSignal.timeout(5_000),
  });
  assert.equal(put.status, 200, `PUT ${created.uploadUrl} answered ${put.status}: ${await put.text()}`);
  return { ...created, bytes, sha256: sha256Hex(bytes) };
}

async function patientIdFor(sdk, externalId) {
  const patient = await sdk.getPatientByExternalId(externalId);
  assert.match(String(patient.id), UUID, `patient id for ${externalId} must be a UUID`);
  return patient.id;
}

function zodIssues(result) {
  if (result.success) return "(valid)";
  return result.error.issues
    .map(issue => `${issue.path.join(".") || "(root)"}: ${issue.message} [${issue.code}]`)
    .join("; ");
}

// Short, readable description of a request body for assertion messages (long strings elided).
function describeBody(body) {
  return JSON.stringify(body, (_, value) =>
    typeof value === "string" && value.length > 40 ? `<${value.length} UTF-16 units>` : value,
  );
}

// Awaits `promise`, expecting an axios error with `status`; returns the error's response.
async function expectHttpError(promise, status, what) {
  let error;
  try {
    const value = await promise;
    assert.fail(`${what}: expected HTTP ${status}, but the call succeeded with ${describeBody(value)}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  assert.equal(
    error.isAxiosError,
    true,
    `${what}: expected an axios error with HTTP ${status}, got ${error && error.stack}`,
  );
  assert.ok(error.response, `${what}: expected an HTTP answer, got no response (${error.code}: ${error.message})`);
  assert.equal(
    error.response.status,
    status,
    `${what}: expected HTTP ${status}, got ${error.response.status} ${JSON.stringify(error.response.data)}`,
  );
  return error.response;
}

// POST /message through the SDK's own axios instance (so bodies with keys the SDK would drop
// can be sent); resolves {status, data, headers} for any status.
async function rawSend(sdk, patientId, body) {
  const response = await sdk.api.post("/message", body, {
    params: { patientId },
    validateStatus: () => true,
  });
  return { status: response.status, data: response.data, headers: response.headers };
}

module.exports = {
  API_KEY,
  WEBHOOK_KEY,
  UUID,
  sdkFor,
  startFixture,
  documentReference,
  sha256Hex,
  uploadDocument,
  patientIdFor,
  zodIssues,
  describeBody,
  expectHttpError,
  rawSend,
};
