import { userJson } from "../shapes/userJson.js";
import { nodeId, type SandboxState } from "../state.js";

/** The slug GitHub Actions' check runs and suites name as their app. */
export const ACTIONS_SLUG = "github-actions";
const ACTIONS_APP_ID = 15368;

/** GitHub's `integration` object of GitHub Actions, as its check runs carry it. */
export function actionsAppJson(state: SandboxState) {
  return {
    id: ACTIONS_APP_ID,
    slug: ACTIONS_SLUG,
    client_id: "Iv1.05c79e9ad1f6bdfa",
    node_id: nodeId("MDM6QXBw", ACTIONS_APP_ID),
    owner: userJson(state, "github"),
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: `${state.baseUrl}/apps/github-actions`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2019-12-10T19:04:12Z",
    permissions: { actions: "write", checks: "write", contents: "write", metadata: "read" },
    events: ["check_run", "check_suite", "push", "pull_request"],
  };
}
