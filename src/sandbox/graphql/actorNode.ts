import type { SandboxState, SandboxUser } from "../state.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";

/**
 * The GraphQL Actor (User or Bot) for a login as the REST side stores it. GraphQL names a bot
 * without the "[bot]" suffix REST shows ("orchestrate[bot]" over REST is Bot "orchestrate"
 * here), which an app comparing authors across the two APIs must allow for.
 */
export class ActorNode {
  readonly __typename: "User" | "Bot";
  readonly login: string;
  readonly #state: SandboxState;
  readonly #user: SandboxUser | undefined;
  readonly #stored: string;

  constructor(state: SandboxState, login: string) {
    this.#state = state;
    this.#stored = login;
    this.#user = state.users.get(login);
    this.__typename = this.#user?.type ?? (login.endsWith("[bot]") ? "Bot" : "User");
    this.login = this.__typename === "Bot" ? login.replace(/\[bot\]$/, "") : login;
  }

  get id(): string {
    if (this.#user !== undefined) return this.#user.nodeId;
    const prefix = this.__typename === "Bot" ? "BOT" : "U";
    return `${prefix}_${Buffer.from(`sandbox:${prefix}:${this.#stored}`).toString("base64url")}`;
  }

  get databaseId(): number | null {
    return this.#user?.id ?? null;
  }

  get resourcePath(): string {
    return this.__typename === "Bot" ? `/apps/${this.login}` : `/${this.login}`;
  }

  get url(): string {
    return htmlUrl(this.#state, this.resourcePath);
  }

  avatarUrl(): string {
    return htmlUrl(this.#state, `/avatars/${encodeURIComponent(this.login)}`);
  }
}

export function actorNode(ctx: GraphqlContext, login: string | null | undefined): ActorNode | null {
  if (login === null || login === undefined || login === "") return null;
  return new ActorNode(ctx.state, login);
}

/** `resolvedBy` and the like are typed User: a bot (or nobody) reads as null. */
export function userNode(ctx: GraphqlContext, login: string | null | undefined): ActorNode | null {
  const actor = actorNode(ctx, login);
  return actor?.__typename === "User" ? actor : null;
}
