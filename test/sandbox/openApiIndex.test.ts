import { describe, expect, it } from "vitest";
import { openApiIndex } from "../../src/sandbox/rest/openApiIndex.js";
import { restRoutes } from "../../src/sandbox/rest/restRoutes.js";
import { validateSchema } from "../../src/sandbox/rest/validateSchema.js";

const index = openApiIndex();

function op(method: string, path: string) {
  const m = index.match(method, path);
  return m.kind === "ok" ? { id: m.operation.operationId, params: m.params } : m.kind;
}

describe("OpenAPI index", () => {
  it("matches literal segments before parameters", () => {
    expect(op("GET", "/repos/a/b/pulls/comments")).toMatchObject({
      id: "pulls/list-review-comments-for-repo",
    });
    expect(op("GET", "/repos/a/b/pulls/12")).toMatchObject({
      id: "pulls/get",
      params: { pull_number: "12" },
    });
    expect(op("GET", "/repos/a/b/issues/comments/5")).toMatchObject({ id: "issues/get-comment" });
  });

  it("takes slashes in {ref}, {path} and {branch}, encoded or not", () => {
    expect(op("GET", "/repos/a/b/git/ref/heads%2Forchestrate%2F1-api")).toMatchObject({
      id: "git/get-ref",
      params: { ref: "heads/orchestrate/1-api" },
    });
    expect(op("PATCH", "/repos/a/b/git/refs/heads/orchestrate/1-api")).toMatchObject({
      id: "git/update-ref",
      params: { ref: "heads/orchestrate/1-api" },
    });
    expect(op("GET", "/repos/a/b/contents/.github/orchestrate.yml")).toMatchObject({
      id: "repos/get-content",
      params: { path: ".github/orchestrate.yml" },
    });
    expect(op("GET", "/repos/a/b/branches/orchestrate/7-ui")).toMatchObject({
      id: "repos/get-branch",
      params: { branch: "orchestrate/7-ui" },
    });
  });

  it("tells an unknown path from a known path with the wrong method", () => {
    expect(op("GET", "/repos/a/b/nothing-here")).toBe("no-path");
    expect(op("PUT", "/repos/a/b/issues/1/comments")).toBe("no-method");
  });

  it("only routes operation ids that GitHub documents", () => {
    const unknown = Object.keys(restRoutes).filter((id) => !index.operation(id));
    expect(unknown).toEqual([]);
  });
});

describe("schema validation", () => {
  const comment = index.operation("issues/create-comment")!;
  const update = index.operation("issues/update")!;

  it("reports missing required fields and wrong types the way GitHub words them", () => {
    expect(validateSchema(index.doc, comment.bodySchema!, {}).map((e) => e.message)).toEqual([
      '"body" wasn\'t supplied.',
    ]);
    expect(
      validateSchema(index.doc, comment.bodySchema!, { body: 3 }).map((e) => e.message),
    ).toEqual(["For 'properties/body', 3 is not a string."]);
    expect(validateSchema(index.doc, update.bodySchema!, { state: "done" })[0]?.message).toMatch(
      /"done" is not a member of \["open", "closed"\]/,
    );
    expect(
      validateSchema(index.doc, update.bodySchema!, { labels: ["a", { name: "b" }], title: null }),
    ).toEqual([]);
  });

  it("follows $refs into nested required properties of response schemas", () => {
    const schema = index.operation("issues/get-comment")!.responses.get(200)!;
    const errors = validateSchema(index.doc, schema, { id: 1, node_id: "x", user: { login: "a" } });
    const messages = errors.map((e) => e.message).join("\n");
    expect(messages).toContain('"html_url" wasn\'t supplied.');
    expect(messages).toContain("\"avatar_url\" wasn't supplied in 'properties/user'.");
  });
});
