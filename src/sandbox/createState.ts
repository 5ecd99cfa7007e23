import { GITHUB_CONTENT_LIMITS } from "./contentLimits.js";
import { nodeId, type SandboxState, type SandboxUser } from "./state.js";

/** An empty sandbox world with the app's bot user in it. */
export function createState(o: {
  appId: number;
  appSlug: string;
  appPublicKey: string;
  baseUrl: string;
  now?: () => Date;
}): SandboxState {
  const state: SandboxState = {
    appId: o.appId,
    appSlug: o.appSlug,
    appPublicKey: o.appPublicKey,
    baseUrl: o.baseUrl,
    users: new Map(),
    installations: new Map(),
    repos: new Map(),
    requests: [],
    fidelityFailures: [],
    faults: [],
    graphqlPoints: 0,
    // ids start high so they never collide with issue numbers in an assertion by accident
    nextId: 1000,
    now: o.now ?? (() => new Date()),
    tokenLifetimeMs: 60 * 60 * 1000,
    plans: new Map(),
    restLimitPerHour: 5000,
    restWindowMs: 3_600_000,
    contentLimits: { ...GITHUB_CONTENT_LIMITS },
  };
  ensureUser(state, botLogin(state), "Bot");
  return state;
}

/** The login GitHub gives an app's own actions: `<slug>[bot]`. */
export function botLogin(state: SandboxState): string {
  return `${state.appSlug}[bot]`;
}

/** Finds a user, creating it the first time a login is seen. */
export function ensureUser(
  state: SandboxState,
  login: string,
  type: "User" | "Bot" = "User",
): SandboxUser {
  const existing = state.users.get(login);
  if (existing) return existing;
  state.nextId += 1;
  const id = state.nextId;
  const user: SandboxUser = { id, login, type, nodeId: nodeId(type === "Bot" ? "BOT" : "U", id) };
  state.users.set(login, user);
  return user;
}
