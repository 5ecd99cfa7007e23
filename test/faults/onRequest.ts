// The sandbox records every request it answered (state.requests). Watching that record as it
// grows lets a test act at an exact point of the app's conversation with GitHub — SIGKILL the
// process whose request was just answered, arm a fault for the next request — without guessing
// at timing: the callback runs synchronously, before the app can make its next request.
import type { Sandbox } from "../../src/sandbox/sandbox.js";

export type Recorded = Sandbox["state"]["requests"][number];

/** Calls `see` for every request recorded from now on, until the returned function is called. */
export function watchRequests(sandbox: Sandbox, see: (request: Recorded) => void): () => void {
  const requests = sandbox.state.requests;
  const push = requests.push;
  let watching = true;
  requests.push = (...items: Recorded[]) => {
    const length = push.apply(requests, items);
    for (const item of items) if (watching) see(item);
    return length;
  };
  return () => {
    watching = false;
    requests.push = push;
  };
}

/**
 * Calls `act` synchronously for the first recorded request that matches, then stops watching.
 * `seen` resolves with that request.
 */
export function onRequest(
  sandbox: Sandbox,
  matches: (request: Recorded) => boolean,
  act: (request: Recorded) => void,
): { seen: Promise<Recorded> } {
  let resolveSeen: (r: Recorded) => void = () => undefined;
  const seen = new Promise<Recorded>((r) => {
    resolveSeen = r;
  });
  const stop = watchRequests(sandbox, (request) => {
    if (!matches(request)) return;
    stop();
    act(request);
    resolveSeen(request);
  });
  return { seen };
}
