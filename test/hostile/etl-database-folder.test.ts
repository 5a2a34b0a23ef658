import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shelfstack, tmp } from "../helpers/cli";
import { KoreaderDb } from "../etl/helpers/koreader";

/** A real KOReader statistics file with one page row. */
function stats(dir: string): string {
  const path = join(dir, "statistics.sqlite3");
  const k = new KoreaderDb(path, { wal: false });
  k.addRows([{ book: k.addBook("Emma", "Jane Austen", "0123456789abcdef0123456789abcdef"), page: 1, start: 1_700_000_000, duration: 60 }]);
  k.close();
  return path;
}

describe("etl --database <folder>: what is not a folder for the embedded database is refused, untouched", () => {
  test.each([
    ["a file", (d: string) => writeFileSync(join(d, "notes.txt"), "mine\n"), "notes.txt", /the embedded database notes\.txt: .*notes\.txt is a file, not a folder/],
    [
      "a path below a file",
      (d: string) => writeFileSync(join(d, "notes.txt"), "mine\n"),
      "notes.txt/db",
      /the embedded database notes\.txt\/db: .*notes\.txt is a file, not a folder/,
    ],
    [
      "a folder of someone else's files",
      (d: string) => {
        mkdirSync(join(d, "photos"));
        writeFileSync(join(d, "photos", "cat.jpg"), "jpeg");
      },
      "photos",
      /the embedded database photos holds files but no database \(no PG_VERSION\)/,
    ],
    ["a folder nobody can write beside", () => undefined, "/proc/shelfstack-etl", /cannot write \/proc\/shelfstack-etl\.lock/],
  ])("%s: exit 1 with the fix", (_what, prepare, database, message) => {
    const dir = tmp();
    const file = stats(dir);
    prepare(dir);
    const before = readdirSync(dir).sort();
    const run = shelfstack(["etl", "--stats", file, "--database", database], { cwd: dir });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/point --database \(or etl\.embeddedDir\) at/);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.status).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(before);
    if (before.includes("notes.txt")) expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine\n");
    if (before.includes("photos")) expect(readdirSync(join(dir, "photos"))).toEqual(["cat.jpg"]);
  });
});
