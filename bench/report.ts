import { availableParallelism, cpus, loadavg } from "node:os";

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /**
   * 1-minute load average when the benches started and ended: anything else running on the
   * machine shows here, and skews the timings.
   */
  load: { start: number; end: number };
}

export interface BenchResult {
  name: string;
  title: string;
  /** how the figures were taken: runs, medians, what the clock spans */
  method: string;
  command: string;
  seconds: number;
  figures: Record<string, number>;
  error?: string;
}

export function machine(loadAtStart: number): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load: { start: loadAtStart, end: loadAverage() },
  };
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** The human report: a header naming the machine, then one table per bench. */
export function renderText(command: string, host: Machine, results: BenchResult[]): string {
  const lines = [
    "Orchestrate benchmarks — figures only; nothing here passes or fails.",
    `command  ${command}`,
    `machine  ${host.cpus} CPUs (${host.cpuModel}), Node ${host.node}, ${host.platform}`,
    `load     1-min load average ${host.load.start} at start, ${host.load.end} at end (other work skews timings)`,
    "",
  ];
  for (const result of results) {
    lines.push(`== ${result.title} ==`);
    lines.push(`command  ${result.command}   (${result.seconds.toFixed(1)} s)`);
    lines.push(...wrap(result.method, 98).map((line) => `  ${line}`));
    if (result.error) lines.push(`  FAILED TO RUN: ${result.error}`);
    else lines.push(...table(result.figures));
    lines.push("");
  }
  return lines.join("\n");
}

function table(figures: Record<string, number>): string[] {
  const rows = Object.entries(figures).map(([name, value]) => [name, format(value)] as const);
  const nameWidth = Math.max("figure".length, ...rows.map(([name]) => name.length));
  const valueWidth = Math.max("value".length, ...rows.map(([, value]) => value.length));
  const rule = `  ${"-".repeat(nameWidth)}  ${"-".repeat(valueWidth)}`;
  return [
    `  ${"figure".padEnd(nameWidth)}  ${"value".padStart(valueWidth)}`,
    rule,
    ...rows.map(([name, value]) => `  ${name.padEnd(nameWidth)}  ${value.padStart(valueWidth)}`),
  ];
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
