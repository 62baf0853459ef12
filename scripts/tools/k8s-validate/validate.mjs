// Offline validation of rendered Kubernetes manifests (helm template output), for
// scripts/check-helm.sh. Usage:
//   node validate.mjs --node-modules DIR [--crd FILE]... [--expect-job-dir DIR] MANIFEST...
//
// Every document must be of a kind this script can check, else it fails (nothing passes unseen):
//  - kinds with a --crd file: against the CRD's openAPIV3Schema with ajv. Objects that list
//    `properties` are closed (additionalProperties: false) unless the CRD says
//    x-kubernetes-preserve-unknown-fields, as the API server's strict field validation would
//    reject unknown fields; metadata against the ObjectMeta schema.
//  - built-in kinds (kubernetes-models) and monitoring.coreos.com kinds
//    (@kubernetes-models/prometheus-operator): types, enums and required fields. Those models
//    ignore unknown fields, so top-level and metadata fields are checked against known lists here.
// Plus what the API server or the operator would reject and the schemas cannot say: object
// names, ConfigMap key names and size, and, for FlinkDeployment, the folders that savepoint
// upgrades and Kubernetes HA need. With --expect-job-dir, each job file of that folder must reach
// the FlinkDeployment's pods unchanged (ConfigMap key -> volume item path under the --job mount).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const args = parseArgs(process.argv.slice(2));
const nm = resolve(args.nodeModules);
const require = createRequire(join(nm, "noop.js"));
const YAML = require("yaml");
const Ajv = require("ajv").default;
const { validate: validateObjectMeta } = await importFile(
  "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta.js");

const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

// The API server's own name rules (DNS-1123 subdomain) and the fields each kind may have.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIGMAP_MAX_BYTES = 1024 * 1024;
const FLINKDEPLOYMENT_MAX_NAME = 45;
const META_FIELDS = new Set(["name", "namespace", "labels", "annotations", "generateName",
  "finalizers", "ownerReferences", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"]);
const TOP_FIELDS = {
  "v1/ConfigMap": ["data", "binaryData", "immutable"],
  "v1/Secret": ["data", "stringData", "type", "immutable"],
  "v1/ServiceAccount": ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
  "rbac.authorization.k8s.io/v1/Role": ["rules"],
  "rbac.authorization.k8s.io/v1/ClusterRole": ["rules", "aggregationRule"],
  "rbac.authorization.k8s.io/v1/RoleBinding": ["roleRef", "subjects"],
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ["roleRef", "subjects"],
};
const SPEC_KINDS_TOP = ["spec"];

const crds = loadCrds(args.crds);
const docs = [];
for (const file of args.manifests) {
  const text = readFileSync(file, "utf8");
  for (const doc of YAML.parseAllDocuments(text)) {
    const where0 = relative(process.cwd(), file) || file;
    if (doc.errors.length) {
      doc.errors.forEach((e) => fail(where0, `YAML: ${e.message}`));
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    docs.push({ file: where0, obj });
  }
}
if (docs.length === 0) fail("input", "no documents rendered");

for (const { file, obj } of docs) {
  const typeKey = `${obj.apiVersion}/${obj.kind}`;
  const where = `${file}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    fail(where, "apiVersion and kind are required strings");
    continue;
  }
  const before = errors.length;
  let source;
  if (crds.has(typeKey)) {
    source = crds.get(typeKey).source;
    validateCustomResource(where, obj, crds.get(typeKey));
  } else {
    const model = modelFile(obj.apiVersion, obj.kind);
    if (!model) {
      fail(where, `no schema for ${typeKey}: cannot validate it offline (add its CRD with --crd, `
        + "or a kubernetes-models package), so it is rejected rather than passed unchecked");
      continue;
    }
    source = model.source;
    await validateModel(where, obj, model.path, typeKey);
  }
  checkName(where, obj);
  if (typeKey === "v1/ConfigMap") checkConfigMap(where, obj);
  if (obj.kind === "FlinkDeployment") checkFlinkDeployment(where, obj);
  if (errors.length === before) console.log(`  ok  ${where}  (${source})`);
}
if (args.expectJobDir) checkJobFilesShip(args.expectJobDir, docs);

if (errors.length) {
  console.log(`FAILED: ${errors.length} problem(s)`);
  errors.forEach((e) => console.log(`  - ${e}`));
  process.exit(1);
}
console.log(`valid: ${docs.length} document(s)`);

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = { crds: [], manifests: [], nodeModules: null, expectJobDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--node-modules") out.nodeModules = argv[++i];
    else if (a === "--crd") out.crds.push(argv[++i]);
    else if (a === "--expect-job-dir") out.expectJobDir = argv[++i];
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else out.manifests.push(a);
  }
  if (!out.nodeModules || out.manifests.length === 0) usage("--node-modules and a manifest are required");
  return out;
}

function usage(msg) {
  console.error(`validate.mjs: ${msg}\nusage: node validate.mjs --node-modules DIR [--crd FILE]... `
    + "[--expect-job-dir DIR] MANIFEST...");
  process.exit(2);
}

// ESM-only packages are imported by file: bare names would resolve next to this script.
function importFile(rel) {
  return import(pathToFileURL(join(nm, rel)).href);
}

function modelFile(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const candidates = group === "monitoring.coreos.com"
    ? [[`@kubernetes-models/prometheus-operator/${group}/${version}/${kind}.js`, "prometheus-operator models"]]
    : [[`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}.js`, "kubernetes-models"]];
  for (const [rel, source] of candidates) {
    if (/^[A-Za-z0-9.\-/@]+$/.test(rel) && existsSync(join(nm, rel))) return { path: rel, source };
  }
  return null;
}

async function validateModel(where, obj, rel, typeKey) {
  const mod = await importFile(rel);
  const Model = mod[obj.kind];
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(where, `schema: ${e.message}`);
  }
  const allowed = new Set(["apiVersion", "kind", "metadata", ...(TOP_FIELDS[typeKey] ?? SPEC_KINDS_TOP)]);
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) fail(where, `unknown field "${k}" (known: ${[...allowed].join(", ")})`);
  }
  checkMetadataFields(where, obj);
}

function checkMetadataFields(where, obj) {
  for (const k of Object.keys(obj.metadata ?? {})) {
    if (!META_FIELDS.has(k)) fail(where, `unknown field "metadata.${k}"`);
  }
}

function loadCrds(files) {
  const map = new Map();
  for (const file of files) {
    const crd = YAML.parse(readFileSync(file, "utf8"));
    if (crd?.kind !== "CustomResourceDefinition") usage(`${file} is not a CustomResourceDefinition`);
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      const schema = closeObjects(structuredClone(v.schema.openAPIV3Schema));
      // The API server handles these itself; the CRD schema does not list them.
      schema.properties.apiVersion = { type: "string" };
      schema.properties.kind = { type: "string" };
      schema.properties.metadata = { type: "object" };
      const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
      for (const kw of ["x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
        "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
        "x-kubernetes-map-type", "x-kubernetes-validations"]) {
        ajv.addKeyword(kw);
      }
      map.set(key, { validate: ajv.compile(schema), source: `CRD ${basename(file)}` });
    }
  }
  return map;
}

// Structural CRD schemas prune (or, with strict field validation, reject) fields they don't list;
// ajv would accept them, so objects that list properties are closed here.
function closeObjects(node) {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
  } else if (node && typeof node === "object") {
    if (node.properties && node.additionalProperties === undefined
      && node["x-kubernetes-preserve-unknown-fields"] !== true) {
      node.additionalProperties = false;
    }
    Object.values(node).forEach(closeObjects);
  }
  return node;
}

function validateCustomResource(where, obj, crd) {
  if (!crd.validate(obj)) {
    for (const e of crd.validate.errors) {
      const path = e.instancePath || "/";
      const detail = e.keyword === "additionalProperties"
        ? `unknown field "${e.params.additionalProperty}"`
        : e.keyword === "enum" ? `${e.message}: ${e.params.allowedValues.join(", ")}` : e.message;
      fail(where, `schema: ${path} ${detail}`);
    }
  }
  if (obj.metadata == null || typeof obj.metadata !== "object") {
    fail(where, "metadata is required");
  } else if (!validateObjectMeta(obj.metadata)) {
    for (const e of validateObjectMeta.errors) fail(where, `schema: /metadata${e.instancePath} ${e.message}`);
  }
  checkMetadataFields(where, obj);
}

function checkName(where, obj) {
  const name = obj.metadata?.name;
  if (typeof name !== "string" || !name) return fail(where, "metadata.name is required");
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    fail(where, `metadata.name "${name}" is not a DNS-1123 subdomain`);
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      fail(where, `label ${k}: value ${JSON.stringify(v)} is not a valid label value`);
    }
  }
}

function checkConfigMap(where, obj) {
  let bytes = 0;
  for (const field of ["data", "binaryData"]) {
    for (const [k, v] of Object.entries(obj[field] ?? {})) {
      if (!CONFIGMAP_KEY.test(k) || k === "." || k === ".." || k.startsWith("..")) {
        fail(where, `${field} key "${k}" is not a valid ConfigMap key ([-._a-zA-Z0-9]+)`);
      }
      bytes += k.length + Buffer.byteLength(String(v));
    }
  }
  if (bytes > CONFIGMAP_MAX_BYTES) fail(where, `${bytes} bytes of data: above the 1 MiB ConfigMap limit`);
}

// Flink reads nested and dotted keys alike; the operator flattens before reading.
function flatten(obj, prefix = "", out = {}) {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

function checkFlinkDeployment(where, obj) {
  const name = obj.metadata?.name ?? "";
  if (name.length > FLINKDEPLOYMENT_MAX_NAME) {
    fail(where, `name longer than ${FLINKDEPLOYMENT_MAX_NAME} characters (operator limit)`);
  }
  const spec = obj.spec ?? {};
  const conf = flatten(spec.flinkConfiguration);
  const has = (...keys) => keys.some((k) => conf[k] !== undefined && conf[k] !== null && conf[k] !== "");
  const mode = spec.job?.upgradeMode;
  if (spec.job && !spec.job.jarURI) fail(where, "spec.job.jarURI is required");
  if ((mode === "savepoint" || mode === "last-state")
    && !has("execution.checkpointing.savepoint-dir", "state.savepoints.dir")) {
    fail(where, `upgradeMode ${mode} needs execution.checkpointing.savepoint-dir in flinkConfiguration`);
  }
  if ((mode === "savepoint" || mode === "last-state")
    && !has("execution.checkpointing.dir", "state.checkpoints.dir")) {
    fail(where, `upgradeMode ${mode} needs execution.checkpointing.dir in flinkConfiguration`);
  }
  const ha = conf["high-availability.type"] ?? conf["high-availability"];
  if (mode === "last-state" && !ha) fail(where, "upgradeMode last-state needs high-availability");
  if (ha && !has("high-availability.storageDir")) fail(where, "high-availability needs high-availability.storageDir");
  if ((spec.jobManager?.replicas ?? 1) > 1 && !ha) fail(where, "jobManager.replicas > 1 needs high-availability");
}

// Each analyst file of the job folder must reach the pods unchanged, at its own path.
function checkJobFilesShip(jobDir, docs) {
  const expected = [];
  for (const top of ["job.yaml", "events.yaml"]) {
    if (existsSync(join(jobDir, top))) expected.push(top);
  }
  for (const folder of ["patterns", "audiences", "suppressions"]) {
    const dir = join(jobDir, folder);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (/\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile()) expected.push(`${folder}/${f}`);
    }
  }
  const configMaps = new Map(docs.filter((d) => d.obj.kind === "ConfigMap").map((d) => [d.obj.metadata.name, d.obj]));
  for (const { file, obj } of docs.filter((d) => d.obj.kind === "FlinkDeployment")) {
    const where = `${file}: FlinkDeployment/${obj.metadata.name}`;
    const args = obj.spec?.job?.args ?? [];
    const jobArg = args[args.indexOf("--job") + 1];
    const container = (obj.spec?.podTemplate?.spec?.containers ?? []).find((c) => c.name === "flink-main-container");
    const mount = (container?.volumeMounts ?? []).find((m) => m.mountPath === jobArg);
    const volume = (obj.spec?.podTemplate?.spec?.volumes ?? []).find((v) => v.name === mount?.name);
    const cm = volume?.configMap && configMaps.get(volume.configMap.name);
    if (!args.includes("--job") || !mount || !cm) {
      fail(where, `--job ${jobArg} is not a mounted ConfigMap of this rendering`);
      continue;
    }
    const byPath = new Map((volume.configMap.items ?? []).map((i) => [i.path, i.key]));
    for (const rel of expected) {
      const key = byPath.get(rel);
      const content = readFileSync(join(jobDir, rel), "utf8");
      if (key === undefined) fail(where, `job file ${rel} is not mounted under ${jobArg}`);
      else if (cm.data?.[key] !== content) fail(where, `job file ${rel}: ConfigMap key ${key} differs from ${join(jobDir, rel)}`);
    }
    for (const [path, key] of byPath) {
      if (!(key in (cm.data ?? {}))) fail(where, `volume item ${path} names missing ConfigMap key ${key}`);
    }
    if (!errors.some((e) => e.startsWith(where))) {
      console.log(`  ok  ${where}: all ${expected.length} files of ${jobDir} mounted unchanged at ${jobArg}`);
    }
  }
}
