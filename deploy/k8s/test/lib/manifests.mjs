// Loads deploy/k8s as Kubernetes would see it (kubectl kustomize when installed, else the base's
// files parsed as YAML 1.1) and validates objects: kubernetes-models' schemas, ours for CloudNativePG.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import YAML from "yaml";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as coreV1 from "kubernetes-models/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";

const here = dirname(fileURLToPath(import.meta.url));
export const testDir = join(here, "..");
export const k8sDir = join(testDir, "..");
export const repoRoot = join(k8sDir, "..", "..");

// apiVersion/kind -> the kubernetes-models class, its TypeScript interface and module.
const models = {
  "v1/Namespace": [coreV1.Namespace, "INamespace", "kubernetes-models/v1/Namespace"],
  "v1/ServiceAccount": [coreV1.ServiceAccount, "IServiceAccount", "kubernetes-models/v1/ServiceAccount"],
  "v1/ConfigMap": [coreV1.ConfigMap, "IConfigMap", "kubernetes-models/v1/ConfigMap"],
  "v1/Service": [coreV1.Service, "IService", "kubernetes-models/v1/Service"],
  "apps/v1/Deployment": [appsV1.Deployment, "IDeployment", "kubernetes-models/apps/v1/Deployment"],
  "batch/v1/Job": [batchV1.Job, "IJob", "kubernetes-models/batch/v1/Job"],
  "networking.k8s.io/v1/NetworkPolicy": [
    networkingV1.NetworkPolicy,
    "INetworkPolicy",
    "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
  ],
  "policy/v1/PodDisruptionBudget": [
    policyV1.PodDisruptionBudget,
    "IPodDisruptionBudget",
    "kubernetes-models/policy/v1/PodDisruptionBudget",
  ],
};

const ajv = new Ajv({ allErrors: true, strict: true });
const customResourceSchemas = {
  "postgresql.cnpg.io/v1/Cluster": ajv.compile(
    JSON.parse(readFileSync(join(testDir, "schemas", "cnpg-cluster.schema.json"), "utf8")),
  ),
};

const typeKey = (doc) => `${doc.apiVersion}/${doc.kind}`;

// Throws with every problem found, naming the object.
export function validate(doc) {
  const name = `${typeKey(doc)} ${doc.metadata?.name}`;
  const custom = customResourceSchemas[typeKey(doc)];
  if (custom) {
    if (!custom(doc)) throw new Error(`${name}: ${ajv.errorsText(custom.errors)}`);
    return;
  }
  const model = models[typeKey(doc)];
  if (!model) throw new Error(`${name}: no schema for this kind (add it to lib/manifests.mjs)`);
  try {
    new model[0](doc).validate();
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
}

// Type-checks every built-in object against kubernetes-models' TypeScript interfaces, which refuse
// fields the API does not have (a misspelt key would otherwise be dropped silently by the API).
// Returns tsc's output; empty when every object is clean.
export function unknownFieldReport(docs) {
  const lines = [];
  const imports = new Set();
  docs.forEach((doc, index) => {
    const model = models[typeKey(doc)];
    if (!model) return;
    imports.add(`import type { ${model[1]} } from "${model[2]}";`);
    lines.push(`// ${typeKey(doc)} ${doc.metadata?.name}`);
    lines.push(`export const m${index}: ${model[1]} = ${JSON.stringify(doc, null, 1)};`);
  });
  const scratch = mkdtempSync(join(testDir, ".tsc-"));
  try {
    const file = join(scratch, "manifests.ts");
    writeFileSync(file, [...imports, ...lines].join("\n") + "\n");
    const tsc = join(testDir, "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution",
        "nodenext", "--target", "es2022", file],
      { cwd: testDir, encoding: "utf8" },
    );
    if (result.status === 0) return "";
    // Point at the object, not at the scratch file's line.
    return `${result.stdout}${result.stderr}`.replaceAll(file, "manifest");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function kubectlAvailable() {
  return spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
}

function parseAll(text, version) {
  return YAML.parseAllDocuments(text, { version })
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.map(String).join("; "));
      return document.toJS();
    })
    .filter((doc) => doc !== null);
}

// `kubectl kustomize <dir>` (dir relative to deploy/k8s) as objects.
export function kustomize(dir) {
  const text = execFileSync("kubectl", ["kustomize", join(k8sDir, dir)], { encoding: "utf8" });
  return parseAll(text, "1.2");
}

// The base without kustomize: its resource files (YAML 1.1, as Kubernetes reads them, so 0440 is
// octal) and the ConfigMap its configMapGenerator makes.
export function baseFromFiles() {
  const base = join(k8sDir, "base");
  const kustomization = YAML.parse(readFileSync(join(base, "kustomization.yaml"), "utf8"));
  const docs = kustomization.resources.flatMap((file) =>
    parseAll(readFileSync(join(base, file), "utf8"), "1.1"),
  );
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data = {};
    for (const file of generator.files) data[file] = readFileSync(join(base, file), "utf8");
    docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data });
  }
  return docs;
}
