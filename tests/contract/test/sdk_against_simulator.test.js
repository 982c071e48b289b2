// Runs every Metriport call the gateway makes through Metriport's real SDK (@metriport/api-sdk)
// against metriport-sim, and checks the simulator's verdicts agree with @metriport/shared schemas.
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { describe, it, before, after } = require("node:test");
const { messageSchema, messageSendBodySchema } = require("@metriport/shared/domain/message");
const { sleep } = require("../support/simulator");
const {
  UUID,
  sdkFor,
  startFixture,
  documentReference,
  uploadDocument,
  patientIdFor,
  zodIssues,
  describeBody,
  expectHttpError,
  rawSend,
} = require("../support/metriport");

const TEST_TIMEOUT = 15_000;
const DESTINATION = "referrals@direct.clinic-a.example.org";

function assertValidMessage(message, what) {
  const result = messageSchema.safeParse(message);
  assert.ok(result.success, `${what}: answer fails messageSchema: ${zodIssues(result)}\n${describeBody(message)}`);
}

describe("Metriport SDK against metriport-sim", { timeout: 45_000 }, () => {
  let fixture;
  let sdk;
  let sim;
  let patientId;

  before(async () => {
    fixture = await startFixture({ settings: { webhook_delay_ms: 0 } });
    ({ sdk, sim } = fixture);
    patientId = await patientIdFor(sdk, "contract-patient-1");
  });

  after(async () => {
    const exit = await fixture?.close();
    if (exit) assert.deepEqual(
      { code: exit.code, killed: !!exit.killed },
      { code: 0, killed: false },
      `metriport-sim must exit 0 on SIGTERM, got ${JSON.stringify(exit)}`,
    );
  });

  describe("patients", () => {
    it("getPatientByExternalId finds a patient with a stable UUID", { timeout: TEST_TIMEOUT }, async () => {
      const first = await sdk.getPatientByExternalId("contract-patient-1");
      const again = await sdk.getPatientByExternalId("contract-patient-1");
      const other = await sdk.getPatientByExternalId("contract-patient-2");
      assert.match(String(first.id), UUID, "Patient.id must be a UUID");
      assert.equal(first.externalId, "contract-patient-1", "Patient.externalId must echo the external ID");
      assert.equal(again.id, first.id, "the same external ID must resolve to the same patient ID");
      assert.notEqual(other.id, first.id, "different external IDs must resolve to different patients");
      const received = await sim.received();
      assert.ok(
        received.patient_lookups.some(l => l.externalId === "contract-patient-1" && l.status === 200),
        `simulator must record the lookup: ${JSON.stringify(received.patient_lookups)}`,
      );
    });

    it("getPatientByExternalId of an unknown patient throws with HTTP 404", { timeout: TEST_TIMEOUT }, async () => {
      await sim.updateSettings({ unknown_patients: ["contract-missing-patient"] });
      try {
        await expectHttpError(sdk.getPatientByExternalId("contract-missing-patient"), 404, "unknown patient");
      } finally {
        await sim.updateSettings({ unknown_patients: [] });
      }
    });

    it("a wrong API key is refused with HTTP 401", { timeout: TEST_TIMEOUT }, async () => {
      await expectHttpError(sdkFor(sim, "not-the-key").getPatientByExternalId("contract-patient-1"), 401, "wrong API key");
    });
  });

  describe("documents", () => {
    it("createDocumentReference + PUT uploadUrl stores the bytes (sha256 recorded)", { timeout: TEST_TIMEOUT }, async () => {
      const bytes = crypto.randomBytes(4096);
      const doc = await uploadDocument(sdk, patientId, bytes);
      assert.ok(
        doc.uploadUrl.startsWith(`${sim.origin}/_upload/`),
        `uploadUrl should point at the simulator's /_upload/: ${doc.uploadUrl}`,
      );
      const received = await sim.received();
      const stored = received.documents.find(d => d.id === doc.documentReferenceId);
      assert.ok(stored, `simulator must record document ${doc.documentReferenceId}: ${JSON.stringify(received.documents)}`);
      assert.equal(stored.patientId, patientId, "document must belong to the patient it was created for");
      assert.equal(stored.uploaded, true, "document must be marked uploaded after the PUT");
      assert.equal(stored.size, bytes.length, "recorded size must be the PUT body's size");
      assert.equal(stored.sha256, doc.sha256, "recorded sha256 must be the sha256 of the PUT bytes");
    });

    it("createDocumentReference without the mandatory type is refused with HTTP 400", { timeout: TEST_TIMEOUT }, async () => {
      const { type, ...withoutType } = documentReference();
      assert.ok(type);
      await expectHttpError(sdk.createDocumentReference(patientId, withoutType), 400, "DocumentReference without type");
    });

    it("an upload URL past upload_url_ttl_ms answers 403 'Request has expired'", { timeout: TEST_TIMEOUT }, async () => {
      await sim.updateSettings({ upload_url_ttl_ms: 1 });
      try {
        const created = await sdk.createDocumentReference(patientId, documentReference({ size: 3 }));
        await sleep(50);
        const put = await fetch(created.uploadUrl, {
          method: "PUT",
          headers: { "content-type": "application/pdf" },
          body: "abc",
          signal: AbortSignal.timeout(5_000),
        });
        const text = await put.text();
        assert.equal(put.status, 403, `expired upload URL: expected 403, got ${put.status} ${text}`);
        assert.match(text, /<Code>AccessDenied<\/Code>/, "expired upload answer must be S3-like XML");
        assert.match(text, /Request has expired/, "expired upload answer must say 'Request has expired'");
      } finally {
        await sim.updateSettings({ upload_url_ttl_ms: 180_000 });
      }
    });
  });

  describe("send, get and list messages", () => {
    it("sendMessage answers a Message that passes messageSchema", { timeout: TEST_TIMEOUT }, async () => {
      const doc = await uploadDocument(sdk, patientId);
      const request = {
        destination: DESTINATION,
        subject: "Referral for contract-patient-1",
        body: "Please see the attached referral.",
        attachments: [doc.documentReferenceId],
        intendedRecipientNpi: ["1234567893"],
      };
      assert.ok(messageSendBodySchema.safeParse(request).success, "test body must be valid for Metriport");
      const message = await sdk.sendMessage({ patientId, ...request });
      assertValidMessage(message, "sendMessage");
      assert.equal(message.patientId, patientId);
      assert.equal(message.direction, "outbound");
      assert.equal(message.status, "processing", "a fresh send answers status processing");
      assert.equal(message.destination, request.destination);
      assert.equal(message.subject, request.subject);
      assert.equal(message.body, request.body);
      assert.deepEqual(message.attachments, request.attachments);
      assert.deepEqual(message.intendedRecipientNpi, request.intendedRecipientNpi);

      const fetched = await sdk.getMessage(message.id);
      assertValidMessage(fetched, "getMessage");
      assert.equal(fetched.id, message.id, "getMessage must answer the message asked for");
      assert.equal(fetched.subject, request.subject);

      const received = await sim.received();
      const send = received.sends.find(s => s.messageId === message.id);
      assert.ok(send, `simulator must record the send of ${message.id}`);
      assert.equal(send.outcome, "accepted");
      assert.equal(send.httpStatus, 200);
      assert.deepEqual(JSON.parse(send.rawBody), request, "the SDK must have sent exactly the request's fields");
    });

    it("getMessage of an unknown id throws with HTTP 404", { timeout: TEST_TIMEOUT }, async () => {
      await expectHttpError(sdk.getMessage(crypto.randomUUID()), 404, "unknown message id");
    });

    it("answer_shape communication: the SDK hands back {communication: {...}}", { timeout: TEST_TIMEOUT }, async () => {
      await sim.updateSettings({ answer_shape: "communication" });
      try {
        const subject = "Communication shape";
        const answer = await sdk.sendMessage({ patientId, destination: DESTINATION, subject, body: "hello" });
        assert.ok(answer && answer.communication, `expected {communication: ...}, got ${describeBody(answer)}`);
        const communication = answer.communication;
        assert.match(String(communication.id), UUID, "communication.id must be a UUID");
        assert.equal(communication.status, "in-progress");
        assert.equal(communication.topic && communication.topic.text, subject, "topic.text must carry the subject");
        assert.ok(Array.isArray(communication.recipient) && communication.recipient.length > 0, "recipient[] expected");
        assert.ok(typeof communication.sent === "string" && !Number.isNaN(Date.parse(communication.sent)), "sent must be a date");
        assert.ok(Array.isArray(communication.payload), "payload[] expected");
        const fetched = await sdk.getMessage(communication.id);
        const fetchedId = fetched.communication ? fetched.communication.id : fetched.id;
        assert.equal(fetchedId, communication.id, "getMessage must find the message sent in communication shape");
      } finally {
        await sim.updateSettings({ answer_shape: "message" });
      }
    });

    it("listMessages filters by patient/direction/destination and its nextPage URLs pass the SDK's same-origin guard", { timeout: TEST_TIMEOUT }, async () => {
      const listPatient = await patientIdFor(sdk, `contract-list-${crypto.randomUUID()}`);
      const otherPatient = await patientIdFor(sdk, `contract-list-other-${crypto.randomUUID()}`);
      const destination = "list@direct.clinic-b.example.org";
      const expected = [];
      for (let i = 0; i < 5; i++) {
        const m = await sdk.sendMessage({ patientId: listPatient, destination, subject: `List ${i}`, body: `b${i}` });
        expected.push(m.id);
      }
      await sdk.sendMessage({ patientId: listPatient, destination: "elsewhere@direct.example.org", subject: "noise", body: "x" });
      await sdk.sendMessage({ patientId: otherPatient, destination, subject: "noise", body: "x" });

      const filter = { patientId: listPatient, direction: "outbound", destination };
      let page = await sdk.listMessages({ ...filter, pagination: { count: 2 } });
      const seen = [];
      const pageSizes = [];
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 10, "pagination did not end within 10 pages");
        assert.ok(Array.isArray(page.messages), `page must have messages[]: ${describeBody(page)}`);
        assert.equal(page.meta.itemsOnPage, page.messages.length, "meta.itemsOnPage must count the page's messages");
        if (page.meta.itemsInTotal !== undefined) assert.equal(page.meta.itemsInTotal, 5, "meta.itemsInTotal");
        pageSizes.push(page.messages.length);
        for (const m of page.messages) {
          assertValidMessage(m, "listMessages item");
          assert.equal(m.patientId, listPatient, "patientId filter");
          assert.equal(m.destination, destination, "destination filter");
          assert.equal(m.direction, "outbound", "direction filter");
          seen.push(m.id);
        }
        if (!page.meta.nextPage) break;
        assert.ok(
          page.meta.nextPage.startsWith(`${sim.origin}/medical/v1/message?`),
          `nextPage must be on the base URL: ${page.meta.nextPage}`,
        );
        page = await sdk.listMessagesPage(page.meta.nextPage);
      }
      assert.deepEqual(pageSizes, [2, 2, 1], "5 messages at count=2 come in pages of 2, 2, 1");
      assert.deepEqual([...seen].sort(), [...expected].sort(), "the pages together list exactly the 5 matching messages");

      const failedOnly = await sdk.listMessages({ ...filter, status: "failed" });
      for (const m of failedOnly.messages) assert.equal(m.status, "failed", "status filter");
    });
  });

  describe("send validation agrees with messageSendBodySchema", () => {
    let docs;
    before(async () => {
      docs = [];
      for (let i = 0; i < 6; i++) docs.push((await uploadDocument(sdk, patientId)).documentReferenceId);
    });

    const invalid = () => [
      ["an unknown key", { destination: DESTINATION, subject: "s", body: "b", priority: "high" }],
      ["a subject of 256 chars", { destination: DESTINATION, subject: "s".repeat(256), body: "b" }],
      ["6 attachments", { destination: DESTINATION, subject: "s", attachments: docs.slice(0, 6) }],
      ["neither body nor attachments", { destination: DESTINATION, subject: "s" }],
      ["an empty body and no attachments", { destination: DESTINATION, subject: "s", body: "" }],
      ["a body of 5001 chars", { destination: DESTINATION, subject: "s", body: "b".repeat(5001) }],
      ["a non-UUID attachment", { destination: DESTINATION, subject: "s", attachments: ["not-a-uuid"] }],
    ];

    it("invalid bodies: the SDK throws HTTP 400 and Metriport's schema rejects them too", { timeout: TEST_TIMEOUT }, async () => {
      const before = await sim.received();
      for (const [what, body] of invalid()) {
        const schema = messageSendBodySchema.safeParse(body);
        assert.equal(schema.success, false, `${what}: messageSendBodySchema unexpectedly accepts ${describeBody(body)}`);
        // sendMessage forwards only the known fields, so the unknown-key body goes through the SDK's axios instance.
        const call = "priority" in body
          ? sdk.api.post("/message", body, { params: { patientId } })
          : sdk.sendMessage({ patientId, ...body });
        const response = await expectHttpError(call, 400, `send with ${what}`);
        assert.equal(response.data && response.data.status, 400, `${what}: error body must carry status 400`);
        assert.equal(response.data.title, "Missing or invalid parameters", `${what}: error title`);
        assert.ok(typeof response.data.detail === "string" && response.data.detail.length > 0, `${what}: error detail`);
      }
      const afterwards = await sim.received();
      assert.equal(afterwards.messages.length, before.messages.length, "a refused send must not create a message");
      const rejected = afterwards.sends.slice(before.sends.length);
      assert.equal(rejected.length, invalid().length, "every send must be recorded");
      for (const s of rejected) {
        assert.equal(s.outcome, "rejected", `recorded outcome of ${s.rawBody.slice(0, 80)}`);
        assert.equal(s.httpStatus, 400);
      }
    });

    it("edge bodies at the limits are accepted by both", { timeout: TEST_TIMEOUT }, async () => {
      const subject255 = "\u{1F600}" + "a".repeat(253); // a surrogate pair counts 2 UTF-16 units
      assert.equal(subject255.length, 255);
      const npis = Array.from({ length: 10 }, (_, i) => `123456789${i}`);
      const edges = [
        ["a subject of exactly 255 UTF-16 units with an emoji", { destination: DESTINATION, subject: subject255, body: "b" }],
        ["a body of exactly 5000 chars", { destination: DESTINATION, subject: "s", body: "b".repeat(5000) }],
        ["5 attachments and no body", { destination: DESTINATION, subject: "s", attachments: docs.slice(0, 5) }],
        ["10 intended recipient NPIs", { destination: DESTINATION, subject: "s", body: "b", intendedRecipientNpi: npis }],
        ["a destination of 255 chars", { destination: "d".repeat(255), subject: "s", body: "b" }],
        ["an organization OID destination", { destination: "2.16.840.1.113883.3.9621.5.213", subject: "s", body: "b" }],
        ["everything at its limit", {
          destination: DESTINATION,
          subject: subject255,
          body: "\u00e9".repeat(5000),
          attachments: docs.slice(1, 6),
          intendedRecipientNpi: npis,
        }],
      ];
      for (const [what, body] of edges) {
        const schema = messageSendBodySchema.safeParse(body);
        assert.ok(schema.success, `${what}: messageSendBodySchema rejects it: ${zodIssues(schema)}`);
        let message;
        try {
          message = await sdk.sendMessage({ patientId, ...body });
        } catch (error) {
          assert.fail(`${what}: simulator refused it: ${error.response ? `${error.response.status} ${JSON.stringify(error.response.data)}` : error.message}`);
        }
        assertValidMessage(message, what);
        assert.equal(message.subject, body.subject, `${what}: subject must round-trip unchanged`);
        if (body.body !== undefined) assert.equal(message.body, body.body, `${what}: body must round-trip unchanged`);
        if (body.attachments) assert.deepEqual(message.attachments, body.attachments, `${what}: attachments`);
        if (body.intendedRecipientNpi) assert.deepEqual(message.intendedRecipientNpi, body.intendedRecipientNpi, `${what}: NPIs`);
      }
    });

    it("for 20+ bodies, the simulator's 200/400 verdict equals messageSendBodySchema.safeParse(...).success", { timeout: TEST_TIMEOUT }, async () => {
      const d = DESTINATION;
      const bodies = [
        { destination: d, subject: "s", body: "b" },
        { destination: d, subject: "s", attachments: [docs[0]] },
        { destination: d, subject: "s", body: "b", attachments: [docs[0], docs[1]] },
        { destination: d, subject: "s", body: "line 1\nline 2\ttabbed\r\n" },
        { destination: d, subject: "Ünïcödé 日本語 \u{1F3E5}", body: "\u{1F600}".repeat(2500) },
        { destination: d, subject: "s", body: "\u{1F600}".repeat(2500) + "x" },
        { destination: d, subject: "\u{1F600}" + "a".repeat(254), body: "b" },
        { destination: "d".repeat(256), subject: "s", body: "b" },
        { destination: "", subject: "s", body: "b" },
        { subject: "s", body: "b" },
        { destination: d, body: "b" },
        { destination: d, subject: "", body: "b" },
        { destination: d, subject: "s", body: null },
        { destination: d, subject: "s", body: 42 },
        { destination: d, subject: "s", attachments: [] },
        { destination: d, subject: "s", body: "b", attachments: [] },
        { destination: d, subject: "s", body: "b", intendedRecipientNpi: [] },
        { destination: d, subject: "s", body: "b", intendedRecipientNpi: [""] },
        { destination: d, subject: "s", body: "b", intendedRecipientNpi: [1234567893] },
        { destination: d, subject: "s", body: "b", intendedRecipientNpi: Array.from({ length: 11 }, (_, i) => `n${i}`) },
        { destination: d, subject: "s", body: "b", patientId },
        { destination: d, subject: "s", attachments: docs[0] },
        { destination: 42, subject: "s", body: "b" },
        [{ destination: d, subject: "s", body: "b" }],
      ];
      const mismatches = [];
      for (const body of bodies) {
        const schemaAccepts = messageSendBodySchema.safeParse(body).success;
        const answer = await rawSend(sdk, patientId, body);
        if (answer.status !== 200 && answer.status !== 400) {
          mismatches.push(`${describeBody(body)}: simulator answered ${answer.status} (expected 200 or 400)`);
          continue;
        }
        const simAccepts = answer.status === 200;
        if (simAccepts !== schemaAccepts) {
          mismatches.push(
            `${describeBody(body)}: schema ${schemaAccepts ? "accepts" : "rejects"} ` +
              `(${zodIssues(messageSendBodySchema.safeParse(body))}), simulator answered ${answer.status} ${JSON.stringify(answer.data).slice(0, 200)}`,
          );
        }
      }
      assert.equal(mismatches.length, 0, `simulator and messageSendBodySchema disagree on:\n${mismatches.join("\n")}`);
    });

    it("attachments must be uploaded documents of the same patient (simulator rule beyond the schema)", { timeout: TEST_TIMEOUT }, async () => {
      const stranger = await patientIdFor(sdk, "contract-patient-2");
      const notUploaded = await sdk.createDocumentReference(patientId, documentReference({ size: 1 }));
      const cases = [
        ["another patient's document", stranger, [docs[0]]],
        ["a document reference whose bytes were never PUT", patientId, [notUploaded.documentReferenceId]],
        ["a UUID that is no document", patientId, [crypto.randomUUID()]],
      ];
      for (const [what, pid, attachments] of cases) {
        const body = { destination: DESTINATION, subject: "s", attachments };
        assert.ok(messageSendBodySchema.safeParse(body).success, `${what}: shape is valid for the schema`);
        await expectHttpError(sdk.sendMessage({ patientId: pid, ...body }), 400, `send with ${what}`);
      }
    });
  });
});

describe("injected faults as the SDK sees them", { timeout: 30_000 }, () => {
  let fixture;
  let sdk;
  let sim;
  let patientId;
  before(async () => {
    fixture = await startFixture({ settings: { webhook_delay_ms: 0 } });
    ({ sdk, sim } = fixture);
    patientId = await patientIdFor(sdk, "contract-fault-patient");
  });
  after(async () => {
    await fixture?.close();
  });

  it("error_rate 1: sends answer HTTP 5xx and store nothing", { timeout: TEST_TIMEOUT }, async () => {
    await sim.updateSettings({ error_rate: 1 });
    try {
      const before = (await sim.received()).messages.length;
      let error;
      try {
        await sdk.sendMessage({ patientId, destination: DESTINATION, subject: "fault 500", body: "b" });
      } catch (caught) {
        error = caught;
      }
      assert.ok(error && error.response, `expected an HTTP error answer, got ${error ? error.message : "success"}`);
      assert.ok(error.response.status >= 500 && error.response.status <= 599, `expected 5xx, got ${error.response.status}`);
      const received = await sim.received();
      assert.equal(received.messages.length, before, "a 5xx send must not store a message");
      assert.equal(received.sends.at(-1).outcome, "error", "recorded outcome of the 5xx send");
    } finally {
      await sim.updateSettings({ error_rate: 0 });
    }
  });

  it("rate_429 1: the SDK gets HTTP 429 with Retry-After = retry_after_seconds", { timeout: TEST_TIMEOUT }, async () => {
    await sim.updateSettings({ rate_429: 1, retry_after_seconds: 7 });
    try {
      const response = await expectHttpError(
        sdk.sendMessage({ patientId, destination: DESTINATION, subject: "fault 429", body: "b" }),
        429,
        "send with rate_429 1",
      );
      assert.equal(response.headers["retry-after"], "7", "Retry-After must carry retry_after_seconds");
    } finally {
      await sim.updateSettings({ rate_429: 0 });
    }
  });

  it("ambiguous_rate 1: the SDK gets no answer, yet listMessages finds the stored message", { timeout: TEST_TIMEOUT }, async () => {
    const destination = `ambiguous-${crypto.randomUUID()}@direct.example.org`;
    await sim.updateSettings({ ambiguous_rate: 1 });
    let error;
    try {
      await sdk.sendMessage({ patientId, destination, subject: "fault ambiguous", body: "b" });
    } catch (caught) {
      error = caught;
    } finally {
      await sim.updateSettings({ ambiguous_rate: 0 });
    }
    assert.ok(error, "an ambiguous send must not succeed");
    assert.equal(error.response, undefined, `an ambiguous send must get no HTTP answer, got ${error.response && error.response.status}`);
    const listed = await sdk.listMessages({ patientId, direction: "outbound", destination });
    assert.equal(listed.messages.length, 1, "the ambiguous send must be stored and listed");
    assertValidMessage(listed.messages[0], "listed ambiguous message");
    assert.equal(listed.messages[0].subject, "fault ambiguous");
    const received = await sim.received();
    assert.equal(received.sends.at(-1).outcome, "ambiguous");
    assert.equal(received.sends.at(-1).messageId, listed.messages[0].id, "the recorded send names the stored message");
  });
});

describe("send rate limit (send_limit_per_window)", { timeout: 30_000 }, () => {
  let fixture;
  after(async () => {
    await fixture?.close();
  });

  it("the 4th send in a window of 3 answers 429 with Retry-After and RateLimit-* headers", { timeout: TEST_TIMEOUT }, async () => {
    fixture = await startFixture({ settings: { send_limit_per_window: 3, send_window_seconds: 60, webhook_delay_ms: 0 } });
    const { sdk, sim } = fixture;
    const patientId = await patientIdFor(sdk, "contract-rate-patient");
    const body = { destination: DESTINATION, subject: "rate", body: "b" };
    for (let i = 0; i < 3; i++) {
      const answer = await rawSend(sdk, patientId, body);
      assert.equal(answer.status, 200, `send ${i + 1} of 3 must pass: ${answer.status} ${JSON.stringify(answer.data)}`);
      assert.equal(answer.headers["ratelimit-limit"], "3", `send ${i + 1}: RateLimit-Limit`);
      assert.equal(answer.headers["ratelimit-remaining"], String(2 - i), `send ${i + 1}: RateLimit-Remaining`);
      const reset = Number(answer.headers["ratelimit-reset"]);
      assert.ok(reset >= 0 && reset <= 60, `send ${i + 1}: RateLimit-Reset in 0..60 s, got ${answer.headers["ratelimit-reset"]}`);
    }
    const response = await expectHttpError(
      sdk.sendMessage({ patientId, ...body }),
      429,
      "4th send within the window",
    );
    const retryAfter = Number(response.headers["retry-after"]);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After in 1..60 s, got ${response.headers["retry-after"]}`);
    assert.equal(response.headers["ratelimit-limit"], "3", "429: RateLimit-Limit");
    assert.equal(response.headers["ratelimit-remaining"], "0", "429: RateLimit-Remaining");
    const reset = Number(response.headers["ratelimit-reset"]);
    assert.ok(reset >= 1 && reset <= 60, `429: RateLimit-Reset in 1..60 s, got ${response.headers["ratelimit-reset"]}`);
    const received = await sim.received();
    assert.equal(received.sends.at(-1).outcome, "rate_limited", "the simulator must record the 4th send as rate_limited");
    assert.equal(received.messages.length, 3, "a rate-limited send must not create a message");
  });
});
