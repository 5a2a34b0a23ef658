import { RateLimiter, realClock } from "./rate-limit";

/** A source that could not be read this run: the message names the source and the cause. */
export class SourceError extends Error {}

/** Thrown by a response's validator: the body is not the documented shape (a malformed page). */
export class Malformed extends Error {}

export interface HttpOptions {
  readonly fetch?: typeof fetch;
  readonly clock?: { now(): number; sleep(ms: number): Promise<void> };
  /** Tries per request on network errors, 5xx and malformed bodies, the first included. @default 5 */
  readonly attempts?: number;
  /** 429 answers tolerated per request. @default 10 */
  readonly throttles?: number;
  /** First back-off; doubles each retry. @default 1000 ms */
  readonly backoffMs?: number;
  /** Longest wait a 429's Retry-After may ask for before the source is given up. @default 5 min */
  readonly maxRetryAfterMs?: number;
  /** Per request. @default 30 s */
  readonly timeoutMs?: number;
  readonly limiter?: RateLimiter;
}

type Outcome<T> = { readonly value: T } | { readonly retry: string; readonly throttled?: boolean; readonly waitMs?: number };

/**
 * One JSON request with the manners a shared API expects: rate-limited; retried with exponential
 * back-off on network errors, 5xx and malformed bodies; waiting as told by Retry-After on 429.
 * Other 4xx are not retried (a wrong token does not get better); the error says what to check.
 */
export async function requestJson<T>(
  what: string,
  url: string,
  init: RequestInit,
  validate: (body: unknown) => T,
  options: HttpOptions & { readonly authHint?: string } = {},
): Promise<T> {
  const clock = options.clock ?? realClock;
  const backoff = (n: number) => Math.min((options.backoffMs ?? 1000) * 2 ** (n - 1), 60_000);
  let failures = 0;
  let throttles = 0;
  for (;;) {
    await options.limiter?.take();
    const outcome = await once(what, url, init, validate, options, clock.now());
    if ("value" in outcome) return outcome.value;
    if (outcome.throttled) {
      if (++throttles > (options.throttles ?? 10)) throw new SourceError(`${what}: still rate limited after ${throttles - 1} waits — try again later`);
      await clock.sleep(outcome.waitMs ?? backoff(throttles));
      continue;
    }
    if (++failures >= (options.attempts ?? 5)) throw new SourceError(`${what}: gave up after ${failures} tries — last: ${outcome.retry}`);
    await clock.sleep(backoff(failures));
  }
}

async function once<T>(
  what: string,
  url: string,
  init: RequestInit,
  validate: (body: unknown) => T,
  options: HttpOptions & { readonly authHint?: string },
  now: number,
): Promise<Outcome<T>> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    return { retry: `no answer (${(error as Error).message})` };
  }
  const text = await response.text().catch(() => "");
  if (response.status === 429) {
    const waitMs = retryAfterMs(response.headers.get("retry-after"), now);
    if (waitMs !== undefined && waitMs > (options.maxRetryAfterMs ?? 300_000)) {
      throw new SourceError(`${what}: rate limited for ${Math.round(waitMs / 1000)} s more — try again later`);
    }
    return { retry: "429 Too Many Requests", throttled: true, waitMs };
  }
  if (response.status >= 500) return { retry: `${response.status} ${response.statusText}` };
  if (response.status >= 400) {
    const hint = options.authHint && (response.status === 401 || response.status === 403) ? ` — ${options.authHint}` : "";
    throw new SourceError(`${what}: ${response.status} ${response.statusText}${text ? ` (${text.slice(0, 200)})` : ""}${hint}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { retry: `malformed response (not JSON: ${(error as Error).message})` };
  }
  try {
    return { value: validate(body) };
  } catch (error) {
    if (error instanceof Malformed) return { retry: `malformed response (${error.message})` };
    throw error;
  }
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
