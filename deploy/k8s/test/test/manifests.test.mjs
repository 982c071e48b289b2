// deploy/k8s checked offline: every object valid against its schema with no unknown field, and the
// rules the README promises (probes, shutdown timing, security, secrets by reference, HA database).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  baseFromFiles,
  kubectlAvailable,
  kustomize,
  repoRoot,
  unknownFieldReport,
  validate,
} from "../lib/manifests.mjs";

const haveKubectl = kubectlAvailable();
const noKubectl = haveKubectl ? false : "kubectl is not installed: kustomize rendering skipped";
if (!haveKubectl) console.log(`# ${noKubectl} (the base's files are checked as they are)`);

// Each set of objects the checks below run on: the base's files always, kustomize's output of the
// base and of every overlay when kubectl is there.
const sets = [{ name: "base files", docs: baseFromFiles() }];
if (haveKubectl) {
  sets.push({ name: "kustomize base", docs: kustomize("base") });
  for (const overlay of readdirSync(join(repoRoot, "deploy/k8s/overlays"))) {
    sets.push({ name: `kustomize overlays/${overlay}`, docs: kustomize(`overlays/${overlay}`) });
  }
}

const one = (docs, kind, name) => {
  const found = docs.filter((doc) => doc.kind === kind && (!name || doc.metadata.name === name));
  assert.equal(found.length, 1, `exactly one ${kind}${name ? ` ${name}` : ""}`);
  return found[0];
};
const gatewayConfig = (docs) => {
  const map = docs.find((doc) => doc.kind === "ConfigMap" && doc.metadata.name.startsWith("relay-gateway-config"));
  assert.ok(map, "the relay-gateway-config ConfigMap");
  return JSON.parse(map.data["gateway.json"]);
};
const container = (workload, name) => {
  const found = workload.spec.template.spec.containers.find((c) => c.name === name);
  assert.ok(found, `container ${name} in ${workload.metadata.name}`);
  return found;
};
const portNumber = (containerSpec, port) =>
  typeof port === "number" ? port : containerSpec.ports.find((p) => p.name === port).containerPort;
const listenPort = (address) => Number(address.slice(address.lastIndexOf(":") + 1));

test("kubectl kustomize renders the base and every overlay", { skip: noKubectl }, () => {
  for (const set of sets.slice(1)) assert.ok(set.docs.length >= 9, `${set.name}: ${set.docs.length} objects`);
});

for (const { name, docs } of sets) {
  test(`${name}: every object is valid against its schema`, () => {
    const problems = [];
    for (const doc of docs) {
      try {
        validate(doc);
      } catch (error) {
        problems.push(error.message);
      }
    }
    assert.deepEqual(problems, []);
  });

  test(`${name}: no object has a field its API does not define`, () => {
    assert.equal(unknownFieldReport(docs), "");
  });

  test(`${name}: no Secret values, only references read through *_FILE`, () => {
    assert.equal(docs.filter((doc) => doc.kind === "Secret").length, 0, "no Secret object is shipped");
    const secretNames = ["DATABASE_URL", "GATEWAY_TOKEN_SECRET", "METRIPORT_API_KEY", "METRIPORT_WEBHOOK_KEY"];
    for (const workload of [one(docs, "Deployment"), one(docs, "Job")]) {
      for (const c of workload.spec.template.spec.containers) {
        for (const variable of c.env ?? []) {
          assert.ok(!secretNames.includes(variable.name), `${variable.name} must come from a file`);
          if (variable.name.endsWith("_FILE")) {
            assert.match(variable.value, /^\/run\/secrets\/relay-gateway\//, variable.name);
          }
        }
        assert.equal(c.envFrom, undefined, "no envFrom (secrets would become variables)");
      }
    }
    const config = gatewayConfig(docs);
    for (const key of secretNames) assert.ok(!config[key], `${key} is not in the ConfigMap`);
  });

  test(`${name}: the gateway reaches PostgreSQL through CloudNativePG's read-write service`, () => {
    const cluster = one(docs, "Cluster");
    const deployment = one(docs, "Deployment");
    const gateway = container(deployment, "gateway");
    assert.ok(gateway.env.some((v) => v.name === "DATABASE_URL_FILE"));
    const sources = deployment.spec.template.spec.volumes.find((v) => v.name === "secrets").projected.sources;
    // The operator's "<cluster>-app" secret; its "uri" names the "<cluster>-rw" Service.
    const database = sources.find((s) => s.secret.items.some((item) => item.path === "database_url"));
    assert.equal(database.secret.name, `${cluster.metadata.name}-app`);
    assert.deepEqual(database.secret.items, [{ key: "uri", path: "database_url" }]);
    assert.equal(cluster.spec.instances, 3);
    assert.ok(cluster.spec.postgresql.synchronous.number >= 1, "synchronous replication");
    assert.equal(cluster.spec.postgresql.synchronous.dataDurability, "required");
    assert.equal(cluster.spec.affinity.podAntiAffinityType, "required");
    const job = one(docs, "Job");
    const jobSecret = job.spec.template.spec.volumes.find((v) => v.name === "secrets").projected.sources;
    assert.equal(jobSecret[0].secret.name, `${cluster.metadata.name}-app`);
  });

  test(`${name}: three replicas, probes on the operations listener, spread and protected`, () => {
    const deployment = one(docs, "Deployment");
    const spec = deployment.spec.template.spec;
    const gateway = container(deployment, "gateway");
    const config = gatewayConfig(docs);
    assert.equal(deployment.spec.replicas, 3);
    assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0);
    assert.equal(config.GATEWAY_LISTEN, "0.0.0.0:8080");
    assert.equal(config.GATEWAY_OPS_LISTEN, "0.0.0.0:8090");
    assert.equal(portNumber(gateway, "vendor"), listenPort(config.GATEWAY_LISTEN));
    assert.equal(portNumber(gateway, "ops"), listenPort(config.GATEWAY_OPS_LISTEN));
    for (const [probe, path] of [["startupProbe", "/livez"], ["livenessProbe", "/livez"], ["readinessProbe", "/readyz"]]) {
      assert.equal(gateway[probe].httpGet.path, path, probe);
      assert.equal(portNumber(gateway, gateway[probe].httpGet.port), listenPort(config.GATEWAY_OPS_LISTEN), probe);
    }
    const keys = spec.topologySpreadConstraints.map((c) => c.topologyKey).sort();
    assert.deepEqual(keys, ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    const pdb = one(docs, "PodDisruptionBudget");
    assert.equal(pdb.spec.minAvailable, 2);
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels)) {
      assert.equal(deployment.spec.template.metadata.labels[key], value, `PDB selects the pods by ${key}`);
    }
  });

  test(`${name}: stopping outlasts the drain, the grace and the longest Metriport call`, () => {
    const deployment = one(docs, "Deployment");
    const spec = deployment.spec.template.spec;
    const gateway = container(deployment, "gateway");
    const config = gatewayConfig(docs);
    const upload = config.metriport?.upload_timeout_seconds ?? 120;
    const request = config.metriport?.request_timeout_seconds ?? 30;
    const longestCall = Math.max(upload, request);
    const drain = config.http?.drain_delay_seconds ?? 0;
    const grace = config.http?.shutdown_grace_seconds ?? 10;
    const lease = config.relay?.lease_seconds ?? 300;
    const command = gateway.lifecycle.preStop.exec.command;
    assert.equal(command[0], "/bin/sleep");
    const preStop = Number(command[1]);
    const readiness = gateway.readinessProbe;
    // Readiness turns 503 at SIGTERM; the pod leaves the endpoints within one failed probe, while
    // the listeners still serve for the drain delay.
    assert.ok(drain >= readiness.periodSeconds * readiness.failureThreshold, "drain covers a readiness probe");
    assert.ok(grace >= longestCall + 5, "in-flight Metriport calls may finish within the shutdown grace");
    assert.ok(lease >= longestCall + 5, "relay lease is at least the longest call + 5");
    // The gateway exits at the latest drain + grace + 5 s after SIGTERM, which comes after preStop.
    assert.ok(spec.terminationGracePeriodSeconds > preStop + drain + grace + 5);
    assert.ok(spec.terminationGracePeriodSeconds > preStop + longestCall);
  });

  test(`${name}: non-root, read-only, no privilege escalation, no capabilities, RuntimeDefault seccomp`, () => {
    for (const workload of [one(docs, "Deployment"), one(docs, "Job")]) {
      const pod = workload.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser >= 10000, "a numeric non-root user");
      assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
      assert.equal(pod.automountServiceAccountToken, false);
      for (const c of pod.containers) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
        assert.equal(c.securityContext.capabilities.add, undefined, c.name);
        assert.ok(c.resources.requests.memory && c.resources.limits.memory, `${c.name} memory`);
        for (const mount of c.volumeMounts) {
          const volume = pod.volumes.find((v) => v.name === mount.name);
          assert.ok(mount.readOnly === true || volume.emptyDir, `${mount.mountPath}: only emptyDir is writable`);
        }
      }
      const secrets = pod.volumes.find((v) => v.name === "secrets");
      assert.equal(secrets.projected.defaultMode, 0o440, "secret files 0440 (YAML 1.1 octal)");
    }
  });

  test(`${name}: the ops port is cluster-internal and only monitoring may reach it`, () => {
    const ops = one(docs, "Service", "relay-gateway-ops");
    assert.equal(ops.spec.type, "ClusterIP");
    assert.deepEqual(ops.spec.ports.map((p) => p.targetPort), ["ops"]);
    const vendor = one(docs, "Service", "relay-gateway");
    assert.deepEqual(vendor.spec.ports.map((p) => p.targetPort), ["vendor"]);
    const policy = one(docs, "NetworkPolicy", "relay-gateway-ingress");
    assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
    const rules = policy.spec.ingress;
    const opsRules = rules.filter((rule) => rule.ports.some((p) => p.port === "ops" || p.port === 8090));
    assert.equal(opsRules.length, 1);
    assert.ok(opsRules[0].from.length > 0, "the ops rule names its sources");
    for (const source of opsRules[0].from) {
      assert.equal(source.ipBlock, undefined, "no address range may reach the ops port");
      const selector = source.namespaceSelector ?? source.podSelector;
      assert.ok(Object.keys(selector.matchLabels ?? {}).length > 0, "an empty selector would admit everyone");
    }
    assert.ok(
      opsRules[0].from.some((s) => s.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring"),
    );
    const vendorRules = rules.filter((rule) => rule.ports.some((p) => p.port === "vendor" || p.port === 8080));
    assert.equal(vendorRules.length, 1);
    assert.equal(vendorRules[0].from, undefined, "vendors (and Metriport's webhooks) come from anywhere");
  });

  test(`${name}: the migration Job runs relay-gateway migrate with the Deployment's image`, () => {
    const job = one(docs, "Job");
    const deployment = one(docs, "Deployment");
    const migrate = job.spec.template.spec.containers[0];
    assert.equal(migrate.args[0], "migrate");
    assert.equal(migrate.image, container(deployment, "gateway").image);
    assert.notEqual(job.spec.template.spec.restartPolicy, "Always");
  });
}

// The Job may run while old pods serve only because no migration takes anything away.
test("schema migrations only add: no DROP, RENAME, retyped or newly NOT NULL column without a default", () => {
  const schemaDir = join(repoRoot, "schema");
  const files = readdirSync(schemaDir).filter((file) => /^\d{4}_.*\.sql$/.test(file));
  assert.ok(files.length > 0);
  for (const file of files) {
    const sql = readFileSync(join(schemaDir, file), "utf8").replace(/--.*$/gm, "");
    assert.doesNotMatch(sql, /\bDROP\s+(TABLE|COLUMN|INDEX|VIEW|TYPE|SCHEMA|FUNCTION)\b/i, file);
    assert.doesNotMatch(sql, /\bRENAME\b/i, file);
    assert.doesNotMatch(sql, /\bALTER\s+COLUMN\b[^;]*\b(TYPE|SET\s+NOT\s+NULL)\b/i, file);
    for (const added of sql.match(/\bADD\s+COLUMN\b[^;,]*/gi) ?? []) {
      if (/NOT\s+NULL/i.test(added)) assert.match(added, /\bDEFAULT\b/i, `${file}: ${added.trim()}`);
    }
  }
});
