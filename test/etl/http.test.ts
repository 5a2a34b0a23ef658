import { Malformed, requestJson, retryAfterMs, SourceError } from "../../runtimes/jobs/etl/sources/http";
import { RateLimiter } from "../../runtimes/jobs/etl/sources/rate-limit";

/** A clock that only moves when someone sleeps. */
function fakeClock() {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

describe("Hardcover's rate limit: 60 requests a minute, a burst of 10", () => {
  test("70 requests take one minute; never more than 60 in any minute after the burst", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(60, 10, clock);
    const times: number[] = [];
    for (let i = 0; i < 70; i++) {
      await limiter.take();
      times.push(clock.t);
    }
    expect(times.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(times[10]).toBe(1000);
    expect(times[69]).toBe(60_000);
    for (let i = 10; i + 60 < times.length; i++) expect(times[i + 60] - times[i]).toBeGreaterThanOrEqual(60_000);
  });
});

describe("requests: retry, back-off, Retry-After", () => {
  const json = (status: number, body: string, headers: Record<string, string> = {}) => new Response(body, { status, headers });
  const scripted = (answers: (() => Response)[]) => {
    let i = 0;
    return (async () => answers[Math.min(i++, answers.length - 1)]()) as unknown as typeof fetch;
  };
  const validate = (body: unknown) => {
    if (!(body as { ok?: boolean }).ok) throw new Malformed("no ok");
    return body;
  };

  test("429 waits as long as Retry-After says, 5xx and malformed bodies back off exponentially", async () => {
    const clock = fakeClock();
    const fetch = scripted([
      () => json(429, "", { "retry-after": "7" }),
      () => json(503, "busy"),
      () => json(200, "{not json"),
      () => json(200, '{"ok": false}'),
      () => json(200, '{"ok": true}'),
    ]);
    await expect(requestJson("test", "http://127.0.0.1/x", {}, validate, { fetch, clock, backoffMs: 100 })).resolves.toEqual({ ok: true });
    expect(clock.sleeps).toEqual([7000, 100, 200, 400]);
  });

  test("gives up after the attempts, saying what it last saw", async () => {
    const clock = fakeClock();
    const fetch = scripted([() => json(200, '{"ok": false}')]);
    await expect(requestJson("hardcover: page 2", "http://127.0.0.1/x", {}, validate, { fetch, clock, attempts: 3 })).rejects.toThrow(
      /hardcover: page 2: gave up after 3 tries — last: malformed response \(no ok\)/,
    );
  });

  test("401 is not retried and names what to check; an hour-long Retry-After gives up at once", async () => {
    const clock = fakeClock();
    await expect(
      requestJson("hardcover", "http://127.0.0.1/x", {}, validate, { fetch: scripted([() => json(401, "bad token")]), clock, authHint: "check HARDCOVER_TOKEN" }),
    ).rejects.toThrow(/401.*check HARDCOVER_TOKEN/);
    await expect(requestJson("hardcover", "http://127.0.0.1/x", {}, validate, { fetch: scripted([() => json(429, "", { "retry-after": "3600" })]), clock })).rejects.toThrow(
      SourceError,
    );
    expect(clock.sleeps).toEqual([]);
  });

  test("Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("12", 0)).toBe(12_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
