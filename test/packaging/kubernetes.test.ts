import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadOperatorConfig } from "../../src/config/env.js";

// No cluster here: the example manifests are checked against Kubernetes' and KEDA's published
// schemas (kubernetes-models validates with them), and against what Orchestrate reads.
const root = join(import.meta.dirname, "../..");
interface Container {
  args: string[];
  env?: Array<{ name: string; value: string }>;
  ports?: Array<{ containerPort: number }>;
  readinessProbe?: { httpGet: { path: string } };
}
interface Doc {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    template?: {
      spec: { containers: Container[]; securityContext?: { seccompProfile?: { type: string } } };
    };
    scaleTargetRef?: { name: string };
    triggers?: Array<{ metadata: { query: string } }>;
  };
}
const docs = parseAllDocuments(
  readFileSync(join(root, "deploy/kubernetes/orchestrate.yaml"), "utf8"),
).map((d) => d.toJS() as Doc);
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
const podOf = (name: string) => {
  const pod = byKind("Deployment").find((d) => d.metadata.name === name)?.spec?.template?.spec;
  if (!pod) throw new Error(`no Deployment ${name}`);
  return pod;
};
const containerOf = (name: string): Container => {
  const container = podOf(name).containers[0];
  if (!container) throw new Error(`Deployment ${name} has no container`);
  return container;
};
const envOf = (name: string) =>
  Object.fromEntries((containerOf(name).env ?? []).map((e) => [e.name, e.value]));

describe("the Kubernetes example", () => {
  it("is valid against the published schemas, every document of it", () => {
    // biome-ignore lint/suspicious/noExplicitAny: the schemas, not the types, judge the documents
    const models: Record<string, (doc: any) => { validate(): void }> = {
      ConfigMap: (d) => new ConfigMap(d),
      Service: (d) => new Service(d),
      Deployment: (d) => new Deployment(d),
      ScaledObject: (d) => new ScaledObject(d),
    };
    expect(docs.map((d) => d.kind).sort()).toEqual(
      ["ConfigMap", "Deployment", "Deployment", "ScaledObject", "Service"].sort(),
    );
    for (const doc of docs) {
      const model = models[doc.kind];
      expect(model, doc.kind).toBeDefined();
      expect(() => model?.(doc).validate(), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
  });

  it("runs the server without a worker and the workers with user namespaces allowed", () => {
    expect(containerOf("orchestrate-server").args).toEqual(["server"]);
    expect(containerOf("orchestrate-worker").args).toEqual(["worker"]);
    expect(envOf("orchestrate-server")["WORKER_CONCURRENCY"]).toBe("0");
    expect(Number(envOf("orchestrate-worker")["WORKER_CONCURRENCY"])).toBeGreaterThan(0);
    expect(podOf("orchestrate-worker").securityContext?.seccompProfile?.type).toBe("Unconfined");
    // The probes ask the server's own health route on the port it listens on.
    expect(containerOf("orchestrate-server").readinessProbe?.httpGet.path).toBe("/healthz");
    expect(containerOf("orchestrate-server").ports?.[0]?.containerPort).toBe(3000);
  });

  it("gives the processes settings Orchestrate accepts, and scales the workers it names", () => {
    const config = byKind("ConfigMap")[0]?.data ?? {};
    for (const name of ["orchestrate-server", "orchestrate-worker"]) {
      const settings = {
        ...config,
        ...envOf(name),
        // What the Secret holds (see the file's first lines).
        APP_ID: "1",
        PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
        WEBHOOK_SECRET: "a-webhook-secret",
      };
      expect(() => loadOperatorConfig(settings), name).not.toThrow();
    }
    const scaled = byKind("ScaledObject")[0];
    expect(scaled?.spec?.scaleTargetRef?.name).toBe("orchestrate-worker");
    expect(scaled?.spec?.triggers?.[0]?.metadata.query).toMatch(
      /orchestrate_queue_jobs\{queue="tasks"/,
    );
  });
});
