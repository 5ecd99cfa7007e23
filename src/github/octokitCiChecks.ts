import type { ProbotOctokit } from "probot";
import { type CiChecksPort, CiPermissionError, type HeadChecks } from "./ciChecksPort.js";
import { githubStatus } from "./githubStatus.js";
import { readTail } from "./readTail.js";

/**
 * The last answer of each CI read, by URL, with its ETag: the poll asks again with
 * `If-None-Match`, and an unchanged head's checks come back 304, which GitHub does not count
 * against the rate limit. Bounded: the oldest entries go first.
 */
const answers = new Map<string, { etag: string; data: unknown }>();
const MAX_ANSWERS = 5_000;

/**
 * Repositories whose commit statuses GitHub refused the App, until when: a refusal is not asked
 * again and again (GitHub may suspend an App that keeps making failing requests); an
 * installation that accepts the permission is followed fully within this long.
 */
const statusesRefused = new Map<string, number>();
const REFUSAL_MS = 10 * 60_000;

/** CiChecksPort over an installation-authenticated Octokit. */
export function octokitCiChecks(octokit: ProbotOctokit): CiChecksPort {
  const base = () => octokit.request.endpoint.DEFAULTS.baseUrl;

  async function conditional<T>(
    route: string,
    params: Record<string, unknown>,
    permission: "checks" | "statuses" | null,
  ): Promise<T> {
    const key = `${base()} ${route} ${JSON.stringify(params)}`;
    const cached = answers.get(key);
    try {
      const response = await octokit.request(route, {
        ...params,
        ...(cached ? { headers: { "if-none-match": cached.etag } } : {}),
      });
      const etag = response.headers.etag;
      if (etag) {
        answers.delete(key);
        answers.set(key, { etag, data: response.data });
        if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value ?? "");
      }
      return response.data as T;
    } catch (error) {
      if (githubStatus(error) === 304 && cached) return cached.data as T;
      if (permission && refused(error)) throw new CiPermissionError(permission, "read");
      throw error;
    }
  }

  return {
    async pullHead({ owner, repo }, number) {
      const data = await conditional<{
        state: string;
        head: { sha: string };
        base: { ref: string };
      }>(
        "GET /repos/{owner}/{repo}/pulls/{pull_number}",
        { owner, repo, pull_number: number },
        null,
      );
      return {
        state: data.state === "open" ? "open" : "closed",
        headSha: data.head.sha,
        base: data.base.ref,
      };
    },

    async headChecks({ owner, repo }, sha) {
      const runs = await conditional<{ check_runs: CheckRunData[] }>(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        { owner, repo, ref: sha, per_page: 100 },
        "checks",
      );
      const out: HeadChecks = { checks: [], refused: [] };
      out.checks = runs.check_runs.map((r) => ({
        name: r.name,
        app: r.app?.slug ?? null,
        state:
          r.status !== "completed"
            ? "pending"
            : FAILED.has(r.conclusion ?? "")
              ? "failure"
              : "success",
        output: [r.output?.title, r.output?.summary, r.output?.text].filter(Boolean).join("\n\n"),
        actionsJobId: r.app?.slug === "github-actions" ? r.id : null,
      }));
      let statuses: StatusData[] = [];
      const refusal = `${base()} ${owner}/${repo}`.toLowerCase();
      try {
        if ((statusesRefused.get(refusal) ?? 0) > Date.now()) {
          throw new CiPermissionError("statuses", "read");
        }
        statuses = (
          await conditional<{ statuses: StatusData[] }>(
            "GET /repos/{owner}/{repo}/commits/{ref}/status",
            { owner, repo, ref: sha, per_page: 100 },
            "statuses",
          )
        ).statuses;
      } catch (error) {
        if (!(error instanceof CiPermissionError)) throw error;
        if ((statusesRefused.get(refusal) ?? 0) <= Date.now()) {
          statusesRefused.set(refusal, Date.now() + REFUSAL_MS);
        }
        out.refused.push(error);
      }
      for (const s of statuses) {
        out.checks.push({
          name: s.context,
          app: null,
          state: s.state === "pending" ? "pending" : s.state === "success" ? "success" : "failure",
          output: s.description ?? "",
          actionsJobId: null,
        });
      }
      return out;
    },

    async jobLogTail({ owner, repo }, jobId, maxBytes) {
      // GitHub answers 302 to a short-lived download URL: followed by hand, without the
      // installation token (it is another host), asking for the end only.
      let location: string | undefined;
      try {
        const response = await octokit.request(
          "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
          { owner, repo, job_id: jobId, request: { redirect: "manual" } },
        );
        location = response.headers.location;
      } catch (error) {
        if (refused(error)) throw new CiPermissionError("actions", "read");
        throw error;
      }
      if (!location) throw new Error(`GitHub gave no download URL for the log of job ${jobId}`);
      const download = await fetch(location, { headers: { range: `bytes=-${maxBytes}` } });
      if (!download.ok || !download.body) {
        throw new Error(`the log of job ${jobId} could not be downloaded (${download.status})`);
      }
      return readTail(download.body, maxBytes);
    },

    async rerunJob({ owner, repo }, jobId) {
      try {
        await octokit.request("POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", {
          owner,
          repo,
          job_id: jobId,
        });
      } catch (error) {
        if (refused(error)) throw new CiPermissionError("actions", "write");
        throw error;
      }
    },

    async requiredChecks({ owner, repo }, branch) {
      const data = await conditional<RuleData[]>(
        "GET /repos/{owner}/{repo}/rules/branches/{branch}",
        { owner, repo, branch, per_page: 100 },
        null,
      );
      return data.flatMap((rule) =>
        rule.type === "required_status_checks"
          ? (rule.parameters?.required_status_checks ?? []).map((c) => c.context)
          : [],
      );
    },
  };
}

/** Conclusions that mean the check failed (neutral and skipped do not). */
const FAILED = new Set(["failure", "timed_out", "cancelled", "action_required", "startup_failure"]);

function refused(error: unknown): boolean {
  return (
    githubStatus(error) === 403 &&
    /Resource not accessible by integration/i.test(error instanceof Error ? error.message : "")
  );
}

interface CheckRunData {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  app: { slug?: string } | null;
  output?: { title?: string | null; summary?: string | null; text?: string | null };
}
interface StatusData {
  context: string;
  state: string;
  description: string | null;
}
interface RuleData {
  type: string;
  parameters?: { required_status_checks?: Array<{ context: string }> };
}
