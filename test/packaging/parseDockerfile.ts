/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** the instruction's arguments as written (shell form) */
  args: string;
  /** the arguments as a list: the JSON array of the exec form, or the shell form split on spaces */
  words: string[];
}

export interface Stage {
  image: string;
  /** the `AS` name, or the stage's index when it has none */
  name: string;
  instructions: Instruction[];
}

/**
 * A small Dockerfile reader, enough to check stages and what they copy: joins `\` continuations,
 * drops comments (parser directives included), splits at each `FROM`.
 */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = "";
  }
  if (pending.trim()) logical.push(pending.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    if (line === "") continue;
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    const instruction: Instruction = { keyword: keyword.toUpperCase(), args, words: wordsOf(args) };
    if (instruction.keyword === "FROM") {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from?.[1]) throw new Error(`cannot read FROM ${args}`);
      stages.push({ image: from[1], name: from[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (instruction.keyword === "ARG") continue;
      throw new Error(`${instruction.keyword} before the first FROM`);
    }
    stage.instructions.push(instruction);
  }
  return stages;
}

function wordsOf(args: string): string[] {
  if (args.startsWith("[")) {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((w) => typeof w === "string")) return parsed;
  }
  return args.split(/\s+/).filter(Boolean);
}

/** A COPY instruction's flags, sources and destination. */
export function copyOf(instruction: Instruction): {
  from: string | null;
  sources: string[];
  destination: string;
} {
  const flags = instruction.words.filter((w) => w.startsWith("--"));
  const paths = instruction.words.filter((w) => !w.startsWith("--"));
  const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length) ?? null;
  const destination = paths.at(-1);
  if (destination === undefined || paths.length < 2) {
    throw new Error(`COPY ${instruction.args}: needs a source and a destination`);
  }
  return { from, sources: paths.slice(0, -1), destination };
}
