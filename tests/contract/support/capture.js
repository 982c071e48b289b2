// Reads *.jsonl capture files written by metriport-sim --capture-file and checks every line
// against Metriport's own schemas and the SDK's webhook signature check.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { MetriportMedicalApi } = require("@metriport/api-sdk");
const { messageSendBodySchema } = require("@metriport/shared/domain/message");
const {
  messageStatusWebhookRequestSchema,
  pingWebhookRequestDataSchema,
  webhookRequestSchema,
} = require("@metriport/shared/medical");
const { zodIssues } = require("./metriport");

function captureFilesIn(dir) {
  return fs
    .readdirSync(dir)
    .filter(name => name.endsWith(".jsonl"))
    .sort()
    .map(name => path.join(dir, name));
}

// [{where: "file:line", kind, entry}] plus unparsable lines as kind "unparsable".
function readCaptureLines(files) {
  const lines = [];
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      const where = `${path.basename(file)}:${index + 1}`;
      try {
        const entry = JSON.parse(line);
        lines.push({ where, kind: entry && entry.kind, entry });
      } catch (error) {
        lines.push({ where, kind: "unparsable", error: error.message });
      }
    });
  }
  return lines;
}

// The schema for a webhook body by meta.type: message.status and ping strictly, others by
// the SDK's union of all webhook requests.
function webhookSchemaFor(json) {
  const type = json && json.meta && json.meta.type;
  if (type === "message.status") return { name: "messageStatusWebhookRequestSchema", schema: messageStatusWebhookRequestSchema };
  if (type === "ping") return { name: "pingWebhookRequestDataSchema", schema: pingWebhookRequestDataSchema };
  return { name: "webhookRequestSchema", schema: webhookRequestSchema };
}

function checkSendLine(line) {
  if (typeof line.entry.rawBody !== "string") return "rawBody is not a string";
  let body;
  try {
    body = JSON.parse(line.entry.rawBody);
  } catch (error) {
    return `rawBody is not JSON (${error.message})`;
  }
  const result = messageSendBodySchema.safeParse(body);
  return result.success ? undefined : `messageSendBodySchema: ${zodIssues(result)}`;
}

function checkWebhookLine(line) {
  const { rawBody, signature, key } = line.entry;
  if (typeof rawBody !== "string") return "rawBody is not a string";
  if (typeof signature !== "string" || typeof key !== "string") return "signature or key missing";
  const problems = [];
  if (!MetriportMedicalApi.verifyWebhookSignature(key, rawBody, signature)) {
    problems.push("verifyWebhookSignature(key, rawBody, signature) is false");
  }
  let json;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    return [...problems, `rawBody is not JSON (${error.message})`].join("; ");
  }
  const { name, schema } = webhookSchemaFor(json);
  const result = schema.safeParse(json);
  if (!result.success) problems.push(`${name}: ${zodIssues(result)}`);
  return problems.length ? problems.join("; ") : undefined;
}

// Checks every line; returns {sends, webhooks, failures: [{where, kind, problem}]}.
function checkCaptureLines(lines) {
  const failures = [];
  let sends = 0;
  let webhooks = 0;
  for (const line of lines) {
    let problem;
    if (line.kind === "send") {
      sends++;
      problem = checkSendLine(line);
    } else if (line.kind === "webhook") {
      webhooks++;
      problem = checkWebhookLine(line);
    } else if (line.kind === "unparsable") {
      problem = `not JSON: ${line.error}`;
    } else {
      problem = `unknown kind ${JSON.stringify(line.kind)}`;
    }
    if (problem) failures.push({ where: line.where, kind: line.kind, problem });
  }
  return { sends, webhooks, failures };
}

function describeFailures(failures, max = 5) {
  const shown = failures.slice(0, max).map(f => `  ${f.where} (${f.kind}): ${f.problem}`);
  if (failures.length > max) shown.push(`  ... and ${failures.length - max} more`);
  return shown.join("\n");
}

module.exports = { captureFilesIn, readCaptureLines, checkCaptureLines, describeFailures, webhookSchemaFor };
