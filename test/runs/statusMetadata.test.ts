import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { RunSnapshot } from "../../src/runs/run.js";
import {
  decodeStatusMetadata,
  encodeStatusMetadata,
  isStatusComment,
} from "../../src/runs/statusMetadata.js";
import { runningRun, runRecord, taskRecord } from "./statusFixtures.js";

/** A metadata line around any JSON, as a hand edit of the comment could leave it. */
const packed = (json: string) =>
  `<!-- orchestrate:status v2 ${deflateRawSync(Buffer.from(json)).toString("base64")} -->`;

describe("status metadata", () => {
  it("round-trips what a rebuild needs, and leaves out what GitHub still holds", () => {
    const snapshot = runningRun();
    snapshot.run.stoppedBy = "bob";
    snapshot.run.conversation = ["Planner asked: which db?", "@alice answered: postgres"];
    const db = snapshot.tasks[0];
    if (db)
      Object.assign(db, { verify: "npm test", backend: "codex", race: 2, durationMs: 125_000 });
    const line = encodeStatusMetadata(snapshot);
    expect(line).toMatch(/^<!-- orchestrate:status v2 [A-Za-z0-9+/=]+ -->$/);

    const decoded = decodeStatusMetadata(`Some text\n\n${line}\n`);
    expect(decoded?.detail).toBe("full");
    const { config: _config, conversation: _conversation, ...run } = snapshot.run;
    expect(decoded?.run).toEqual(run);
    expect(decoded?.tasks).toEqual(
      snapshot.tasks.map(
        ({ description: _d, verify: _v, backend: _b, race: _r, lastFailure: _l, ...kept }) => kept,
      ),
    );
  });

  it("keeps the fork an adopted PR's branch lives in, so a rebuilt run pushes there", () => {
    const snapshot: RunSnapshot = {
      run: runRecord({
        groups: [
          {
            name: "pr-7",
            branch: "main",
            pull: 7,
            headRepo: { owner: "contrib", repo: "widgets" },
          },
          { name: "own", branch: "orchestrate/12-own", pull: null },
        ],
      }),
      tasks: [],
    };
    const decoded = decodeStatusMetadata(encodeStatusMetadata(snapshot));
    expect(decoded?.run.groups).toEqual(snapshot.run.groups);
  });

  it("keeps text that would end an HTML comment inside the marker", () => {
    const snapshot: RunSnapshot = {
      run: runRecord({ reason: "--> <!-- orchestrate:stop -->" }),
      tasks: [taskRecord("a", { title: "ends --> here 漢字 🚀" })],
    };
    const line = encodeStatusMetadata(snapshot);
    expect(line.match(/-->/g)).toHaveLength(1);
    expect(decodeStatusMetadata(line)?.tasks[0]?.title).toBe("ends --> here 漢字 🚀");
    expect(decodeStatusMetadata(line)?.run.reason).toBe("--> <!-- orchestrate:stop -->");
  });

  it("gives up detail step by step to fit the room it is given", () => {
    const snapshot: RunSnapshot = {
      run: runRecord({
        groups: [{ name: "data", branch: "orchestrate/12-data", pull: 3 }],
        questions: ["q".repeat(3000)],
      }),
      tasks: Array.from({ length: 300 }, (_, i) =>
        taskRecord(`task-${i}`, {
          title: `${i} ${Math.sin(i).toString(36)} ${Math.cos(i).toString(36)} ${"ü".repeat(100)}`,
          report: Math.tan(i).toString(36).repeat(8),
          commit: (i * 104729).toString(16).padStart(40, "a"),
          depends_on: i > 0 ? [`task-${i - 1}`] : [],
          status: "complete",
          attempts: 1,
        }),
      ),
    };
    const sizes = [Number.POSITIVE_INFINITY, 12_000, 3_000, 1_500, 200];
    const seen = sizes.map((maxChars) => {
      const line = encodeStatusMetadata(snapshot, { maxChars });
      const decoded = decodeStatusMetadata(line);
      if (maxChars !== 200) expect(line.length).toBeLessThanOrEqual(maxChars);
      return decoded;
    });
    expect(seen.map((d) => d?.detail)).toEqual([
      "full",
      "short",
      "structure",
      "tasks-dropped",
      "groups-dropped",
    ]);
    const [full, short, structure, noTasks, noGroups] = seen;
    expect(full?.tasks[5]?.commit).toHaveLength(40);
    expect(full?.run.questions[0]).toHaveLength(2000);
    expect([...(short?.tasks[5]?.title ?? "")]).toHaveLength(60);
    expect(short?.tasks[5]?.commit).toHaveLength(12);
    expect(short?.tasks[5]?.report).toBeUndefined();
    expect(structure?.tasks[5]).toEqual({
      id: "task-5",
      group: "data",
      depends_on: ["task-4"],
      title: "",
      status: "complete",
      kind: "implement",
      attempts: 1,
      priority: 1,
    });
    expect(noTasks?.tasks).toEqual([]);
    expect(noTasks?.run.groups).toEqual([{ name: "data", branch: "orchestrate/12-data", pull: 3 }]);
    expect(noGroups?.run.groups).toEqual([]);
    expect(noGroups?.run.key).toBe("acme/shop#12");
  });

  it("keeps a 1,000-task run with long unicode titles small enough to share a comment", () => {
    const snapshot: RunSnapshot = {
      run: runRecord({ groups: [{ name: "g", branch: "orchestrate/12-g", pull: null }] }),
      tasks: Array.from({ length: 1000 }, (_, i) =>
        taskRecord(`task-${i}`, {
          group: "g",
          title: `${i}: ${"Überarbeitung der Бэкенд-логики 漢字 🚀 ".repeat(8)}`.slice(0, 300),
          depends_on: i > 0 ? [`task-${i - 1}`] : [],
        }),
      ),
    };
    const line = encodeStatusMetadata(snapshot);
    expect(line.length).toBeLessThanOrEqual(24_000);
    const decoded = decodeStatusMetadata(line);
    expect(decoded?.tasks).toHaveLength(1000);
    expect(decoded?.tasks[999]?.depends_on).toEqual(["task-998"]);
  });

  it("points at groups and dependencies the run does not know by name", () => {
    const snapshot: RunSnapshot = {
      run: runRecord({ groups: [] }),
      tasks: [taskRecord("a", { group: "elsewhere", depends_on: ["gone"] })],
    };
    const task = decodeStatusMetadata(encodeStatusMetadata(snapshot))?.tasks[0];
    expect(task).toMatchObject({ group: "elsewhere", depends_on: ["gone"] });
  });

  it("reads nothing from a comment without metadata, or with broken or hand-edited metadata", () => {
    expect(decodeStatusMetadata("just a comment")).toBeNull();
    expect(decodeStatusMetadata("<!-- orchestrate:status v2 !!!! -->")).toBeNull();
    expect(decodeStatusMetadata("<!-- orchestrate:status v2 AAAA -->")).toBeNull();
    expect(decodeStatusMetadata(packed("{not json"))).toBeNull();
    expect(decodeStatusMetadata(packed('{"v":2,"s":"exploded"}'))).toBeNull();
    const v1 = `<!-- orchestrate:status v1 ${Buffer.from("{}").toString("base64")} -->`;
    expect(decodeStatusMetadata(v1)).toBeNull();
  });

  it("recognises a status comment by its marker", () => {
    expect(isStatusComment(`hello\n${encodeStatusMetadata(runningRun())}`)).toBe(true);
    expect(isStatusComment("<!-- orchestrate:stop -->")).toBe(false);
  });
});
