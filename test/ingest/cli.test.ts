import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ingest, { ingestDefaults } from "../../bin/commands/ingest";
import { UsageError } from "../../bin/cli";
import { loadStack } from "../../config/load";
import { bundleIngest } from "./bundle";
import { mp3 } from "./fixtures";
import { sha256, tree, workspace } from "./helpers";

const EXAMPLE = join(__dirname, "../../examples/stack.yaml");

describe("the ingest runtime's bundle (dist/ingest.js)", () => {
  let bundle: Awaited<ReturnType<typeof bundleIngest>>;
  beforeAll(async () => {
    bundle = await bundleIngest();
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  test("never loads cdktf, constructs or the stack: a sidecar on the server must not", () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((p) => p.includes("runtimes/ingest/main.ts"))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/(cdktf|constructs|@cdktf)\/|^(constructs|stacks|bin)\//.test(p))).toEqual([]);
  });

  test("the Dockerfile copies the bundle synth puts beside it, and installs Calibre", () => {
    const dockerfile = readFileSync(join(__dirname, "../../runtimes/ingest/Dockerfile"), "utf8");
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \S+$/gm)].flatMap((m) => m[1].split(" "));
    expect(copied).toEqual(["ingest.js"]);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends calibre/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/app\/ingest.js"\]/);
  });

  test("--help exits 0; a missing flag or a missing ingest folder exits 1 with a one-line reason", () => {
    const run = (args: string[]) => spawnSync(process.execPath, [bundle.file, ...args], { encoding: "utf8" });
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: shelfstack ingest \[--once\] --from <ingest dir>/);
    const missing = run(["--once", "--library", "/tmp/x"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.split("\n")[0]).toBe("ingest: --from is required");
    const absent = run(["--once", "--from", "/nonexistent/ingest", "--library", "/tmp/l", "--audiobooks", "/tmp/a"]);
    expect(absent.status).toBe(1);
    expect(absent.stderr.trim()).toBe("shelfstack ingest: could not run: the ingest folder /nonexistent/ingest does not exist — create it, or pass --from");
  });

  test("without --once it watches: a book dropped later is filed on a following poll; SIGTERM stops it cleanly", async () => {
    const ws = workspace("ingest-watch-");
    const heartbeat = join(ws.root, "alive");
    const child = spawn(
      process.execPath,
      [bundle.file, "--from", ws.ingest, "--library", ws.library, "--audiobooks", ws.audiobooks, "--failed", ws.failed, "--poll", "1", "--stable", "0", "--heartbeat", heartbeat],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
        return what();
      };
      expect(await until(() => stderr.includes("watching"))).toBe(true);
      const book = mp3({ title: "Ligeia", albumArtist: "Edgar Allan Poe", album: "Ligeia" });
      writeFileSync(join(ws.ingest, "ligeia.mp3"), book);
      expect(await until(() => existsSync(join(ws.audiobooks, "Edgar Allan Poe/Ligeia/ligeia.mp3")))).toBe(true);
      expect(tree(ws.audiobooks)).toEqual({ "Edgar Allan Poe/Ligeia/ligeia.mp3": sha256(book) });
      expect(Date.now() - statSync(heartbeat).mtimeMs).toBeLessThan(5000);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toContain("ingest: stopped");
    } finally {
      child.kill("SIGKILL");
      ws.cleanup();
    }
  });
});

describe("shelfstack ingest", () => {
  test("defaults come from stack.yaml: server.paths and the ingest section", () => {
    expect(ingestDefaults(loadStack(EXAMPLE))).toEqual({
      ingestDir: "/srv/shelfstack/ingest",
      failedDir: "/srv/shelfstack/ingest-failed",
      libraryDir: "/srv/shelfstack/library/ebooks",
      audiobooksDir: "/srv/shelfstack/library/audiobooks",
      pollSeconds: 30,
      stableSeconds: 10,
      fetchMetadata: false,
    });
  });

  test("--once with -c: files what waits in stack.yaml's folders, prints the summary, exits 0", async () => {
    const ws = workspace("ingest-cli-");
    const out: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    const err = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const stack = join(ws.root, "stack.yaml");
      const paths = `  paths:\n    ingest: ${ws.ingest}\n    failed: ${ws.failed}\n    ebooks: ${ws.library}\n    audiobooks: ${ws.audiobooks}\n`;
      writeFileSync(stack, readFileSync(EXAMPLE, "utf8").replace("  timezone: Europe/Berlin\n", `  timezone: Europe/Berlin\n${paths}`) + "\ningest:\n  stableSeconds: 0\n");
      const book = mp3({ title: "The Raven", albumArtist: "Edgar Allan Poe", album: "The Raven" });
      writeFileSync(join(ws.ingest, "raven.mp3"), book);
      writeFileSync(join(ws.ingest, "todo.txt"), "not a book");

      expect(await ingest(["--once", "-c", stack])).toBe(0);
      expect(out.join("\n")).toMatch(/^ingested 1, duplicates 0, failed 1, waiting 0/);
      expect(out.join("\n")).toContain("failed    todo.txt: not a book shelfstack can file");
      expect(tree(ws.audiobooks)).toEqual({ "Edgar Allan Poe/The Raven/raven.mp3": sha256(book) });
      await expect(ingest(["--once", "-c", stack, "--poll", "soon"])).rejects.toThrow(UsageError);
    } finally {
      spy.mockRestore();
      err.mockRestore();
      ws.cleanup();
    }
  });
});
