import type { SandboxState } from "../state.js";

/**
 * The web address of a path on the sandbox (GitHub's `url` fields are web pages, not API
 * routes), built the way the REST side builds html_url so both APIs agree.
 */
export function htmlUrl(state: SandboxState, path: string): string {
  return `${state.baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
