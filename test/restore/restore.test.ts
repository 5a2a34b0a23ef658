import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { treeHash } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { cli, scratch } from "../jobs/helpers/scratch";
import { runDrill } from "../../runtimes/jobs/restore/verify";
import { runRestore } from "../../runtimes/jobs/restore/restore";
import { backedUpStack, SECRETS } from "./helpers";

const NIGHT1 = new Date("2025-03-01T01:30:00Z");
const NIGHT2 = new Date("2025-03-02T01:30:00Z");

/** Every stored (encrypted) file on the stand-in for Koofr, largest first: the epub is the first. */
function storedFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(join(d, e.name));
  };
  walk(dir);
  return out.sort((a, b) => statSync(b).size - statSync(a).size);
}

describeWithTool("rclone", "apt-get install rclone", "restore: drill and full restore from rclone crypt over a local remote", () => {
  test("the drill passes on an intact backup, then catches a corrupted and a truncated encrypted file by name", async () => {
    const s = backedUpStack();
    await s.backup(NIGHT1);
    const lines: string[] = [];
    const drill = (sample = 100) => runDrill({ config: s.config, rcloneConfig: s.conf, env: s.env, sample, log: (l) => lines.push(l), stateFile: join(s.root, "drill.json") });
    const ok = await drill();
    expect(ok.verified).toBe(5);
    expect(JSON.parse(readFileSync(join(s.root, "drill.json"), "utf8")).verified).toBe(5);

    // One byte flipped inside the largest encrypted file (the Middlemarch epub).
    const [epub, second] = storedFiles(s.koofr);
    const bytes = readFileSync(epub);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(epub, bytes);
    await expect(drill()).rejects.toThrow(
      /^1 file\(s\) could not be restored intact \(damaged on the remote, or written with other keys\): ebooks\/George Eliot\/Middlemarch \(1\)\/Middlemarch - George Eliot\.epub: \S/,
    );

    // Put it back, truncate the next one (Emma): caught too.
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(epub, bytes);
    await drill();
    truncateSync(second, statSync(second).size - 1000);
    await expect(drill()).rejects.toThrow(/^1 file\(s\) could not be restored intact .*: ebooks\/Jane Austen\/Emma \(2\)\/Emma - Jane Austen\.epub: /);
  });

  test("the drill as the scheduler runs it: its status file names the damaged file, and doctor reports it", async () => {
    const s = backedUpStack();
    await s.backup(NIGHT1);
    const statusDir = join(s.root, "status");
    const crontab = join(s.out, "cron/crontab");
    expect(readFileSync(crontab, "utf8")).toMatch(/^0 4 \* \* 0 shelfstack restore-drill$/m);
    const env = { ...SECRETS, RCLONE_CONFIG: s.conf };
    const runDrillJob = () => cli(["jobs", "--run", "restore-drill", "-c", s.stack, "--crontab", crontab, "--status-dir", statusDir], env);
    expect(runDrillJob().status).toBe(0);
    const doctor = () =>
      JSON.parse(cli(["doctor", "--json", "-c", s.stack, "--out", s.out, "--status-dir", statusDir, "--abs-url", "https://shelf.tail1234.invalid"]).stdout).checks as {
        name: string;
        verdict: string;
        fact: string;
      }[];
    expect(doctor().find((c) => c.name === "job restore-drill")).toMatchObject({ verdict: "pass" });

    const [epub] = storedFiles(s.koofr);
    const bytes = readFileSync(epub);
    bytes[5000] ^= 0x01;
    writeFileSync(epub, bytes);
    expect(runDrillJob().status).toBe(1);
    expect(doctor().find((c) => c.name === "job restore-drill")).toMatchObject({
      verdict: "fail",
      fact: expect.stringMatching(
        /last run failed at .*: exit 1: shelfstack restore: 1 file\(s\) could not be restored intact .*: ebooks\/George Eliot\/Middlemarch \(1\)\/Middlemarch - George Eliot\.epub: failed to authenticate decrypted block/,
      ),
    });
  });

  test("a file changed since the last drill is always drawn, whatever the sample; one changed after the backup is drawn once backed up", async () => {
    const s = backedUpStack();
    await s.backup(NIGHT1);
    const state = join(s.root, "drill.json");
    const drill = (now: string) => runDrill({ config: s.config, rcloneConfig: s.conf, env: s.env, sample: 1, pick: () => 0, log: () => {}, stateFile: state, now: new Date(now) });
    const touch = (file: string, content: string, when: string) => {
      writeFileSync(file, content);
      utimesSync(file, new Date(when), new Date(when));
    };
    expect(await drill("2025-03-01T05:00:00Z")).toMatchObject({ verified: 1, changedSinceLastDrill: 0 });
    touch(join(s.ebooks, "Jane Austen/Emma (2)/Emma - Jane Austen.epub"), "a new edition", "2025-03-01T12:00:00Z");
    await s.backup(NIGHT2);
    expect(await drill("2025-03-02T05:00:00Z")).toMatchObject({ verified: 2, changedSinceLastDrill: 1, newerThanBackup: 0 });

    // Changed after the backup: not comparable now, so drawn at the next drill once backed up.
    touch(join(s.audiobooks, "Homer/The Odyssey/01.mp3"), "re-encoded", "2025-03-02T12:00:00Z");
    expect(await drill("2025-03-02T13:00:00Z")).toMatchObject({ verified: 1, changedSinceLastDrill: 0, newerThanBackup: 1 });
    await s.backup(new Date("2025-03-03T01:30:00Z"));
    expect(await drill("2025-03-03T05:00:00Z")).toMatchObject({ verified: 2, changedSinceLastDrill: 1, newerThanBackup: 0 });
  });

  test("a wrong password is a clear failure, through the CLI, with no secret in the message", async () => {
    const s = backedUpStack();
    await s.backup(NIGHT1);
    const run = cli(["restore", "--verify", "-c", s.stack, "--rclone-config", s.conf], { ...SECRETS, RCLONE_CRYPT_PASSWORD: "not-the-password" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/shelfstack restore: .*do not decrypt.*the password in hand cannot read this backup/);
    expect(run.stderr + run.stdout).not.toContain("not-the-password");
    const good = cli(["restore", "--verify", "-c", s.stack, "--rclone-config", s.conf], SECRETS);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/restore drill ok: 5 file\(s\)/);
  });

  test("a full restore into a new directory equals the source byte for byte, deleted files kept under deleted/<date>; never over the library", async () => {
    const s = backedUpStack();
    await s.backup(NIGHT1);
    const emma = join(s.ebooks, "Jane Austen/Emma (2)/Emma - Jane Austen.epub");
    const emmaBytes = readFileSync(emma);
    const opf = join(s.ebooks, "George Eliot/Middlemarch (1)/metadata.opf");
    const oldOpf = readFileSync(opf);
    const ebooksAtNight1 = treeHash(s.ebooks);
    rmSync(join(s.ebooks, "Jane Austen"), { recursive: true });
    writeFileSync(opf, "<package><title>Middlemarch (2nd edition)</title></package>");
    await s.backup(NIGHT2);

    const to = join(scratch("shelfstack-restored-"), "new");
    const run = cli(["restore", "--to", to, "-c", s.stack, "--rclone-config", s.conf], SECRETS);
    expect(run.status).toBe(0);
    expect(treeHash(join(to, "ebooks"))).toBe(treeHash(s.ebooks));
    expect(treeHash(join(to, "audiobooks"))).toBe(treeHash(s.audiobooks));
    expect(treeHash(join(to, "snapshots"))).toBe(treeHash(s.snapshots));
    expect(readFileSync(join(to, "deleted/2025-03-02_023000/ebooks/Jane Austen/Emma (2)/Emma - Jane Austen.epub")).equals(emmaBytes)).toBe(true);
    expect(readFileSync(join(to, "deleted/2025-03-02_023000/ebooks/George Eliot/Middlemarch (1)/metadata.opf")).equals(oldOpf)).toBe(true);

    // --at the first night: the library as it was then, byte for byte.
    const atTo = join(scratch("shelfstack-restored-"), "at");
    const at = await runRestore({ config: s.config, rcloneConfig: s.conf, env: s.env, to: atTo, path: "ebooks", at: new Date("2025-03-01T12:00:00Z"), log: () => {} });
    expect(at.fromDeleted).toBe(2);
    expect(treeHash(join(atTo, "ebooks"))).toBe(ebooksAtNight1);

    // Never over, inside or around the live library; never into a non-empty directory.
    for (const bad of [s.ebooks, join(s.ebooks, "restored"), join(s.root, "data")]) {
      const refused = cli(["restore", "--to", bad, "-c", s.stack, "--rclone-config", s.conf], SECRETS);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/overlaps the live (ebooks|audiobooks) folder/);
    }
    const full = scratch("shelfstack-full-");
    mkdirSync(join(full, "x"));
    const notEmpty = cli(["restore", "--to", full, "-c", s.stack, "--rclone-config", s.conf], SECRETS);
    expect(notEmpty.stderr).toMatch(/is not empty/);
    expect(existsSync(join(s.ebooks, "restored"))).toBe(false);
  });
});
