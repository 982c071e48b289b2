// Validates the Metriport traffic the gateway really produced (capture files written by the
// simulators of the integration tests, in RELAY_CAPTURE_DIR) against Metriport's own schemas.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { describe, it, after } = require("node:test");
const { waitFor } = require("../support/simulator");
const { WEBHOOK_KEY, startFixture, patientIdFor, uploadDocument, rawSend } = require("../support/metriport");
const { captureFilesIn, readCaptureLines, checkCaptureLines, describeFailures } = require("../support/capture");

const TEST_TIMEOUT = 15_000;
const CONTRACT_DIR = path.resolve(__dirname, "..");

describe("capture checker on the simulator's own capture of SDK traffic", { timeout: 30_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-contract-capture-"));
  const captureFile = path.join(dir, "sdk.jsonl");
  let fixture;
  after(async () => {
    await fixture?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("every captured line of valid SDK sends and their webhooks passes; the one invalid send is caught", { timeout: TEST_TIMEOUT }, async () => {
    fixture = await startFixture({ settings: { webhook_delay_ms: 0 }, captureFile });
    const { sdk, sim, receiver } = fixture;
    const patientId = await patientIdFor(sdk, "contract-capture-patient");
    const doc = await uploadDocument(sdk, patientId);
    const valid = [
      { destination: "a@direct.example.org", subject: "Capture 1", body: "text" },
      { destination: "2.16.840.1.113883.3.9621", subject: "Capture \u{1F3E5}", attachments: [doc.documentReferenceId] },
      { destination: "b@direct.example.org", subject: "Capture 3", body: "x", intendedRecipientNpi: ["1234567893"] },
    ];
    const sentIds = [];
    for (const body of valid) sentIds.push((await sdk.sendMessage({ patientId, ...body })).id);
    const invalid = await rawSend(sdk, patientId, { destination: "c@direct.example.org", subject: "s".repeat(256), body: "x" });
    assert.equal(invalid.status, 400, "the deliberately invalid send must be refused");
    await waitFor(() => sentIds.every(id => receiver.requests.some(r => r.json?.payload?.id === id)), {
      what: "a webhook for every accepted send",
    });
    const received = await sim.received();
    const exit = await fixture.close();
    fixture = undefined;
    assert.equal(exit.code, 0, "metriport-sim must exit 0 on SIGTERM (and flush its capture file)");

    const lines = readCaptureLines([captureFile]);
    const sendLines = lines.filter(l => l.kind === "send");
    const webhookLines = lines.filter(l => l.kind === "webhook");
    assert.equal(sendLines.length, valid.length + 1, "one capture line per send request, refused ones included");
    assert.deepEqual(
      sendLines.map(l => l.entry.rawBody),
      received.sends.map(s => s.rawBody),
      "captured send bodies must be exactly the bodies the simulator received",
    );
    assert.equal(webhookLines.length, receiver.requests.length, "one capture line per webhook delivered");
    for (const line of webhookLines) assert.equal(line.entry.key, WEBHOOK_KEY, `${line.where}: key must be the webhook key`);

    const result = checkCaptureLines(lines);
    assert.equal(result.failures.length, 1, `expected only the invalid send to fail:\n${describeFailures(result.failures)}`);
    assert.equal(result.failures[0].where, sendLines.at(-1).where, "the failure must be the 256-char subject send");
    assert.match(result.failures[0].problem, /subject/, "the zod issue must name the subject");
  });
});

describe("gateway traffic captured by the integration tests (RELAY_CAPTURE_DIR)", () => {
  const allowNone = process.env.CONTRACT_ALLOW_NO_CAPTURE === "1";
  const configured = process.env.RELAY_CAPTURE_DIR;
  const dir = configured ? path.resolve(CONTRACT_DIR, configured) : undefined;

  function loadOrExplain() {
    const howTo =
      "the gateway integration tests are supposed to write *.jsonl capture files there (metriport-sim --capture-file); " +
      "set CONTRACT_ALLOW_NO_CAPTURE=1 to run without them";
    if (!dir) return { missing: `RELAY_CAPTURE_DIR is not set; ${howTo}` };
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return { missing: `RELAY_CAPTURE_DIR ${dir} does not exist; ${howTo}` };
    const files = captureFilesIn(dir);
    const lines = readCaptureLines(files);
    if (!lines.some(l => l.kind === "send")) {
      return { missing: `RELAY_CAPTURE_DIR ${dir} has no send lines in ${files.length} *.jsonl file(s); ${howTo}` };
    }
    return { files, lines };
  }

  it("every captured send body passes messageSendBodySchema and every webhook its schema and signature", (t) => {
    const loaded = loadOrExplain();
    if (loaded.missing) {
      if (allowNone) {
        t.skip(`${loaded.missing} (CONTRACT_ALLOW_NO_CAPTURE=1)`);
        return;
      }
      assert.fail(loaded.missing);
    }
    const result = checkCaptureLines(loaded.lines);
    t.diagnostic(`${loaded.files.length} file(s): ${result.sends} send(s), ${result.webhooks} webhook(s) checked`);
    assert.equal(
      result.failures.length,
      0,
      `${result.failures.length} of ${loaded.lines.length} captured lines in ${dir} fail Metriport's checks:\n` +
        describeFailures(result.failures),
    );
  });
});
