import { ensureUser } from "../createState.js";
import type { SandboxState } from "../state.js";

/** GitHub's `simple-user` object for a login (created on first sight). */
export function userJson(state: SandboxState, login: string) {
  const user = ensureUser(state, login);
  const api = `${state.baseUrl}/users/${encodeURIComponent(login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `${state.baseUrl}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${state.baseUrl}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}
