import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export const specsDir = join(root, "specs");
export const plannersDir = join(root, "planners");

export function specFixture(name: string): string {
  return readFileSync(join(specsDir, name), "utf8");
}

/** The seven tasks every 3-group fixture describes, and their computed priorities. */
export const FIXTURE_PRIORITIES = {
  "db-schema": 4,
  "db-queries": 3,
  "api-routes": 2,
  "api-notify": 1,
  "api-tests": 1,
  "web-list": 1,
  "web-save-button": 1,
};

export const FIXTURE_ORDER = [
  "db-schema",
  "db-queries",
  "api-routes",
  "api-notify",
  "api-tests",
  "web-list",
  "web-save-button",
];
