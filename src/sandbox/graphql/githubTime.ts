const GITHUB_FORM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** GitHub's DateTime form: ISO 8601 in UTC without milliseconds ("2024-05-01T12:00:00Z"). */
export function githubTime(value: string | Date): string {
  // The state already stores GitHub's form; re-formatting every timestamp of a big poll shows.
  if (typeof value === "string" && GITHUB_FORM.test(value)) return value;
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
