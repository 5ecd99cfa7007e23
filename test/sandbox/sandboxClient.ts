import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import type { Sandbox } from "../../src/sandbox/sandbox.js";

// Test helpers: act as the app against a sandbox, through the same clients the app uses.

/** An Octokit authenticated as the app's installation, like Probot's context.octokit. */
export function installationOctokit(sandbox: Sandbox, installationId: number): Octokit {
  return new Octokit({
    baseUrl: sandbox.url,
    authStrategy: createAppAuth,
    auth: { appId: sandbox.appId, privateKey: sandbox.privateKey, installationId },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

/** An Octokit authenticated as the app itself (JWT). */
export function appOctokit(sandbox: Sandbox): Octokit {
  return new Octokit({
    baseUrl: sandbox.url,
    authStrategy: createAppAuth,
    auth: { appId: sandbox.appId, privateKey: sandbox.privateKey },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

/** A fresh installation token, for raw HTTP and git calls. */
export async function installationToken(sandbox: Sandbox, installationId: number): Promise<string> {
  const auth = createAppAuth({
    appId: sandbox.appId,
    privateKey: sandbox.privateKey,
    request: appOctokit(sandbox).request,
  });
  const { token } = await auth({ type: "installation", installationId });
  return token;
}

const exec = promisify(execFile);

/** Runs git with the token as GitHub Actions does: an Authorization header, no global config. */
export async function git(cwd: string, token: string, args: string[]): Promise<string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  const { stdout } = await exec(
    "git",
    [
      "-c",
      `http.extraHeader=Authorization: Basic ${basic}`,
      "-c",
      "user.name=Tester",
      "-c",
      "user.email=tester@example.com",
      ...args,
    ],
    {
      cwd,
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_TERMINAL_PROMPT: "0",
      },
    },
  );
  return stdout;
}
