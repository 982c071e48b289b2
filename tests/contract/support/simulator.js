// Starts and drives one metriport-sim process for a contract test (CLI and control API as in
// plan3.md "Simulator"), plus a local webhook receiver; every wait here is bounded by a timeout.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const CONTRACT_DIR = path.resolve(__dirname, "..");
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const CONTROL_TIMEOUT_MS = 5_000;
const READY_LINE = /metriport-sim listening on 127\.0\.0\.1:(\d+)/;

// Every simulator started by this process, so none outlives a crashed test file.
const liveChildren = new Set();
process.on("exit", () => {
  for (const child of liveChildren) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

// METRIPORT_SIM_BINARY when set (relative paths from tests/contract), else ../../build/metriport-sim.
function simulatorBinary() {
  const fromEnv = process.env.METRIPORT_SIM_BINARY;
  const binary = fromEnv
    ? path.resolve(CONTRACT_DIR, fromEnv)
    : path.resolve(CONTRACT_DIR, "..", "..", "build", "metriport-sim");
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(
      `metriport-sim not found or not executable at ${binary}; build it (target metriport-sim) ` +
        "or set METRIPORT_SIM_BINARY to its path",
    );
  }
  return binary;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// Polls `probe` (sync or async) until it returns a truthy value; throws with `what` after timeoutMs.
async function waitFor(probe, { timeoutMs = 5_000, intervalMs = 25, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// A Node HTTP server on 127.0.0.1:0 that records every request's raw body and answers 200
// (ping webhooks get {"pong": <ping>}), the way the gateway's webhook endpoint must.
async function startWebhookReceiver() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", chunk => chunks.push(chunk));
    req.on("end", () => {
      const rawBytes = Buffer.concat(chunks);
      const rawBody = rawBytes.toString("utf8");
      let json;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        signature: req.headers["x-metriport-signature"],
        rawBytes,
        rawBody,
        json,
        receivedAt: Date.now(),
      });
      const answer = json && json.meta && json.meta.type === "ping" ? { pong: json.ping } : { ok: true };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await withTimeout(
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    }),
    CONTROL_TIMEOUT_MS,
    "webhook receiver listen",
  );
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/metriport/webhook`,
    requests,
    // Webhook requests whose JSON body matches `predicate`.
    matching(predicate) {
      return requests.filter(r => r.json !== undefined && predicate(r.json));
    },
    async waitForCount(predicate, count, { timeoutMs = 5_000, what = "webhooks" } = {}) {
      return waitFor(
        () => {
          const found = requests.filter(r => r.json !== undefined && predicate(r.json));
          return found.length >= count ? found : undefined;
        },
        { timeoutMs, what: `${count} ${what} (have ${this.matching(predicate).length})` },
      );
    },
    close() {
      return withTimeout(
        new Promise(resolve => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        CONTROL_TIMEOUT_MS,
        "webhook receiver close",
      ).catch(() => undefined);
    },
  };
}

// Starts metriport-sim on 127.0.0.1:0 and resolves once it printed its listening line.
// options: apiKey, webhookUrl, webhookKey, settings (object), captureFile.
async function startSimulator(options = {}) {
  const binary = simulatorBinary();
  const apiKey = options.apiKey ?? "contract-api-key";
  const args = ["--listen", "127.0.0.1:0", "--api-key", apiKey];
  if (options.webhookUrl) args.push("--webhook-url", options.webhookUrl);
  if (options.webhookKey) args.push("--webhook-key", options.webhookKey);
  if (options.settings) args.push("--settings", JSON.stringify(options.settings));
  if (options.captureFile) args.push("--capture-file", options.captureFile);

  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  liveChildren.add(child);
  let stdout = "";
  let stderr = "";
  const exited = new Promise(resolve => {
    child.once("exit", (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", d => {
    stderr += d;
  });

  let port;
  try {
    port = await withTimeout(
      new Promise((resolve, reject) => {
        child.once("error", reject);
        child.stdout.on("data", d => {
          stdout += d;
          const match = READY_LINE.exec(stdout);
          if (match) resolve(Number(match[1]));
        });
        exited.then(({ code, signal }) =>
          reject(new Error(`metriport-sim exited before listening (code ${code}, signal ${signal})`)),
        );
      }),
      READY_TIMEOUT_MS,
      `"metriport-sim listening on 127.0.0.1:PORT" on stdout of ${binary} ${args.join(" ")}`,
    );
  } catch (error) {
    child.kill("SIGKILL");
    await withTimeout(exited, STOP_GRACE_MS, "metriport-sim exit after SIGKILL").catch(() => undefined);
    error.message += `\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`;
    throw error;
  }

  const origin = `http://127.0.0.1:${port}`;

  async function control(method, urlPath, body) {
    const response = await fetch(origin + urlPath, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${urlPath} answered ${response.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }

  let stopped;
  return {
    child,
    port,
    origin,
    apiKey,
    /** Base URL the gateway would configure: http://127.0.0.1:PORT/medical/v1 */
    baseUrl: `${origin}/medical/v1`,
    output: () => ({ stdout, stderr }),
    getSettings: () => control("GET", "/_sim/settings"),
    updateSettings: patch => control("POST", "/_sim/settings", patch),
    reset: () => control("POST", "/_sim/reset", {}),
    received: () => control("GET", "/_sim/received"),
    /** SIGTERM, wait up to 5 s, then SIGKILL; resolves {code, signal}. Idempotent. */
    stop() {
      if (!stopped) {
        stopped = (async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          try {
            return await withTimeout(exited, STOP_GRACE_MS, "metriport-sim exit after SIGTERM");
          } catch {
            child.kill("SIGKILL");
            const result = await withTimeout(exited, STOP_GRACE_MS, "metriport-sim exit after SIGKILL");
            return { ...result, killed: true };
          }
        })();
      }
      return stopped;
    },
  };
}

module.exports = { startSimulator, startWebhookReceiver, simulatorBinary, waitFor, sleep, withTimeout };
