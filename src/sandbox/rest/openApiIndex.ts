import {
  deref,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  openApiSpec,
} from "./openApiSpec.js";

// Path templates of GitHub's REST description, indexed by segment count and first segment so a
// request is matched against a handful of candidates rather than 800 paths.

export interface OperationInfo {
  operationId: string;
  method: string;
  template: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  bodySchema: JsonSchema | undefined;
  bodyRequired: boolean;
  /** status code -> JSON schema of the documented 2xx response, when it is JSON */
  responses: Map<number, JsonSchema>;
  documentationUrl: string;
}

interface Template {
  template: string;
  /** literal text, or null for a `{param}` segment */
  segments: Array<string | null>;
  names: string[];
  /** a trailing parameter such as {path} or {ref} may hold slashes (GitHub accepts them raw) */
  greedyTail: boolean;
  methods: Map<string, OperationInfo>;
}

export type MatchResult =
  | { kind: "ok"; operation: OperationInfo; params: Record<string, string> }
  | { kind: "no-path" }
  | { kind: "no-method"; allowed: string[] };

const GREEDY_PARAMS = new Set(["path", "ref", "branch", "basehead"]);

export class OpenApiIndex {
  readonly doc: OpenApiDocument;
  private readonly byCount = new Map<number, Map<string, Template[]>>();
  private readonly greedy: Template[] = [];
  private readonly operations = new Map<string, OperationInfo>();

  constructor(doc: OpenApiDocument = openApiSpec()) {
    this.doc = doc;
    for (const [template, item] of Object.entries(doc.paths)) {
      const segments = template
        .split("/")
        .slice(1)
        .map((s) => (/^\{.+\}$/.test(s) ? null : s));
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
      const last = names[names.length - 1];
      const entry: Template = {
        template,
        segments,
        names,
        greedyTail:
          segments[segments.length - 1] === null && last !== undefined && GREEDY_PARAMS.has(last),
        methods: new Map(),
      };
      for (const [method, op] of Object.entries(item)) {
        if (!op || typeof op !== "object" || !op.operationId) continue;
        const info = this.describe(template, method.toUpperCase(), op);
        entry.methods.set(info.method, info);
        this.operations.set(info.operationId, info);
      }
      const first = segments[0] ?? "";
      let buckets = this.byCount.get(segments.length);
      if (!buckets) {
        buckets = new Map();
        this.byCount.set(segments.length, buckets);
      }
      const key = first ?? "{}";
      buckets.set(key, [...(buckets.get(key) ?? []), entry]);
      if (entry.greedyTail) this.greedy.push(entry);
    }
    // Literal segments beat parameters (`/pulls/comments` before `/pulls/{pull_number}`).
    for (const buckets of this.byCount.values()) {
      for (const list of buckets.values()) list.sort(bySpecificity);
    }
    this.greedy.sort((a, b) => b.segments.length - a.segments.length);
  }

  operation(operationId: string): OperationInfo | undefined {
    return this.operations.get(operationId);
  }

  allOperations(): OperationInfo[] {
    return [...this.operations.values()];
  }

  /** `rawPath` is the request path still percent-encoded, so an encoded slash stays in its segment. */
  match(method: string, rawPath: string): MatchResult {
    const parts = rawPath.split("/").slice(1);
    const candidates = this.candidates(parts);
    let pathMatched: Template | undefined;
    for (const { template, params } of candidates) {
      pathMatched ??= template;
      const operation = template.methods.get(method);
      if (operation) return { kind: "ok", operation, params };
    }
    if (pathMatched) return { kind: "no-method", allowed: [...pathMatched.methods.keys()] };
    return { kind: "no-path" };
  }

  private *candidates(
    parts: string[],
  ): Generator<{ template: Template; params: Record<string, string> }> {
    const buckets = this.byCount.get(parts.length);
    const first = parts[0] ?? "";
    for (const template of buckets?.get(first) ?? []) {
      const params = bind(template, parts, false);
      if (params) yield { template, params };
    }
    for (const template of this.greedy) {
      if (template.segments.length >= parts.length) continue;
      if (template.segments[0] !== first) continue;
      const params = bind(template, parts, true);
      if (params) yield { template, params };
    }
  }

  private describe(template: string, method: string, op: OpenApiOperation): OperationInfo {
    const doc = this.doc;
    const parameters = (op.parameters ?? []).map((p) => deref<OpenApiParameter>(doc, p));
    const body = op.requestBody
      ? deref<NonNullable<OpenApiOperation["requestBody"]>>(doc, op.requestBody)
      : undefined;
    const responses = new Map<number, JsonSchema>();
    for (const [code, response] of Object.entries(op.responses ?? {})) {
      const status = Number(code);
      if (!(status >= 200 && status < 300)) continue;
      const resolved = deref<{ content?: Record<string, { schema?: JsonSchema }> }>(
        doc,
        response as { $ref: string },
      );
      const schema = resolved.content?.["application/json"]?.schema;
      if (schema) responses.set(status, schema);
    }
    return {
      operationId: op.operationId,
      method,
      template,
      pathParams: parameters.filter((p) => p.in === "path"),
      queryParams: parameters.filter((p) => p.in === "query"),
      bodySchema: body?.content?.["application/json"]?.schema,
      bodyRequired: body?.required === true,
      responses,
      documentationUrl: op.externalDocs?.url ?? "https://docs.github.com/rest",
    };
  }
}

function bind(template: Template, parts: string[], greedy: boolean): Record<string, string> | null {
  const params: Record<string, string> = {};
  let name = 0;
  const fixed = greedy ? template.segments.length - 1 : template.segments.length;
  for (let i = 0; i < fixed; i++) {
    const segment = template.segments[i];
    const part = parts[i] ?? "";
    if (segment === null) {
      if (part === "") return null;
      params[template.names[name++] ?? ""] = decode(part);
    } else if (segment !== part) {
      return null;
    }
  }
  if (greedy) {
    const rest = parts.slice(fixed);
    if (rest.some((p) => p === "")) return null;
    params[template.names[name] ?? ""] = rest.map(decode).join("/");
  }
  return params;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function bySpecificity(a: Template, b: Template): number {
  for (let i = 0; i < a.segments.length; i++) {
    const x = a.segments[i] === null;
    const y = b.segments[i] === null;
    if (x !== y) return x ? 1 : -1;
  }
  return 0;
}

let shared: OpenApiIndex | undefined;

/** One index per process: building it costs a parse of a 13 MB file. */
export function openApiIndex(): OpenApiIndex {
  shared ??= new OpenApiIndex();
  return shared;
}
