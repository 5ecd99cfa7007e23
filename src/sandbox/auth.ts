import { createPublicKey, randomBytes, verify } from "node:crypto";
import { installationPermissions } from "./shapes/appJson.js";
import type { SandboxInstallation, SandboxState, TokenAccess, TokenGrant } from "./state.js";

// GitHub App authentication as github.com does it: the app signs a short-lived RS256 JWT with its
// private key, trades it for an installation token, and uses that token everywhere else.

export type JwtCheck = { ok: true } | { ok: false; message: string };

/** GitHub refuses JWTs whose expiry is more than 10 minutes ahead; allow its clock drift slack. */
const MAX_JWT_LIFETIME_S = 10 * 60 + 60;

export function verifyAppJwt(state: SandboxState, jwt: string): JwtCheck {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, message: "A JSON web token could not be decoded" };
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  const key = createPublicKey(state.appPublicKey);
  const valid = verify(
    "RSA-SHA256",
    Buffer.from(`${head}.${body}`),
    key,
    Buffer.from(signature, "base64url"),
  );
  if (!valid) return { ok: false, message: "A JSON web token could not be decoded" };
  if (String(claims.iss) !== String(state.appId)) {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  const now = Math.floor(state.now().getTime() / 1000);
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number") {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (claims.exp <= now) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (claims.exp - now > MAX_JWT_LIFETIME_S) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  if (claims.iat > now + 60) {
    return {
      ok: false,
      message:
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    };
  }
  return { ok: true };
}

export function mintInstallationToken(
  state: SandboxState,
  installation: SandboxInstallation,
  scope: { repositoryIds?: number[] | null; permissions?: Record<string, TokenAccess> } = {},
): { token: string; expiresAt: Date; grant: TokenGrant } {
  // ghs_ + 36 base62-ish characters, the shape of a real installation token
  const token = `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;
  const expiresAt = new Date(state.now().getTime() + state.tokenLifetimeMs);
  const grant: TokenGrant = {
    expiresAt: expiresAt.getTime(),
    repositoryIds: scope.repositoryIds ?? null,
    permissions: scope.permissions ?? installationPermissions(installation),
  };
  installation.tokens.set(token, grant);
  return { token, expiresAt, grant };
}

export interface LiveToken {
  installationId: number;
  grant: TokenGrant;
}

/** The installation and scope of a live token; null for unknown, expired and revoked tokens. */
export function liveToken(state: SandboxState, token: string): LiveToken | null {
  const now = state.now().getTime();
  for (const installation of state.installations.values()) {
    const grant = installation.tokens.get(token);
    if (grant === undefined) continue;
    if (grant.expiresAt <= now || grant.revokedAt !== undefined) return null;
    return { installationId: installation.id, grant };
  }
  return null;
}

/** The installation a live token belongs to, or null for unknown, expired and revoked tokens. */
export function installationForToken(state: SandboxState, token: string): number | null {
  return liveToken(state, token)?.installationId ?? null;
}

/** Whether a grant reaches `repoId` with at least `access` on `permission` (metadata: always read). */
export function grantAllows(
  grant: TokenGrant,
  repoId: number | null,
  permission: string | null,
  access: TokenAccess,
): "ok" | "no-repo" | "no-permission" {
  if (repoId !== null && grant.repositoryIds !== null && !grant.repositoryIds.includes(repoId)) {
    return "no-repo";
  }
  if (permission === null || (permission === "metadata" && access === "read")) return "ok";
  const held = grant.permissions[permission];
  if (held === "write" || (held === "read" && access === "read")) return "ok";
  return "no-permission";
}

/** Splits an Authorization header into its scheme and credential. */
export function parseAuthorization(
  header: string | undefined,
): { scheme: "token" | "bearer" | "basic"; credential: string } | null {
  if (!header) return null;
  const match = /^(\S+)\s+(\S+)$/.exec(header.trim());
  if (!match) return null;
  const scheme = (match[1] ?? "").toLowerCase();
  const credential = match[2] ?? "";
  if (scheme === "token" || scheme === "bearer" || scheme === "basic") {
    return { scheme, credential };
  }
  return null;
}
