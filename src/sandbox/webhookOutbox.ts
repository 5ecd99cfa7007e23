import { type Delivery, deliver } from "./webhookDriver.js";

export interface WebhookTarget {
  url: string;
  secret: string;
  /**
   * Also deliver the events the app's own writes cause (its comments, labels, pull requests,
   * pushes, thread replies and resolutions), as GitHub does. Off by default.
   */
  appEvents?: boolean;
}

export interface SandboxDelivery extends Delivery {
  event: string;
  action: string | undefined;
  /** true when the app's own write caused the event */
  byApp: boolean;
}

/**
 * One ordered line of webhook deliveries. People's actions wait for their own delivery; events
 * the app caused are queued behind the answer to its request (GitHub delivers them after it
 * answered), and `settled()` waits for them and reports any the app refused.
 */
export class WebhookOutbox {
  target: WebhookTarget | null = null;
  readonly deliveries: SandboxDelivery[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private failures: string[] = [];

  constructor(private readonly appId: number) {}

  /** A person's action: resolves once the app answered, throws when it refused the event. */
  deliverNow(event: string, payload: Record<string, unknown>): Promise<SandboxDelivery | null> {
    const run = this.enqueue(event, payload, false);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The app's own write: queued behind the answer to its request; `settled()` reports failures. */
  queue(event: string, payload: Record<string, unknown>): void {
    if (!this.target?.appEvents) return;
    this.chain = this.enqueue(event, payload, true).catch((error: unknown) => {
      this.failures.push(error instanceof Error ? error.message : String(error));
    });
  }

  private enqueue(
    event: string,
    payload: Record<string, unknown>,
    byApp: boolean,
  ): Promise<SandboxDelivery | null> {
    const target = this.target;
    if (!target) return Promise.resolve(null);
    const action = typeof payload["action"] === "string" ? payload["action"] : undefined;
    return this.chain.then(async () => {
      const result = await deliver({
        url: target.url,
        secret: target.secret,
        event,
        payload,
        appId: this.appId,
      });
      const delivery = { ...result, event, action, byApp };
      this.deliveries.push(delivery);
      if (result.status >= 400) {
        throw new Error(
          `Webhook ${event}.${action} was answered ${result.status}: ${result.body.slice(0, 500)}`,
        );
      }
      return delivery;
    });
  }

  /** Waits until every queued delivery was answered; throws listing app events that failed. */
  async settled(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
    const failures = this.failures.splice(0);
    if (failures.length > 0) throw new Error(failures.join("\n"));
  }
}
