import type { Probot } from "probot";

type Logger = Probot["log"];

/**
 * The logger handed to Probot's HTTP server. Its request logger (pino-http) writes each
 * request's headers, which for the dashboard and /metrics include the operator's password or
 * token: those are censored here, whatever the log level.
 */
export function redactingLogger(log: Logger): Logger {
  return log.child(
    {},
    {
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
        censor: "[redacted]",
      },
    },
  );
}
