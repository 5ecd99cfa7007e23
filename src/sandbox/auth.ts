import { createPublicKey, randomBytes, verify } from "node:crypto";
import type { SandboxInstallation, SandboxState } from "./state.js";

// GitHub App authentication as github.com does it: the app signs a short-lived RS256 JWT with its
// private key, trades it for an installation token, and uses that token everywhere else.

export type JwtCheck = { ok: true } | { ok: false; message: string };

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
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
): { token: string; expiresAt: Date } {
  // ghs_ + 36 base62-ish characters, the shape of a real installation token
  const token = `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;
  const expiresAt = new Date(state.now().getTime() + TOKEN_LIFETIME_MS);
  installation.tokens.set(token, expiresAt.getTime());
  return { token, expiresAt };
}

/** The installation a live token belongs to, or null for unknown and expired tokens. */
export function installationForToken(state: SandboxState, token: string): number | null {
  const now = state.now().getTime();
  for (const installation of state.installations.values()) {
    const expiry = installation.tokens.get(token);
    if (expiry !== undefined) return expiry > now ? installation.id : null;
  }
  return null;
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
