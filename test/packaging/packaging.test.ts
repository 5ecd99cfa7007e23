import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { presets } from "../../src/worker/presets/presets.js";
import { copyOf, type Instruction, parseDockerfile, type Stage } from "./parseDockerfile.js";

// Docker cannot run on our machines, so the image and the compose file are checked by reading
// them against the repository: what they copy exists, what they run is what the build makes.
const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const pkg = JSON.parse(read("package.json")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** tsconfig.build.json with what it extends merged in, as `npm run build` sees it. */
function buildConfig(): { include: string[]; rootDir: string; outDir: string; extends: string[] } {
  const chain: string[] = [];
  const load = (file: string): { include?: string[]; compilerOptions?: Record<string, string> } => {
    chain.push(file);
    const json = JSON.parse(read(file)) as {
      extends?: string;
      include?: string[];
      compilerOptions?: Record<string, string>;
    };
    const base = json.extends ? load(join(dirname(file), json.extends)) : {};
    return {
      include: json.include ?? base.include ?? [],
      compilerOptions: { ...base.compilerOptions, ...json.compilerOptions },
    };
  };
  const config = load("tsconfig.build.json");
  return {
    include: config.include ?? [],
    rootDir: config.compilerOptions?.rootDir ?? ".",
    outDir: config.compilerOptions?.outDir ?? ".",
    extends: chain,
  };
}

describe("the Dockerfile", () => {
  const stages = parseDockerfile(read("Dockerfile"));
  const stage = (name: string): Stage => {
    const found = stages.find((s) => s.name === name);
    if (!found) throw new Error(`no stage named ${name}`);
    return found;
  };
  const all = (s: Stage, keyword: string): Instruction[] =>
    s.instructions.filter((i) => i.keyword === keyword);
  const workdir = (s: Stage) => all(s, "WORKDIR").at(-1)?.args ?? "/";
  const build = buildConfig();
  /** where `npm run build` puts the CLI: src/cli.ts under rootDir, compiled into outDir */
  const cliOutput = join(build.outDir, relative(build.rootDir, "src/cli.ts")).replace(
    /\.ts$/,
    ".js",
  );

  it("has two stages, build then runtime", () => {
    expect(stages.map((s) => s.name)).toEqual(["build", "runtime"]);
    expect(stage("runtime").image).toBe(stage("build").image);
  });

  it("builds what `npm run build` builds", () => {
    // The compiled CLI is the package's bin: executable, so `npx orchestrate` runs it.
    expect(pkg.scripts.build).toBe("tsc -p tsconfig.build.json && chmod +x dist/src/cli.js");
    const s = stage("build");
    const runs = all(s, "RUN").map((r) => r.args);
    expect(runs).toContain("npm run build");
    const copied = all(s, "COPY").flatMap((c) => copyOf(c).sources);
    // Every config in the extends chain and every folder the build includes is in the image.
    for (const path of [...build.extends, ...build.include, "package.json", "package-lock.json"]) {
      expect(copied, path).toContain(path);
    }
    // Dependencies are installed from the lock before the sources arrive (a cached layer).
    const npmCi = s.instructions.findIndex((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args));
    const firstSource = s.instructions.findIndex(
      (i) => i.keyword === "COPY" && copyOf(i).sources.includes("src"),
    );
    expect(npmCi).toBeGreaterThanOrEqual(0);
    expect(npmCi).toBeLessThan(firstSource);
  });

  it("installs what workers run: git, and bubblewrap for the agent sandbox", () => {
    const apt = all(stage("runtime"), "RUN")
      .map((r) => r.args)
      .filter((a) => /apt-get install/.test(a))
      .join(" ");
    expect(apt).toMatch(/\bgit\b/);
    expect(apt).toMatch(/\bbubblewrap\b/);
  });

  it("installs every preset's CLI at the version package.json pins", () => {
    const s = stage("runtime");
    const arg = all(s, "ARG").find((a) => a.args.startsWith("AGENT_CLIS="));
    const packages = JSON.parse(arg?.args.slice("AGENT_CLIS=".length) ?? '""').split(" ");
    const install = all(s, "RUN").find((r) => r.args.includes("$AGENT_CLIS"));
    expect(install?.args).toMatch(/npm install -g --ignore-scripts/);
    // The script's own version lookup, run here against the repository's package.json.
    const lookup = /node -e '([^']+)'/.exec(install?.args ?? "")?.[1] ?? "";
    const bins = new Set<string>();
    for (const name of packages) {
      expect(pkg.devDependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      const printed = execFileSync(process.execPath, ["-e", lookup, name], { cwd: root });
      expect(printed.toString().trim()).toBe(`${name}@${pkg.devDependencies[name]}`);
      const manifest = JSON.parse(read(`node_modules/${name}/package.json`)) as {
        bin?: Record<string, string>;
      };
      for (const bin of Object.keys(manifest.bin ?? {})) bins.add(bin);
    }
    for (const preset of Object.values(presets)) {
      expect([...bins], preset.name).toContain(preset.command[0]);
    }
  });

  it("runs the build's output with production dependencies only, as a non-root user", () => {
    const s = stage("runtime");
    const installs = all(s, "RUN").filter((r) => /\bnpm ci\b/.test(r.args));
    expect(installs).toHaveLength(1);
    expect(installs[0]?.args).toMatch(/--omit=dev/);

    const fromBuild = all(s, "COPY")
      .map(copyOf)
      .filter((c) => c.from === "build");
    expect(fromBuild.map((c) => c.sources)).toContainEqual([
      join(workdir(stage("build")), build.outDir),
    ]);

    const users = all(s, "USER").map((u) => u.args.split(":")[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);

    const entrypoint = all(s, "ENTRYPOINT").at(-1)?.words ?? [];
    const cmd = all(s, "CMD").at(-1)?.words ?? [];
    const command = [...entrypoint, ...cmd];
    expect(cliOutput).toBe("dist/src/cli.js");
    expect(command).toContain("node");
    expect(command).toContain(cliOutput);
    expect(command.at(-1)).toBe("server");
    // The same file the package's own entry points name, and one the build really makes.
    expect(pkg.bin.orchestrate).toBe(cliOutput);
    expect(pkg.scripts.start).toBe(`exec node ${cliOutput} server`);
    expect(existsSync(join(root, cliOutput)), `${cliOutput} after the build`).toBe(true);
  });

  it("copies only paths that exist in the repository and are not in .dockerignore", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const sources = stages.flatMap((s) =>
      all(s, "COPY")
        .map(copyOf)
        .filter((c) => c.from === null)
        .flatMap((c) => c.sources),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(
        ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        `${source} is in .dockerignore`,
      ).toBe(false);
    }
    // The App's private key and local state never reach the build context.
    for (const secret of [".env", "node_modules", ".data", ".git"]) {
      expect(ignored, secret).toContain(secret);
    }
  });

  it("offers the commands the image and compose run", () => {
    const help = execFileSync(process.execPath, [join(root, cliOutput), "help"], {
      encoding: "utf8",
    });
    expect(help).toMatch(/^\s+server\s/m);
    expect(help).toMatch(/^\s+worker\s/m);
  });
});

describe("what the server and worker load at run time", () => {
  // The image installs `dependencies` only: everything `orchestrate server` and `orchestrate
  // worker` import, followed through the compiled files, must be one of them or built into Node.
  const dist = join(root, "dist/src");
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

  /** `staticOnly`: files whose dynamic imports choose among commands (cli.js) are not followed */
  function packagesImportedFrom(entries: string[], staticOnly: Set<string>): Set<string> {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [...entries];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const code = readFileSync(file, "utf8");
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']/gm),
        ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
        ...(staticOnly.has(file) ? [] : code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)),
      ].map((m) => m[1] ?? "");
      for (const specifier of specifiers) {
        if (specifier.startsWith(".")) {
          queue.push(resolve(dirname(file), specifier));
        } else if (!builtins.has(specifier)) {
          const parts = specifier.split("/");
          packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? ""));
        }
      }
    }
    return packages;
  }

  it("needs only production dependencies", () => {
    const entries = ["cli.js", "cli/serverCommand.js", "cli/workerCommand.js"].map((f) =>
      join(dist, f),
    );
    for (const entry of entries) expect(existsSync(entry), entry).toBe(true);
    const packages = packagesImportedFrom(entries, new Set([join(dist, "cli.js")]));
    for (const known of ["probot", "bullmq", "ioredis", "simple-git", "@bull-board/api"]) {
      expect(packages, known).toContain(known);
    }
    for (const name of packages) {
      expect(Object.keys(pkg.dependencies), `${name} is imported at run time`).toContain(name);
    }
  });
});

describe("docker-compose.yml", () => {
  interface Service {
    image?: string;
    build?: unknown;
    command?: string[] | string;
    environment?: Record<string, string> | string[];
    ports?: unknown[];
    volumes?: string[];
    depends_on?: Record<string, { condition?: string }>;
    healthcheck?: { test?: string[] | string };
    security_opt?: string[];
  }
  // `<<:` merges the shared settings of server and worker, as Compose does.
  const compose = parse(read("docker-compose.yml"), { merge: true }) as {
    services: Record<string, Service>;
    volumes?: Record<string, unknown>;
  };
  const service = (name: string): Service => {
    const found = compose.services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  const env = (s: Service): Record<string, string> =>
    Array.isArray(s.environment)
      ? Object.fromEntries(
          s.environment.map((e) => [e.split("=")[0], e.split("=").slice(1).join("=")]),
        )
      : (s.environment ?? {});
  const words = (c: string[] | string | undefined) =>
    Array.isArray(c) ? c : (c ?? "").split(/\s+/);

  it("has redis, server and worker", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["redis", "server", "worker"]);
  });

  it("runs Redis 7 with AOF and noeviction on a volume, with a health check", () => {
    const redis = service("redis");
    expect(redis.image).toMatch(/^redis:7/);
    const command = words(redis.command).join(" ");
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    const [volume] = redis.volumes ?? [];
    expect(volume).toMatch(/^[a-z-]+:\/data$/);
    expect(Object.keys(compose.volumes ?? {})).toContain(volume?.split(":")[0]);
    expect(words(redis.healthcheck?.test)).toContain("ping");
  });

  it("builds one image for the server and the workers, pointed at that Redis once it is healthy", () => {
    for (const name of ["server", "worker"]) {
      const s = service(name);
      expect(s.build, name).toBe(".");
      expect(s.image, name).toBe(service("server").image);
      expect(env(s).REDIS_URL, name).toBe("redis://redis:6379");
      expect(s.depends_on?.redis?.condition, name).toBe("service_healthy");
    }
    expect(words(service("server").command)).toEqual(["server"]);
    expect(words(service("worker").command)).toEqual(["worker"]);
  });

  it("lets the server and the workers create the agent sandbox's user namespaces", () => {
    for (const name of ["server", "worker"]) {
      expect(service(name).security_opt, name).toEqual(
        expect.arrayContaining(["seccomp=unconfined", "apparmor=unconfined"]),
      );
      expect(
        service(name).security_opt?.some((o) => /privileged|cap_add/i.test(o)),
        name,
      ).toBe(false);
    }
  });

  it("publishes the server's port and checks its /healthz", () => {
    const server = service("server");
    expect(server.ports).toContain("3000:3000");
    expect(words(server.healthcheck?.test).join(" ")).toContain("/healthz");
  });

  it("lets workers scale: no published port, and a data volume of each replica's own", () => {
    const worker = service("worker");
    expect(worker.ports).toBeUndefined();
    const volumes = worker.volumes ?? [];
    expect(volumes).toEqual(["/data"]);
  });
});
