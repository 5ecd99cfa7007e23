import { describe, expect, it } from "vitest";
import { type CiEventPayload, ciEventFields } from "../../../src/runs/ci/ciEventFields.js";
import { examplePayload } from "../../../src/sandbox/webhookDriver.js";

type Subject = { pull_requests: Array<{ number: number }>; app?: { slug?: string } | null };

// GitHub's own example payloads: what a CI webhook names for the `checks` job.

describe("ciEventFields", () => {
  it("takes the pull requests a check run, check suite or workflow run names, with its app", () => {
    for (const event of ["check_run", "check_suite", "workflow_run"]) {
      const payload = examplePayload(event, "completed");
      const subject = payload[event] as Subject;
      subject.pull_requests = [{ number: 7 }, { number: 7 }, { number: 9 }];
      const fields = ciEventFields(payload as CiEventPayload, event);
      expect(fields?.pullNumbers).toEqual([7, 9]);
      expect(fields?.branches).toEqual([]);
      expect(fields?.app).toBe(subject.app?.slug ?? null);
    }
  });

  it("takes the branches a commit status is the head of, and skips an event naming nothing", () => {
    const status = examplePayload("status") as CiEventPayload;
    expect(ciEventFields(status, "status")).toEqual({
      pullNumbers: [],
      branches: ["master", "changes", "gh-pages"],
      app: null,
    });
    const run = examplePayload("check_run", "completed");
    (run["check_run"] as Subject).pull_requests = [];
    expect(ciEventFields(run as CiEventPayload, "check_run")).toBeNull();
  });
});
