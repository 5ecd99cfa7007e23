import type { OperatorConfig } from "../config/env.js";

/**
 * The webhook URL the setup page registers the App with: the operator's public address with the
 * webhook path (production), or the proxy channel the server forwards from (development). Null
 * when neither is set: Probot would offer GitHub this machine's local address, which GitHub
 * cannot reach, and the App would never receive a webhook.
 */
export function setupWebhookUrl(
  config: Pick<OperatorConfig, "PUBLIC_URL" | "WEBHOOK_PROXY_URL" | "WEBHOOK_PATH">,
): string | null {
  if (config.PUBLIC_URL) return `${config.PUBLIC_URL.replace(/\/+$/, "")}${config.WEBHOOK_PATH}`;
  return config.WEBHOOK_PROXY_URL ?? null;
}
