// Secret text must never leave the workspace module: git's own messages can echo a URL or a
// header back, so every error text is passed through here before it is rethrown or returned.

/** The forms an installation token can take on the wire: raw, and inside a Basic header. */
export function tokenForms(token: string | null | undefined): string[] {
  if (!token) return [];
  return [
    Buffer.from(`x-access-token:${token}`).toString("base64"),
    encodeURIComponent(token),
    token,
  ].filter((form, i, all) => form !== "" && all.indexOf(form) === i);
}

/** Replaces every occurrence of every secret with `***` (longest first, so parts don't leak). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue;
    out = out.split(secret).join("***");
  }
  return out;
}
