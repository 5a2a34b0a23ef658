import { setTimeout as sleep } from "node:timers/promises";
import { redactSecrets } from "../../redact";
import { AbsHttpError, type AbsApi, type AbsStatus } from "./abs-api";
import { UserError } from "../../../config/errors";

export class NotReachableError extends UserError {}

const PROGRESS_MS = 15_000;

/**
 * Asks `GET /status` until Audiobookshelf answers, backing off from 0.25 s to 5 s between tries.
 * Refused connections, timeouts and 5xx mean "still starting"; a 4xx means something else
 * answers at that address, which waiting won't fix.
 */
export async function waitForServer(api: AbsApi, timeoutSeconds: number, log: (line: string) => void, progressMs = PROGRESS_MS): Promise<AbsStatus> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  let delay = 250;
  let said = false;
  // A line every progressMs while it waits, so a slow first start never looks like a hang.
  let nextProgress = started + progressMs;
  for (;;) {
    let reason: string;
    try {
      const status = await api.status();
      if (typeof status?.isInit === "boolean") return status;
      reason = "GET /status did not answer like Audiobookshelf (no isInit)";
    } catch (error) {
      if (error instanceof AbsHttpError && error.status < 500) {
        throw new NotReachableError(`${error.message} — is Audiobookshelf the server at that address?`);
      }
      reason = describe(error);
    }
    if (Date.now() + delay > deadline) {
      throw new NotReachableError(`Audiobookshelf did not answer within ${timeoutSeconds} s (last: ${reason})`);
    }
    if (!said) log(`waiting for Audiobookshelf to answer (${reason})`);
    else if (Date.now() >= nextProgress) {
      log(`still waiting for Audiobookshelf: ${Math.round((Date.now() - started) / 1000)} s of ${timeoutSeconds} s (${reason})`);
      nextProgress += progressMs;
    }
    said = true;
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}

/** fetch's "fetch failed" says little; the cause says what happened (ECONNREFUSED, a timeout). */
function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } };
  return redactSecrets([e.message ?? String(error), e.cause?.message].filter(Boolean).join(": "));
}
