import { actionRoutes } from "./actions.js";
import { appRoutes } from "./apps.js";
import { branchUpdateRoutes } from "./branchUpdates.js";
import { checkRoutes } from "./checks.js";
import { gitRefRoutes } from "./gitRefs.js";
import { issueRoutes } from "./issues.js";
import { pullMergeRoutes } from "./pullMerge.js";
import { pullRoutes } from "./pulls.js";
import { reactionRoutes } from "./reactions.js";
import { repoRoutes } from "./repos.js";
import { reviewCommentRoutes } from "./reviewComments.js";
import type { RouteTable } from "./routeContext.js";
import { statusRoutes } from "./statuses.js";
import { userRoutes } from "./users.js";

/** Every REST operation the sandbox implements, by GitHub operationId. */
export const restRoutes: RouteTable = {
  ...appRoutes,
  ...repoRoutes,
  ...issueRoutes,
  ...reactionRoutes,
  ...pullRoutes,
  ...pullMergeRoutes,
  ...branchUpdateRoutes,
  ...reviewCommentRoutes,
  ...gitRefRoutes,
  ...checkRoutes,
  ...actionRoutes,
  ...statusRoutes,
  ...userRoutes,
};
