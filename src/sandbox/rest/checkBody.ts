import { validationFailed } from "./routeContext.js";

/** GitHub's longest issue, pull request or comment body. */
const MAX_BODY = 65536;

/** GitHub refuses blank comments and bodies over 65536 characters with a 422. */
export function checkBody(resource: string, body: string, blankAllowed = false): void {
  if (!blankAllowed && body.trim() === "") {
    throw validationFailed({ resource, code: "missing_field", field: "body" });
  }
  if (body.length > MAX_BODY) {
    throw validationFailed({
      resource,
      code: "custom",
      field: "body",
      message: `body is too long (maximum is ${MAX_BODY} characters)`,
    });
  }
}
