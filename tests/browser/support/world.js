// The world of a browser test: a fresh database on the test PostgreSQL, the Metriport simulator and
// a real relay-gateway (both listeners), operators and a vendor made with the real CLI.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
export const samplesDir = join(repoRoot, '..', 'shared', 'samples');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (deploy/run-tests.sh sets it)`);
  return value;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function psql(adminUrl, sql) {
  return execFileSync('psql', [adminUrl, '-XAtqc', sql], { encoding: 'utf8', timeout: 30000 }).trim();
}

export class World {
  constructor() {
    this.gatewayBinary = required('RELAY_GATEWAY_BINARY');
    this.simulatorBinary = required('RELAY_SIMULATOR_BINARY');
    this.adminUrl = required('RELAY_TEST_DATABASE_URL');
    this.dir = mkdtempSync(join(tmpdir(), 'relay-browser-'));
    this.children = [];
  }

  async start({ simulatorSettings = {}, extraEnv = {} } = {}) {
    this.database = `relay_browser_${process.pid}_${Date.now()}`;
    psql(this.adminUrl, `CREATE DATABASE ${this.database}`);
    this.databaseUrl = databaseUrl(this.adminUrl, this.database);
    this.env = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      GATEWAY_TOKEN_SECRET: 'browser-test-token-secret-0123456789abcdef',
      METRIPORT_API_KEY: 'browser-test-api-key',
      METRIPORT_WEBHOOK_KEY: 'browser-test-webhook-key-0123456789',
      METRIPORT_SENDS_PER_MINUTE: '100000',
      ...extraEnv,
    };
    this.cli(['migrate']);

    this.gatewayPort = await freePort();
    this.opsPort = await freePort();
    this.simPort = await freePort();
    this.simUrl = `http://127.0.0.1:${this.simPort}`;
    this.opsUrl = `http://127.0.0.1:${this.opsPort}`;
    this.vendorUrl = `http://127.0.0.1:${this.gatewayPort}`;

    this.spawn('simulator', this.simulatorBinary, [
      '--listen', `127.0.0.1:${this.simPort}`, '--api-key', this.env.METRIPORT_API_KEY,
      '--webhook-url', `${this.vendorUrl}/webhooks/metriport`,
      '--webhook-key', this.env.METRIPORT_WEBHOOK_KEY,
      '--settings', JSON.stringify({ webhook_delay_ms: 300, ...simulatorSettings }),
    ]);
    await waitFor(async () => (await fetch(`${this.simUrl}/_sim/counters`)).ok, 'the simulator');

    const config = join(this.dir, 'gateway.json');
    writeFileSync(config, JSON.stringify({
      relay: { workers: 4, poll_interval_ms: 200, backoff_base_ms: 200, backoff_cap_ms: 1000,
        reconcile_interval_seconds: 5 },
      routing: { default: { destination: 'intake@default.direct.example.org', intended_recipient_npi: [] } },
    }));
    this.configPath = config;
    this.gateway = this.spawn('gateway', this.gatewayBinary, ['serve', '--config', config], {
      GATEWAY_LISTEN: `127.0.0.1:${this.gatewayPort}`,
      GATEWAY_OPS_LISTEN: `127.0.0.1:${this.opsPort}`,
      METRIPORT_BASE_URL: `${this.simUrl}/medical/v1`,
    });
    await waitFor(async () => (await fetch(`${this.opsUrl}/readyz`)).ok, 'the gateway');

    this.accounts = {
      admin: this.addOperator('ada', 'admin'),
      operator: this.addOperator('otto', 'operator'),
      viewer: this.addOperator('vera', 'viewer'),
    };
    this.vendor = this.addVendor('acme');
    return this;
  }

  spawn(label, binary, args, env = {}) {
    const log = join(this.dir, `${label}.log`);
    const child = spawn(binary, args, {
      env: { ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('exit', () => writeFileSync(log, Buffer.concat(chunks)));
    child.logText = () => Buffer.concat(chunks).toString('utf8');
    this.children.push(child);
    return child;
  }

  cli(args) {
    return execFileSync(this.gatewayBinary, args, {
      env: this.env, encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  addOperator(name, role) {
    const out = this.cli(['operator', 'add', name, '--role', role]);
    return { name, role, password: out.match(/^password: (\S+)$/m)[1] };
  }

  addVendor(name) {
    const out = this.cli(['vendor', 'add', name]);
    return { name, password: out.match(/^password: (\S+)$/m)[1] };
  }

  async vendorToken() {
    const body = new URLSearchParams({ grant_type: 'password', username: this.vendor.name,
      password: this.vendor.password });
    const answer = await fetch(`${this.vendorUrl}/token`, { method: 'POST', body });
    if (!answer.ok) throw new Error(`token: ${answer.status}`);
    return (await answer.json()).access_token;
  }

  // Posts the sample message (or a variant) as the vendor; returns the stored model.
  async postMessage(changes = {}) {
    const sample = JSON.parse(readFileSync(join(samplesDir, 'message.json'), 'utf8'));
    const message = { ...sample, ...changes };
    const answer = await fetch(`${this.vendorUrl}/api/OutgoingSecureMessages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await this.vendorToken()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
    });
    if (!answer.ok) throw new Error(`post message: ${answer.status} ${await answer.text()}`);
    return answer.json();
  }

  async simulator(path, body) {
    const answer = await fetch(`${this.simUrl}${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    return answer.json();
  }

  sql(query) {
    return psql(this.databaseUrl, query);
  }

  async stop() {
    for (const child of this.children.reverse()) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const timer = setTimeout(() => { child.kill('SIGKILL'); r(); }, 10000);
          child.once('exit', () => { clearTimeout(timer); r(); });
        });
      }
    }
    if (this.database) {
      try {
        psql(this.adminUrl, `DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
      } catch {
        // best effort
      }
    }
    if (!process.env.RELAY_TEST_KEEP_LOGS) rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitUntil(check, what, timeoutMs = 30000) {
  return waitFor(check, what, timeoutMs);
}
