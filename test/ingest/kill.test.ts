import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { bundleIngest } from "./bundle";
import { epub, mp3, pdf } from "./fixtures";
import { calibredb, sha256, tree, workspace, type Workspace } from "./helpers";

/** mulberry32: a small seeded generator, so a failing run can be replayed with KILL_SEED. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describeWithTool("calibredb", "apt-get install calibre", "ingest: killed at random points, nothing is lost or doubled", () => {
  let ws: Workspace;
  let bundle: { file: string; dir: string };
  beforeAll(async () => {
    bundle = await bundleIngest();
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));
  beforeEach(() => {
    ws = workspace("ingest-kill-");
  });
  afterEach(() => ws.cleanup());

  /** Runs the bundled runtime once; kills its whole process group (calibredb included) after `killAfterMs`. */
  function runOnce(killAfterMs?: number): Promise<{ code: number | null; killed: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [bundle.file, "--once", "--from", ws.ingest, "--library", ws.library, "--audiobooks", ws.audiobooks, "--failed", ws.failed, "--stable", "0", "--batch-size", "3"],
        { detached: true, stdio: "ignore" },
      );
      let killed = false;
      const timer =
        killAfterMs === undefined
          ? undefined
          : setTimeout(() => {
              killed = true;
              try {
                process.kill(-child.pid!, "SIGKILL");
              } catch {
                // already gone
              }
            }, killAfterMs);
      child.on("error", reject);
      child.on("exit", (code) => {
        if (timer) clearTimeout(timer);
        // The group may still hold a calibredb the kill raced with: make sure it is gone too.
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // none left
        }
        resolve({ code, killed });
      });
    });
  }

  test("every input is exactly once in the library, the ingest folder or the failed folder after kills and a rerun", async () => {
    const inputs = new Map<string, Uint8Array>();
    for (let i = 0; i < 12; i++) {
      inputs.set(
        `book-${String(i).padStart(2, "0")}.epub`,
        epub({ version: i % 2 ? 3 : 2, title: `Book ${i}`, author: i % 3 ? "Ann Author" : "Bo Writer", identifier: `urn:uuid:k${i}`, cover: i % 4 === 0 }),
      );
    }
    inputs.set("book-twin.epub", inputs.get("book-03.epub")!);
    inputs.set("paper.pdf", pdf("Paper", "Cy Scholar"));
    const cut = epub({ version: 3, title: "Cut", author: "Ann Author", identifier: "urn:uuid:cut" });
    inputs.set("cut.epub", cut.subarray(0, cut.length / 2));
    inputs.set("notes.txt", Buffer.from("not a book\n"));
    for (const [name, data] of inputs) writeFileSync(join(ws.ingest, name), data);
    const parts = [1, 2].map((n) => mp3({ title: `Part ${n}`, albumArtist: "Di Narrator", album: "Long Listen", track: n, frames: 400 }));
    mkdirSync(join(ws.ingest, "Long Listen"));
    parts.forEach((p, i) => writeFileSync(join(ws.ingest, "Long Listen", `part ${i + 1}.mp3`), p));
    const single = mp3({ title: "Short Story", albumArtist: "Ed Teller", album: "Short Story", frames: 200 });
    writeFileSync(join(ws.ingest, "short.mp3"), single);

    const contents = new Map<string, number>(); // sha256 → how many times it should exist at the end
    for (const data of [...inputs.values(), ...parts, single]) contents.set(sha256(data), 1);

    const everywhere = () =>
      [tree(ws.ingest), tree(ws.library), tree(ws.audiobooks), tree(ws.failed)].flatMap((t) =>
        Object.entries(t)
          .filter(([p]) => !p.split("/").some((s) => s.startsWith(".")))
          .map(([, h]) => h),
      );

    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100000);
    const next = random(seed);
    const log: string[] = [`seed ${seed} (rerun with KILL_SEED=${seed})`];
    for (let round = 0; round < 6; round++) {
      const after = Math.round(100 + next() * 3500);
      const { code, killed } = await runOnce(after);
      log.push(`round ${round}: kill after ${after} ms → ${killed ? "killed" : `finished with ${code}`}`);
      // Never lost: at any instant each input is somewhere (at most briefly in two places).
      const present = new Set(everywhere());
      const lost = [...contents.keys()].filter((h) => !present.has(h));
      expect({ log, lost }).toEqual({ log, lost: [] });
    }

    const final = await runOnce();
    log.push(`final run → ${final.code}`);
    expect({ log, code: final.code }).toEqual({ log, code: 0 });

    // Exactly once: each distinct content is in exactly one place (twins are one content).
    const counts = new Map<string, number>();
    for (const h of everywhere()) if (contents.has(h)) counts.set(h, (counts.get(h) ?? 0) + 1);
    const wrong = [...contents.keys()].filter((h) => counts.get(h) !== 1).map((h) => `${h.slice(0, 12)}… ×${counts.get(h) ?? 0}`);
    expect({ log, wrong }).toEqual({ log, wrong: [] });

    // The ingest folder is empty, the journal settled; the failed folder holds the two bad ones with reasons.
    expect(Object.keys(tree(ws.ingest)).filter((p) => !p.startsWith(".shelfstack/"))).toEqual([]);
    expect(Object.keys(tree(ws.ingest)).filter((p) => p.includes("calibre-batch"))).toEqual([]);
    expect(Object.keys(tree(ws.failed)).sort()).toEqual(["cut.epub", "cut.epub.reason.txt", "notes.txt", "notes.txt.reason.txt"]);
    // Calibre's own consistency check finds nothing: no record without its file, no stray folder.
    const check = calibredb(["check_library", "--library-path", ws.library, "--csv"])
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("Vacuuming"));
    expect({ log, check }).toEqual({ log, check: [] });
    const records = JSON.parse(calibredb(["list", "--library-path", ws.library, "--fields", "formats", "--for-machine"])) as { formats: string[] }[];
    expect(records).toHaveLength(13); // 12 EPUBs (the twin is one of them) and the PDF
    for (const r of records) expect(r.formats.map((f) => contents.has(sha256(readFileSync(f))))).toEqual([true]);
    expect(
      Object.keys(tree(ws.audiobooks))
        .filter((p) => !p.split("/").some((s) => s.startsWith(".")))
        .sort(),
    ).toEqual(["Di Narrator/Long Listen/part 1.mp3", "Di Narrator/Long Listen/part 2.mp3", "Ed Teller/Short Story/short.mp3"]);
  });
});
