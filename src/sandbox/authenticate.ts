import type { IncomingMessage } from "node:http";
import { liveToken, parseAuthorization, verifyAppJwt } from "./auth.js";
import { botLogin } from "./createState.js";
import type { SandboxState, TokenGrant } from "./state.js";

export type Caller =
  | { ok: true; installationId: number | null; actor: string; grant: TokenGrant | null }
  | { ok: false; status: 401 | 403; message: string };

/**
 * Who is calling: the app itself (JWT, only where GitHub takes one) or an installation (token).
 * `accepts` says which credential the operation takes.
 */
export function authenticate(
  state: SandboxState,
  req: IncomingMessage,
  accepts: "jwt" | "token" | "either",
): Caller {
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth || auth.scheme === "basic") {
    return { ok: false, status: 401, message: "Requires authentication" };
  }
  const looksLikeJwt = auth.credential.split(".").length === 3;
  if (looksLikeJwt && accepts !== "token") {
    // GitHub takes the app's JWT only as a Bearer credential
    if (auth.scheme !== "bearer") {
      return { ok: false, status: 401, message: "A JSON web token could not be decoded" };
    }
    const check = verifyAppJwt(state, auth.credential);
    if (!check.ok) return { ok: false, status: 401, message: check.message };
    return { ok: true, installationId: null, actor: botLogin(state), grant: null };
  }
  if (accepts === "jwt") {
    return {
      ok: false,
      status: 401,
      message: "A JSON web token could not be decoded",
    };
  }
  if (looksLikeJwt) {
    return {
      ok: false,
      status: 401,
      message:
        "Bad credentials: this endpoint needs an installation access token, not the app's JWT",
    };
  }
  const live = liveToken(state, auth.credential);
  if (live === null) return { ok: false, status: 401, message: "Bad credentials" };
  if (state.installations.get(live.installationId)?.suspendedAt) {
    return { ok: false, status: 403, message: "This installation has been suspended" };
  }
  return {
    ok: true,
    installationId: live.installationId,
    actor: botLogin(state),
    grant: live.grant,
  };
}
