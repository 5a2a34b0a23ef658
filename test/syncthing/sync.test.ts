import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseStack } from "../../config/load";
import { ignoreFilePath } from "../../constructs/syncthing";
import { synthesize } from "../../stacks/synth";
import { EXAMPLE, tmp } from "../helpers/cli";
import { describeWhen } from "../helpers/tools";
import { freePort, generate, Sandbox, syncthingProblem, SyncthingProcess } from "./syncthing-process";

/**
 * The folder modes and ignore patterns at work between two real Syncthings: the server and the
 * Palma, each with its own key pair and its rendered config.xml and .stignore files, chrooted into
 * its own sandbox. The one change to the rendered files: addresses point at 127.0.0.1 ports, and
 * the tailnet-only allowedNetwork lines go (loopback is not the tailnet); tests talk only to loopback.
 */
const LIB = "/srv/shelfstack/library/ebooks";
const STATS = "/srv/shelfstack/statistics/palma";
const P_LIB = "/storage/emulated/0/Books/shelfstack";
const P_KO = "/storage/emulated/0/koreader/settings";
const BOOK = "Ann Author/A Title (1)";

async function until(what: string, check: () => boolean | Promise<boolean>, seconds = 40): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describeWhen(syncthingProblem(), "the server and the Palma syncing with the rendered configs", () => {
  const server = new Sandbox("shelfstack-stsrv-");
  const palma = new Sandbox("shelfstack-stpalma-");
  let st: { server: SyncthingProcess; palma: SyncthingProcess } | undefined;
  let out: string;
  const file = (s: Sandbox, ...p: string[]) => join(s.path(p[0]), ...p.slice(1));
  const put = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const status = async (p: SyncthingProcess, folder: string): Promise<any> => p.get(`/rest/db/status?folder=${folder}`);
  const idle = async (p: SyncthingProcess, folder: string) => {
    const s = await status(p, folder);
    return s.state === "idle" && s.needTotalItems === 0;
  };

  beforeAll(async () => {
    const serverId = generate(server);
    const palmaId = generate(palma);
    out = tmp();
    const yaml = readFileSync(EXAMPLE, "utf8").replace(/syncthingId: \S+/, `syncthingId: ${palmaId}`) + `\nsyncthing:\n  serverId: ${serverId}\n`;
    synthesize(parseStack(yaml), out);
    const [serverPort, palmaPort] = [await freePort(), await freePort()];
    const local = (xml: string, listen: number, peer: { host: string; port: number }) =>
      xml
        .replace("<listenAddress>tcp://0.0.0.0:22000</listenAddress>", `<listenAddress>tcp://127.0.0.1:${listen}</listenAddress>`)
        .replace(`tcp://${peer.host}.tail1234.ts.net:22000`, `tcp://127.0.0.1:${peer.port}`)
        .replace(/\s*<allowedNetwork>[^<]*<\/allowedNetwork>/g, "");
    writeFileSync(join(server.home, "config.xml"), local(readFileSync(join(out, "syncthing/server/config.xml"), "utf8"), serverPort, { host: "palma", port: palmaPort }));
    writeFileSync(join(palma.home, "config.xml"), local(readFileSync(join(out, "syncthing/palma/config.xml"), "utf8"), palmaPort, { host: "shelf", port: serverPort }));
    for (const [s, dir, side, content] of [
      [server, LIB, "server", "library"],
      [server, STATS, "server", "koreader-settings"],
      [palma, P_LIB, "reader", "library"],
      [palma, P_KO, "reader", "koreader-settings"],
    ] as const) {
      put(file(s, dir, ".stignore"), readFileSync(join(out, ignoreFilePath(side, content))));
    }
    // The server's Calibre library, with Calibre's live database beside the book.
    put(file(server, LIB, BOOK, "A Title - Ann Author.epub"), "epub bytes");
    put(file(server, LIB, BOOK, "metadata.opf"), "<package/>");
    for (const db of ["metadata.db", "metadata.db-wal", "full-text-search.db"]) put(file(server, LIB, db), "calibre database");
    // The Palma: KOReader's settings with its statistics in WAL mode, and a book's .sdr sidecar
    // (KOReader keeps progress and highlights there, beside the book).
    put(file(palma, P_KO, "statistics.sqlite3"), "stats v1");
    put(file(palma, P_KO, "statistics.sqlite3-wal"), "wal v1");
    put(file(palma, P_KO, "statistics.sqlite3-shm"), "shared memory");
    put(file(palma, P_KO, "settings.reader.lua"), "return {}");
    put(file(palma, P_LIB, BOOK, "A Title - Ann Author.sdr", "metadata.epub.lua"), "return { percent_finished = 0.42 }");

    const started = await Promise.all([SyncthingProcess.start(server, { paused: false }), SyncthingProcess.start(palma, { paused: false })]);
    st = { server: started[0], palma: started[1] };
    await until(
      "the book reaches the Palma and the statistics reach the server",
      () => existsSync(file(palma, P_LIB, BOOK, "A Title - Ann Author.epub")) && existsSync(file(server, STATS, "statistics.sqlite3-wal")),
    );
    await until("both receiving folders are idle with nothing left to pull", async () => (await idle(st!.palma, "library")) && (await idle(st!.server, "koreader-palma")));
  }, 90000);

  afterAll(async () => {
    await Promise.all([st?.server.stop(), st?.palma.stop()]);
    server.remove();
    palma.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test("the library reaches the Palma without Calibre's database", () => {
    expect(readFileSync(file(palma, P_LIB, BOOK, "A Title - Ann Author.epub"), "utf8")).toBe("epub bytes");
    expect(readdirSync(file(palma, P_LIB)).sort()).toEqual([".stfolder", ".stignore", "Ann Author"]);
  });

  test("the statistics reach the server with their -wal file, never the -shm", () => {
    expect(readFileSync(file(server, STATS, "statistics.sqlite3"), "utf8")).toBe("stats v1");
    expect(readFileSync(file(server, STATS, "statistics.sqlite3-wal"), "utf8")).toBe("wal v1");
    expect(existsSync(file(server, STATS, "statistics.sqlite3-shm"))).toBe(false);
  });

  test("nothing flows back against the direction: the Palma's .sdr never reaches the server", async () => {
    expect(existsSync(file(server, LIB, BOOK, "A Title - Ann Author.sdr"))).toBe(false);
    expect((await status(st!.palma, "library")).receiveOnlyChangedFiles).toBe(0);
  });

  test("'Revert local changes' on the Palma's library keeps KOReader's .sdr (progress, highlights)", async () => {
    put(file(palma, P_LIB, BOOK, "stray.txt"), "a local change");
    await st!.palma.request("POST", "/rest/db/scan?folder=library");
    await until("the Palma notices the local change", async () => (await status(st!.palma, "library")).receiveOnlyChangedFiles > 0);
    expect((await st!.palma.request("POST", "/rest/db/revert?folder=library")).ok).toBe(true);
    await until("the stray file is reverted", () => !existsSync(file(palma, P_LIB, BOOK, "stray.txt")));
    await until("the library is idle again", () => idle(st!.palma, "library"));
    expect(readFileSync(file(palma, P_LIB, BOOK, "A Title - Ann Author.sdr", "metadata.epub.lua"), "utf8")).toBe("return { percent_finished = 0.42 }");
    expect(existsSync(file(palma, P_LIB, BOOK, "A Title - Ann Author.epub"))).toBe(true);
  });

  test("a newer database from the Palma replaces the server's copy, and the old one is kept as a version", async () => {
    writeFileSync(file(palma, P_KO, "statistics.sqlite3"), "stats v2");
    await st!.palma.request("POST", "/rest/db/scan?folder=koreader-palma");
    await until("the server has the new database", () => readFileSync(file(server, STATS, "statistics.sqlite3"), "utf8") === "stats v2");
    const versions = readdirSync(file(server, STATS, ".stversions"));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatch(/^statistics~\d{8}-\d{6}\.sqlite3$/);
    expect(readFileSync(file(server, STATS, ".stversions", versions[0]), "utf8")).toBe("stats v1");
  });

  test("a corrupted copy on the server never travels back to the Palma", async () => {
    await until("the statistics folder is idle", () => idle(st!.server, "koreader-palma"));
    const before = (await status(st!.server, "koreader-palma")).sequence as number;
    writeFileSync(file(server, STATS, "statistics.sqlite3"), "garbage from a broken disk");
    await st!.server.request("POST", "/rest/db/scan?folder=koreader-palma");
    await until("the server has scanned its change", async () => (await status(st!.server, "koreader-palma")).sequence > before);
    // Receive-only: the server keeps the change to itself (the GUI offers to revert it).
    expect((await status(st!.server, "koreader-palma")).receiveOnlyChangedFiles).toBe(1);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await status(st!.palma, "koreader-palma")).needTotalItems).toBe(0);
    expect(readFileSync(file(palma, P_KO, "statistics.sqlite3"), "utf8")).toBe("stats v2");
  });
});
