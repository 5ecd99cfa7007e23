import { type DocumentNode, Kind, type OperationDefinitionNode } from "graphql";
import { type ConnectionUse, connectionTree } from "./connectionTree.js";
import { GithubError, type GithubErrorJson } from "./githubError.js";

export const MAX_PAGE_SIZE = 100;

export function missingBoundaries(connection: string): GithubError {
  return new GithubError(
    "MISSING_PAGINATION_BOUNDARIES",
    `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`,
  );
}

export function excessivePagination(
  connection: string,
  argument: "first" | "last",
  value: number,
): GithubError {
  return new GithubError(
    "EXCESSIVE_PAGINATION",
    `Requesting ${value} records on the \`${connection}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE_SIZE} records.`,
  );
}

/**
 * The pagination mistakes visible in the text of a document, for every operation in it.
 * GitHub raises these while executing (as field errors), so at run time the resolvers raise them;
 * this static form lets a test reject an app's query before it is ever sent.
 */
export function paginationErrors(document: DocumentNode): GithubErrorJson[] {
  const errors: GithubErrorJson[] = [];
  const check = (uses: ConnectionUse[]) => {
    for (const use of uses) {
      if (use.kind === "connection") {
        const locations = use.node.loc
          ? [{ line: use.node.loc.startToken.line, column: use.node.loc.startToken.column }]
          : [];
        let problem: GithubError | undefined;
        if (use.first === undefined && use.last === undefined) {
          if (use.selectsItems) problem = missingBoundaries(use.fieldName);
        } else {
          for (const [name, value] of [
            ["first", use.first],
            ["last", use.last],
          ] as const) {
            if (value?.kind === Kind.INT && Number.parseInt(value.value, 10) > MAX_PAGE_SIZE) {
              problem = excessivePagination(use.fieldName, name, Number.parseInt(value.value, 10));
            }
          }
        }
        if (problem !== undefined)
          errors.push({ type: problem.type, locations, message: problem.message });
      }
      check(use.children);
    }
  };
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  for (const operation of operations)
    check(connectionTree(document, operation.name?.value ?? null));
  return errors;
}
