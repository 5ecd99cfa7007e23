import type { SandboxRepo, SandboxReviewThread, SandboxState } from "../state.js";
import type { QueryCost } from "./queryCost.js";
import type { GraphqlRateLimit } from "./rateLimitMeter.js";

/** What every resolver of one GraphQL call sees. */
export interface GraphqlContext {
  state: SandboxState;
  installationId: number;
  /** this call's cost, for `rateLimit { cost nodeCount }` */
  cost: QueryCost;
  /** the meter after this call was charged, for `rateLimit { remaining used ... }` */
  rateLimit: GraphqlRateLimit;
  /** per-call memo: each repo's review threads grouped by PR number (one scan per repo per call) */
  threadsByPull: WeakMap<SandboxRepo, Map<number, SandboxReviewThread[]>>;
  /** whether this call already rebuilt the node-id index after a miss */
  nodeIndexRefreshed: boolean;
}
