import type {
  ExistingComment,
  GitHubPort,
  IssueInfo,
  PullInfo,
  RepoCoordinates,
} from "../../src/github/githubPort.js";

/**
 * An in-memory GitHub behind the project's own GitHub port, for use-case tests that need many
 * fast, deterministic steps (the model-based tests). What it does not model it refuses loudly:
 * the sandbox stays the proof of how the App talks to GitHub itself.
 */
export class MemoryGitHub implements GitHubPort {
  readonly appLogin = "orchestrate[bot]";
  readonly issues = new Map<number, IssueInfo>();
  readonly comments: ExistingComment[] = [];
  readonly pulls: PullInfo[] = [];
  /** called with each pull request as it is opened */
  onCreatePull: (pull: PullInfo) => void = () => undefined;
  private nextId = 1;

  async permissionOf() {
    return "admin" as const;
  }
  async repoInfo(repo: RepoCoordinates) {
    return {
      defaultBranch: "main",
      cloneUrl: `https://github.test/${repo.owner}/${repo.repo}.git`,
      htmlUrl: `https://github.test/${repo.owner}/${repo.repo}`,
      private: false,
    };
  }
  async issue(_repo: RepoCoordinates, number: number) {
    const issue = this.issues.get(number);
    if (!issue) throw new Error(`no issue #${number} in this model`);
    return issue;
  }
  async fileContent() {
    return null;
  }
  async createComment(_repo: RepoCoordinates, issue: number, body: string) {
    const id = this.nextId++;
    const url = `https://github.test/comment/${id}`;
    this.comments.push({ id, url, body, author: this.appLogin, authorType: `${issue}` });
    return { id, url };
  }
  async updateComment(_repo: RepoCoordinates, commentId: number, body: string) {
    const comment = this.comments.find((c) => c.id === commentId);
    if (comment) comment.body = body;
  }
  async listComments(_repo: RepoCoordinates, issue: number) {
    return this.comments.filter((c) => c.authorType === `${issue}`);
  }
  async reactToIssue() {}
  async reactToComment() {}
  async pull(_repo: RepoCoordinates, number: number) {
    const pull = this.pulls.find((p) => p.number === number);
    if (!pull) throw new Error(`no pull request #${number} in this model`);
    return pull;
  }
  async findPull(_repo: RepoCoordinates, branch: string) {
    return this.pulls.find((p) => p.head === branch) ?? null;
  }
  async createPull(
    _repo: RepoCoordinates,
    o: { head: string; base: string; title: string; body: string; draft: boolean },
  ) {
    if (this.pulls.some((p) => p.head === o.head && p.state === "open")) {
      throw new Error(`a pull request for ${o.head} already exists`);
    }
    const number = 1000 + this.pulls.length;
    const pull: PullInfo = {
      number,
      nodeId: `PR_${number}`,
      url: `https://github.test/pull/${number}`,
      state: "open",
      merged: false,
      draft: o.draft,
      head: o.head,
      headSha: "0".repeat(40),
      base: o.base,
      body: o.body,
      headRepo: null,
      headOwner: "",
      fromFork: false,
      maintainerCanModify: false,
    };
    this.pulls.push(pull);
    this.onCreatePull(pull);
    return pull;
  }
  async updatePull(_repo: RepoCoordinates, number: number, o: { body?: string; base?: string }) {
    const pull = this.pulls.find((p) => p.number === number);
    if (pull && o.body !== undefined) pull.body = o.body;
    if (pull && o.base !== undefined) pull.base = o.base;
  }
  async createBranch(): Promise<void> {
    throw new Error("branches are not in this model");
  }
  async markReadyForReview(nodeId: string) {
    const pull = this.pulls.find((p) => p.nodeId === nodeId);
    if (pull) pull.draft = false;
  }
  async pullFiles(): Promise<string[]> {
    throw new Error("pullFiles is not in this model");
  }
  async branchTip(): Promise<never> {
    throw new Error("branch tips are not in this model");
  }
  async baseStanding(): Promise<never> {
    throw new Error("base standing is not in this model");
  }
  async createCheckRun(): Promise<number> {
    throw new Error("check runs are not in this model");
  }
  async updateCheckRun(): Promise<void> {
    throw new Error("check runs are not in this model");
  }
  async gitToken(): Promise<never> {
    throw new Error("git is not in this model");
  }
  async canPushWorkflows() {
    return true;
  }
  async botIdentity() {
    return { name: this.appLogin, email: "orchestrate@users.noreply.github.com" };
  }
}
