import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { absApiKey, requestScans } from "../../runtimes/ingest/abs";
import { ingestPass } from "../../runtimes/ingest/run";
import { mp3 } from "./fixtures";
import { captureLog, workspace, type Workspace } from "./helpers";

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
}

/** A loopback stand-in for Audiobookshelf's library API: lists two libraries, accepts scans, records every request. */
class AbsStandIn {
  readonly requests: Recorded[] = [];
  private server?: Server;
  port = 0;

  constructor(private readonly key: string) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      if (req.headers.authorization !== `Bearer ${this.key}`) {
        res.writeHead(401).end("Unauthorized");
      } else if (req.method === "GET" && req.url === "/api/libraries") {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            libraries: [
              { id: "lib_ebooks", name: "Ebooks", mediaType: "book", folders: [{ id: "f1", fullPath: "/ebooks", libraryId: "lib_ebooks" }] },
              { id: "lib_audio", name: "Audiobooks", mediaType: "book", folders: [{ id: "f2", fullPath: "/audiobooks/", libraryId: "lib_audio" }] },
            ],
          }),
        );
      } else if (req.method === "POST" && /^\/api\/libraries\/[^/]+\/scan$/.test(req.url!)) {
        res.writeHead(200).end("OK");
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  scans(): string[] {
    return this.requests.filter((r) => r.method === "POST").map((r) => r.url);
  }
}

describe("absApiKey", () => {
  test("the key file wins and is read on every call; the environment variable is the fallback", () => {
    const ws = workspace("abs-key-");
    try {
      const file = join(ws.root, "api-key");
      const env = { ABS_API_KEY_FILE: file, ABS_API_KEY: "from-env" };
      expect(absApiKey(env)).toBe("from-env"); // file not written yet
      writeFileSync(file, "from-file\n");
      expect(absApiKey(env)).toBe("from-file");
      writeFileSync(file, "rotated");
      expect(absApiKey(env)).toBe("rotated");
      expect(absApiKey({})).toBeUndefined();
    } finally {
      ws.cleanup();
    }
  });
});

describe("ingest: asks Audiobookshelf to scan the changed library (loopback stand-in)", () => {
  let ws: Workspace;
  let abs: AbsStandIn;
  beforeEach(async () => {
    ws = workspace("ingest-abs-");
    abs = new AbsStandIn("key-123");
    await abs.start();
  });
  afterEach(async () => {
    await abs.stop();
    ws.cleanup();
  });

  const dropAudiobook = (name: string) => writeFileSync(join(ws.ingest, `${name}.mp3`), mp3({ title: name, albumArtist: "Some Author", album: name }));

  test("after placing an audiobook: GET /api/libraries, then POST /api/libraries/<id>/scan for that library only, with the Bearer key", async () => {
    const keyFile = join(ws.root, "api-key");
    writeFileSync(keyFile, "key-123");
    dropAudiobook("Dracula");
    const { lines, log } = captureLog();
    await ingestPass(ws.options({ absUrl: abs.url }), { log, env: { ABS_API_KEY_FILE: keyFile } });
    expect(abs.requests).toEqual([
      { method: "GET", url: "/api/libraries", authorization: "Bearer key-123" },
      { method: "POST", url: "/api/libraries/lib_audio/scan", authorization: "Bearer key-123" },
    ]);
    expect(lines).toContain("asked Audiobookshelf to scan Audiobooks (/audiobooks)");
  });

  test("no key yet: the scan is owed, and asked for once the bootstrap has written the key file", async () => {
    const keyFile = join(ws.root, "api-key");
    dropAudiobook("Carmilla");
    const first = await ingestPass(ws.options({ absUrl: abs.url }), { log: () => {}, env: { ABS_API_KEY_FILE: keyFile } });
    expect(abs.requests).toEqual([]);
    expect(first.notes).toEqual(["Audiobookshelf scan of audiobooks postponed (see the log); asked again on the next pass"]);

    writeFileSync(keyFile, "key-123");
    const second = await ingestPass(ws.options({ absUrl: abs.url }), { log: () => {}, env: { ABS_API_KEY_FILE: keyFile } });
    expect(second.outcomes).toEqual([]); // nothing new to ingest, only the owed scan
    expect(abs.scans()).toEqual(["/api/libraries/lib_audio/scan"]);
    await ingestPass(ws.options({ absUrl: abs.url }), { log: () => {}, env: { ABS_API_KEY_FILE: keyFile } });
    expect(abs.scans()).toHaveLength(1); // paid once, not asked again
  });

  test("Audiobookshelf down is logged and retried on a later pass, never fatal; a refused key is postponed too", async () => {
    const port = abs.port;
    await abs.stop();
    dropAudiobook("Vathek");
    const { lines, log } = captureLog();
    const report = await ingestPass(ws.options({ absUrl: `http://127.0.0.1:${port}` }), { log, env: { ABS_API_KEY: "key-123" } });
    expect(report.of("ingested")).toHaveLength(1);
    expect(lines.some((l) => /^Audiobookshelf scan postponed: ECONNREFUSED; will ask again$/.test(l))).toBe(true);

    await abs.start(port);
    await ingestPass(ws.options({ absUrl: abs.url }), { log: () => {}, env: { ABS_API_KEY: "wrong" } });
    expect(abs.scans()).toEqual([]);
    await ingestPass(ws.options({ absUrl: abs.url }), { log: () => {}, env: { ABS_API_KEY: "key-123" } });
    expect(abs.scans()).toEqual(["/api/libraries/lib_audio/scan"]);
  });

  test("requestScans matches libraries by folder and owes a scan for a library that does not exist yet", async () => {
    const { lines, log } = captureLog();
    const target = { url: abs.url, folders: { ebooks: "/ebooks", audiobooks: "/elsewhere" }, env: { ABS_API_KEY: "key-123" } };
    expect(await requestScans(target, ["audiobooks", "ebooks"], log)).toEqual(["audiobooks"]);
    expect(abs.scans()).toEqual(["/api/libraries/lib_ebooks/scan"]);
    expect(lines).toContain("Audiobookshelf has no library over /elsewhere yet (shelfstack bootstrap creates it); its scan is postponed");
  });
});
