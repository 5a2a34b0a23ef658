import { waitForServer } from "../../runtimes/jobs/bootstrap/wait";
import type { AbsApi } from "../../runtimes/jobs/bootstrap/abs-api";

/** An Audiobookshelf that refuses connections until `readyAfterMs`, then answers /status. */
function startingServer(readyAfterMs: number): AbsApi {
  const ready = Date.now() + readyAfterMs;
  return {
    status: async () => {
      if (Date.now() < ready) throw Object.assign(new Error("fetch failed"), { cause: { message: "connect ECONNREFUSED 127.0.0.1:80" } });
      return { isInit: true };
    },
  } as unknown as AbsApi;
}

test("a long wait says so at intervals, with the time waited and the last reason", async () => {
  const lines: string[] = [];
  await waitForServer(startingServer(1600), 30, (l) => lines.push(l), 400);
  expect(lines[0]).toBe("waiting for Audiobookshelf to answer (fetch failed: connect ECONNREFUSED 127.0.0.1:80)");
  const progress = lines.slice(1);
  expect(progress.length).toBeGreaterThanOrEqual(1);
  for (const line of progress) expect(line).toMatch(/^still waiting for Audiobookshelf: \d+ s of 30 s \(fetch failed: connect ECONNREFUSED/);
});

test("a quick answer prints nothing", async () => {
  const lines: string[] = [];
  await waitForServer(startingServer(0), 30, (l) => lines.push(l), 400);
  expect(lines).toEqual([]);
});
