// The dependency-graph functions in one import for callers that use several of them.
export { priorities } from "./priorities.js";
export { readySet } from "./readySet.js";
export {
  type DagTask,
  DependencyCycleError,
  type StatusLookup,
  statusOf,
} from "./taskGraph.js";
export { topologicalOrder } from "./topologicalOrder.js";
