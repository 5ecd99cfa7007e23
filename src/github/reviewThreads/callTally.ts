import { z } from "zod";
import type { GraphqlAnswer } from "./graphqlCall.js";

const rateLimitSchema = z.object({
  cost: z.number(),
  remaining: z.number(),
  resetAt: z.string(),
});

/** What one poll spent: calls made, and the points GitHub says it charged (`rateLimit { cost }`). */
export class CallTally {
  graphqlCalls = 0;
  graphqlPoints = 0;
  restCalls = 0;
  /** REST calls answered 304 Not Modified: free, they count against no rate limit */
  restNotModified = 0;
  rateLimit: { remaining: number; resetAt: string } | null = null;

  recordGraphql(answer: GraphqlAnswer): void {
    this.graphqlCalls += 1;
    const reported = rateLimitSchema.safeParse(answer.data["rateLimit"]);
    if (!reported.success) return;
    this.graphqlPoints += reported.data.cost;
    this.rateLimit = { remaining: reported.data.remaining, resetAt: reported.data.resetAt };
  }
}
