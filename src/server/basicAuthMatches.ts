import { sameSecret } from "./sameSecret.js";

/**
 * Does an `Authorization: Basic …` header carry this user and password? The user is split off
 * at the first ":" (RFC 7617). Both halves are always compared, so a wrong user takes as long
 * as a wrong password.
 */
export function basicAuthMatches(
  header: string | undefined,
  login: { user: string; password: string },
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), login.user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), login.password);
  return userOk && passwordOk;
}
