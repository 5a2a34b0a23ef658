import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { readTree, treeHash } from "../helpers/cli";
import { cli, scratch } from "./helpers/scratch";
import { loadStack } from "../../config/load";
import { backupStamp, runBackup } from "../../runtimes/jobs/backup/backup";
import { obscure } from "../../runtimes/jobs/backup/obscure";
import { synth, writeStack } from "./helpers/stack";

const CANARIES = {
  KOOFR_APP_PASSWORD: `canary-koofr-${randomBytes(6).toString("hex")}`,
  RCLONE_CRYPT_PASSWORD: `canary-crypt-${randomBytes(6).toString("hex")}`,
  RCLONE_CRYPT_SALT: `canary-salt-${randomBytes(6).toString("hex")}`,
};
const MARKER = "PLAINTEXT-MARKER-Middlemarch";
const NOW = new Date("2025-03-01T01:30:00Z"); // 02:30 in Berlin

function write(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/**
 * The rendered rclone.conf with one change, the only test-only one: the Koofr remote becomes a
 * local directory (an alias remote), so the crypt remote over it is exactly the rendered one.
 */
function swapKoofr(conf: string, dir: string): string {
  const swapped = conf.replace(/\[koofr\]\ntype = koofr\nprovider = koofr\nuser = [^\n]+\n/, `[koofr]\ntype = alias\nremote = ${dir}\n`);
  if (swapped === conf) throw new Error("the rendered rclone.conf no longer has the expected [koofr] section");
  return swapped;
}

function setup() {
  const root = scratch("shelfstack-backup-");
  const stack = writeStack(root, "backup:\n  koofr:\n    user: alice@example.com\n");
  const out = synth(stack, join(root, "out"));
  const koofr = join(root, "koofr");
  mkdirSync(koofr);
  const rendered = readFileSync(join(out, "rclone/rclone.conf"), "utf8");
  const conf = join(root, "rclone.conf");
  writeFileSync(conf, swapKoofr(rendered, koofr));
  const config = loadStack(stack);
  const { ebooks, audiobooks, snapshots } = config.server.paths;
  write(join(ebooks, "George Eliot/Middlemarch (1)/Middlemarch - George Eliot.epub"), randomBytes(300_000));
  write(join(ebooks, "George Eliot/Middlemarch (1)/metadata.opf"), `<package><title>${MARKER}</title></package>`);
  write(join(ebooks, "George Eliot/Middlemarch (1)/cover.jpg"), randomBytes(20_000));
  write(join(ebooks, "Jane Austen/Emma (2)/Emma - Jane Austen.epub"), randomBytes(150_000));
  write(join(audiobooks, "Homer/The Odyssey/01.mp3"), randomBytes(100_000));
  write(join(snapshots, "palma/statistics.json"), '{"books": 2}\n');
  write(join(snapshots, ".git/shelfstack/work/scratch.sqlite3"), randomBytes(1000));
  const lines: string[] = [];
  const env = { ...process.env, ...CANARIES };
  const backup = (now = NOW) => runBackup({ config, rcloneConfig: conf, env, now, log: (l) => lines.push(l) });
  return { root, out, conf, koofr, config, backup, lines, env, ebooks };
}

/** rclone with the test's own obscured passwords, for looking at the backup from outside. */
function rclone(conf: string, ...args: string[]): string {
  const obscure = (p: string) => execFileSync("rclone", ["obscure", p], { encoding: "utf8" }).trim();
  return execFileSync("rclone", ["--config", conf, ...args], {
    encoding: "utf8",
    env: { ...process.env, RCLONE_CONFIG_BACKUP_PASSWORD: obscure(CANARIES.RCLONE_CRYPT_PASSWORD), RCLONE_CONFIG_BACKUP_PASSWORD2: obscure(CANARIES.RCLONE_CRYPT_SALT) },
  });
}

describeWithTool("rclone", "apt-get install rclone", "backup: rclone sync to crypt over a local stand-in for Koofr", () => {
  test("sync, cryptcheck, restore byte for byte; names and contents encrypted; a rerun transfers nothing; deletions kept by date", async () => {
    const { root, conf, koofr, backup, ebooks, lines } = setup();
    const first = await backup();
    expect(first.folders.map((f) => [f.folder, f.transferred])).toEqual([
      ["ebooks", 4],
      ["audiobooks", 1],
      ["snapshots", 1],
    ]);
    expect(lines).toContain("backup: ebooks: cryptcheck ok");

    // Restore into a fresh folder: the same bytes.
    const restored = join(root, "restored");
    rclone(conf, "copy", "backup:ebooks", restored);
    expect(treeHash(restored)).toBe(treeHash(ebooks));
    // The snapshot job's scratch space is not backed up.
    expect(rclone(conf, "lsf", "-R", "backup:snapshots").split("\n").filter(Boolean).sort()).toEqual(["palma/", "palma/statistics.json"]);

    // What lands on Koofr: no plain name, no plain content.
    const stored = readTree(koofr);
    expect(stored.size).toBe(6);
    for (const [path, bytes] of stored) {
      expect(path).not.toMatch(/Middlemarch|Eliot|epub|ebooks|metadata|Odyssey|statistics/i);
      expect(bytes.includes(MARKER)).toBe(false);
      expect(bytes.subarray(0, 8).toString()).toBe("RCLONE\0\0");
    }

    // Nothing changed: nothing is uploaded, the stored files are untouched.
    const storedBefore = treeHash(koofr);
    const again = await backup();
    expect(again.folders.map((f) => f.transferred)).toEqual([0, 0, 0]);
    expect(treeHash(koofr)).toBe(storedBefore);

    // A book deleted and one replaced on the server: both old versions kept under deleted/<stamp>/.
    const deleted = join(ebooks, "Jane Austen/Emma (2)/Emma - Jane Austen.epub");
    const deletedBytes = readFileSync(deleted);
    const changed = join(ebooks, "George Eliot/Middlemarch (1)/metadata.opf");
    const oldOpf = readFileSync(changed, "utf8");
    rmSync(join(ebooks, "Jane Austen"), { recursive: true });
    writeFileSync(changed, `<package><title>${MARKER} (2nd edition)</title></package>`);
    const later = new Date(NOW.getTime() + 86_400_000);
    const third = await backup(later);
    expect(third.stamp).toBe("2025-03-02_023000");
    expect(third.folders[0]).toMatchObject({ transferred: 1, movedToBackupDir: 2 });
    expect(rclone(conf, "cat", `backup:deleted/2025-03-02_023000/ebooks/Jane Austen/Emma (2)/Emma - Jane Austen.epub`)).toBe(deletedBytes.toString());
    expect(rclone(conf, "cat", "backup:deleted/2025-03-02_023000/ebooks/George Eliot/Middlemarch (1)/metadata.opf")).toBe(oldOpf);
    expect(rclone(conf, "lsf", "backup:ebooks")).toBe("George Eliot/\n");
  });

  test("no secret in any rendered file, in what lands on Koofr, or in the log (canary values)", async () => {
    const { out, koofr, backup, lines, conf } = setup();
    await backup();
    const rendered = readFileSync(join(out, "rclone/rclone.conf"), "utf8");
    expect(rendered).not.toMatch(/^\s*(password|password2|pass)\s*=/m);
    for (const dir of [out, koofr]) {
      for (const [path, bytes] of readTree(dir)) {
        for (const canary of Object.values(CANARIES)) expect({ path, leaked: bytes.includes(canary) }).toEqual({ path, leaked: false });
      }
    }
    for (const canary of Object.values(CANARIES)) {
      expect(lines.join("\n")).not.toContain(canary);
      expect(readFileSync(conf, "utf8")).not.toContain(canary);
    }
  });

  test("an empty library (an unmounted disk) is never mirrored over a backup that holds files", async () => {
    const { root, koofr, backup, ebooks } = setup();
    await backup();
    const stored = treeHash(koofr);
    renameSync(ebooks, join(root, "unmounted"));
    mkdirSync(ebooks);
    await expect(backup()).rejects.toThrow(/ebooks: .* is empty or missing but its backup holds files — refusing/);
    expect(treeHash(koofr)).toBe(stored);
  });

  test("another password or salt than the backup's is refused before anything is written (exit 1, one line)", async () => {
    const { root, conf, koofr, backup } = setup();
    await backup();
    const stored = treeHash(koofr);
    const run = cli(["backup", "-c", join(root, "stack.yaml"), "--rclone-config", conf], { ...CANARIES, RCLONE_CRYPT_SALT: "another salt" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n").at(-1)).toBe(
      "shelfstack backup: 3 of 3 names in koofr:shelfstack-backup do not decrypt — the backup was written with another password or salt than RCLONE_CRYPT_PASSWORD / RCLONE_CRYPT_SALT hold now; refusing to write a second copy beside it",
    );
    expect(treeHash(koofr)).toBe(stored);
  });

  test("cryptcheck catches a stored file whose bytes changed on Koofr behind rclone's back", async () => {
    const { koofr, backup } = setup();
    await backup();
    // Flip one byte of the largest stored file, keeping its size and time: a sync alone would not see it.
    const [path, bytes] = [...readTree(koofr)].sort((a, b) => b[1].length - a[1].length)[0];
    const file = join(koofr, path);
    const reference = join(scratch(), "reference");
    execFileSync("cp", ["-p", file, reference]);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(file, bytes);
    // touch -r keeps the nanoseconds, which rclone compares.
    execFileSync("touch", ["-r", reference, file]);
    await expect(backup()).rejects.toThrow(/^ebooks: cryptcheck found differences \(exit 1\)/);
  });

  test("a missing secret stops the backup before rclone runs", () => {
    const { root, conf } = setup();
    const run = cli(["backup", "-c", join(root, "stack.yaml"), "--rclone-config", conf], { ...CANARIES, KOOFR_APP_PASSWORD: "" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe("shelfstack backup: KOOFR_APP_PASSWORD is not set — it holds the Koofr app password (stack.yaml backup.koofr.password names it)");
  });

  test("passwords are obscured the way rclone reads them (given on stdin); empty and multi-line ones are refused", async () => {
    const plain = "pässwörd with spaces & $ymbols";
    const obscured = await obscure(plain);
    expect(obscured).not.toContain("pässwörd");
    expect(execFileSync("rclone", ["reveal", "--", obscured], { encoding: "utf8" }).trim()).toBe(plain);
    await expect(obscure("two\nlines")).rejects.toThrow(/one non-empty line/);
    await expect(obscure("")).rejects.toThrow(/one non-empty line/);
  });

  test("the dated folder is named in the server's time zone", () => {
    expect(backupStamp(NOW, "Europe/Berlin")).toBe("2025-03-01_023000");
    expect(backupStamp(NOW, "UTC")).toBe("2025-03-01_013000");
  });
});
