import {
  execute,
  type GraphQLError,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  print,
} from "graphql";
import type { SandboxState } from "../state.js";
import { sandboxFieldResolver } from "./fieldResolver.js";
import { formatExecutionError, type GithubErrorJson } from "./githubError.js";
import { githubSchema } from "./githubSchema.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { mutationRoot } from "./mutationRoot.js";
import { preparedDocument } from "./preparedDocument.js";
import { queryCost } from "./queryCost.js";
import { queryRoot } from "./queryRoot.js";
import { chargeGraphqlPoints } from "./rateLimitMeter.js";

export interface GraphqlResponse {
  status: number;
  body: unknown;
  /** rate-limit points charged for this call (0 when GitHub would not have run it) */
  cost: number;
}

/** GitHub's ceiling on the nodes one call may request. */
const MAX_NODES = 500_000;
const MISSING_QUERY = "A query attribute must be specified and must be a string.";

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

function readRequest(body: unknown): GraphqlRequest | GraphqlResponse {
  let payload = body;
  if (typeof payload === "string" || Buffer.isBuffer(payload)) {
    try {
      payload = JSON.parse(String(payload));
    } catch {
      return {
        status: 400,
        body: {
          message: "Problems parsing JSON",
          documentation_url: "https://docs.github.com/graphql",
        },
        cost: 0,
      };
    }
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return { status: 400, body: { errors: [{ message: MISSING_QUERY }] }, cost: 0 };
  }
  const { query, variables, operationName } = payload as Record<string, unknown>;
  if (typeof query !== "string" || query === "") {
    return { status: 400, body: { errors: [{ message: MISSING_QUERY }] }, cost: 0 };
  }
  let vars: unknown = variables ?? {};
  if (typeof vars === "string") {
    try {
      vars = vars === "" ? {} : JSON.parse(vars);
    } catch {
      return answer([{ message: "Variables are invalid JSON." }]);
    }
  }
  if (vars === null || typeof vars !== "object" || Array.isArray(vars)) {
    return answer([{ message: "Variables are invalid JSON." }]);
  }
  return {
    query,
    variables: vars as Record<string, unknown>,
    operationName: typeof operationName === "string" && operationName !== "" ? operationName : null,
  };
}

/** GitHub answers every GraphQL-level refusal with HTTP 200 and an `errors` array, no `data`. */
function answer(errors: GithubErrorJson[]): GraphqlResponse {
  return { status: 200, body: { errors }, cost: 0 };
}

/** graphql-ruby's wording for a variable value that does not fit its declared type. */
function variableError(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  error: GraphQLError,
): GithubErrorJson {
  const name = error.message.match(/^Variable "\$(.+?)"/)?.[1];
  const definition = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  if (name === undefined || definition === undefined) return { message: error.message };
  const missing = /was not provided|must not be null/.test(error.message);
  const at = error.message.match(/ at "(.+?)";/)?.[1];
  const explanation = missing
    ? "Expected value to not be null"
    : (error.message.split("; ").slice(1).join("; ") || error.message).replace(/\.$/, "");
  return {
    message: `Variable $${name} of type ${print(definition.type)} was provided invalid value`,
    ...(error.locations ? { locations: error.locations } : {}),
    extensions: {
      value: variables[name] ?? null,
      problems: [{ path: at === undefined ? [] : at.split(".").slice(1), explanation }],
    },
  };
}

/**
 * Answers one `POST /graphql` as GitHub would, for the installation whose token made it:
 * validates against GitHub's schema, enforces its pagination and node limits, charges its
 * documented cost to the installation's hourly meter (and to state.graphqlPoints), then runs
 * the operation against `state`. The caller records `cost` on the request log; it must not
 * charge again.
 */
export async function handleGraphql(
  state: SandboxState,
  body: unknown,
  installationId: number,
): Promise<GraphqlResponse> {
  const request = readRequest(body);
  if ("status" in request) return request;

  const prepared = preparedDocument(request.query);
  if (!prepared.ok) return answer(prepared.errors);
  const { document } = prepared;

  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    return answer([
      {
        message:
          request.operationName === null
            ? "An operation name is required"
            : `No operation named "${request.operationName}"`,
      },
    ]);
  }

  const schema = githubSchema();
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
  if (coerced.errors !== undefined) {
    return answer(coerced.errors.map((e) => variableError(operation, request.variables, e)));
  }

  const cost = queryCost(document, coerced.coerced, request.operationName);
  if (cost.nodes > MAX_NODES) {
    return answer([
      {
        type: "MAX_NODE_LIMIT_EXCEEDED",
        message: `This query requests up to ${cost.nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString("en-US")}.`,
      },
    ]);
  }

  const rateLimit = chargeGraphqlPoints(state, installationId, cost.points);
  if (rateLimit === null) {
    return answer([
      {
        type: "RATE_LIMITED",
        message: `API rate limit already exceeded for installation ID ${installationId}.`,
      },
    ]);
  }

  const ctx: GraphqlContext = {
    state,
    installationId,
    cost,
    rateLimit,
    threadsByPull: new WeakMap(),
    nodeIndexRefreshed: false,
  };
  const result = await execute({
    schema,
    document,
    rootValue: operation.operation === "mutation" ? mutationRoot(ctx) : queryRoot(ctx),
    contextValue: ctx,
    variableValues: request.variables,
    operationName: request.operationName,
    fieldResolver: sandboxFieldResolver,
  });
  const responseBody: { data: unknown; errors?: GithubErrorJson[] } = { data: result.data ?? null };
  if (result.errors !== undefined && result.errors.length > 0) {
    responseBody.errors = result.errors.map(formatExecutionError);
  }
  return { status: 200, body: responseBody, cost: cost.points };
}
