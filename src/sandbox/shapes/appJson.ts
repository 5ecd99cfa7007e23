import { appManifest } from "../appManifest.js";
import { nodeId, type SandboxInstallation, type SandboxState, type TokenAccess } from "../state.js";
import { timestamp } from "../timestamp.js";
import { userJson } from "./userJson.js";

/** What an installation granted: app.yml's permissions unless a test changed them. */
export function installationPermissions(
  installation: SandboxInstallation | undefined,
): Record<string, TokenAccess> {
  return { ...(installation?.permissions ?? appManifest().permissions) };
}

/** GitHub's `integration` object for the sandbox app. */
export function appJson(state: SandboxState) {
  const owner = userJson(state, "sandbox-owner");
  return {
    id: state.appId,
    slug: state.appSlug,
    client_id: `Iv1.${state.appId.toString(16).padStart(16, "0")}`,
    node_id: nodeId("A", state.appId),
    owner,
    name: state.appSlug,
    description: "Orchestrate (sandbox)",
    external_url: state.baseUrl,
    html_url: `${state.baseUrl}/apps/${state.appSlug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: appManifest().permissions,
    events: appManifest().events,
    installations_count: state.installations.size,
  };
}

/** GitHub's `installation` object. */
export function installationJson(state: SandboxState, installation: SandboxInstallation) {
  const account = userJson(state, installation.account);
  const created = installation.createdAt ?? timestamp(state);
  return {
    id: installation.id,
    account,
    repository_selection: "all",
    access_tokens_url: `${state.baseUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${state.baseUrl}/installation/repositories`,
    html_url: `${state.baseUrl}/settings/installations/${installation.id}`,
    app_id: state.appId,
    app_slug: state.appSlug,
    target_id: account.id,
    target_type: account.type === "Bot" ? "User" : account.type,
    permissions: installationPermissions(installation),
    events: appManifest().events,
    created_at: created,
    updated_at: created,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: installation.suspendedAt ? userJson(state, installation.account) : null,
    suspended_at: installation.suspendedAt ?? null,
  };
}
