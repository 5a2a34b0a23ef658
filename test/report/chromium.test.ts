import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../runtimes/jobs/etl/db/database";
import { openDatabase } from "../../runtimes/jobs/etl/db/open";
import { generateReport } from "../../runtimes/jobs/report";
import { AUDIOBOOK_COLOUR, EBOOK_COLOUR } from "../../runtimes/jobs/report/svg";
import { describeWithTool } from "../helpers/tools";
import { startCluster, type Cluster } from "../etl/helpers/postgres";
import { CHROMIUM, loadPage, pixelsNear, screenshot } from "./chromium";
import { craftedWarehouse, ZONE } from "./helpers";

describeWithTool(CHROMIUM, "Debian package chromium", "the report in headless Chromium", () => {
  describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "from a crafted warehouse", () => {
    let cluster: Cluster;
    let dir: string;
    let out: string;
    let db: Database;
    beforeAll(async () => {
      cluster = startCluster();
      dir = mkdtempSync(join(tmpdir(), "shelfstack-report-chromium-"));
      const database = { kind: "postgres" as const, url: cluster.createDatabase("report") };
      db = await openDatabase(database);
      await craftedWarehouse(db, database, dir);
      out = join(dir, "report");
      await generateReport(db, out, ZONE);
    });
    afterAll(async () => {
      await db?.close();
      cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("the console check catches what it is for: a script, a blocked network request", () => {
      const bad = join(dir, "bad.html");
      writeFileSync(
        bad,
        `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><img src="https://example.com/x.png"></body></html>`,
      );
      expect(loadPage(bad).console.length).toBeGreaterThan(0);
    });

    test("every page renders without a console message; the charts' SVG elements are in the DOM", () => {
      const pages = ["index.html", "year-2024.html", "year-2025.html", ...readdirSync(join(out, "books")).map((f) => `books/${f}`)];
      for (const page of pages) {
        const { dom, console } = loadPage(join(out, page));
        expect({ page, console }).toEqual({ page, console: [] });
        expect(dom).toMatch(/<svg [^>]*class="chart /);
        if (page.startsWith("year-2024")) {
          expect((dom.match(/<g class="day"/g) ?? []).length).toBe(11);
          expect((dom.match(/<rect class="day empty"/g) ?? []).length).toBe(366 - 11);
        }
      }
      const index = loadPage(join(out, "index.html")).dom;
      // The calendar, the month, hour, weekday and source bars.
      expect((index.match(/<svg [^>]*class="chart calendar"/g) ?? []).length).toBe(1);
      expect((index.match(/<svg [^>]*class="chart bars"/g) ?? []).length).toBe(4);
      expect((index.match(/<g class="bar"/g) ?? []).length).toBeGreaterThanOrEqual(24 + 7);
    });

    test("the screenshot is not blank: text, and both chart colours", () => {
      const png = screenshot(join(out, "index.html"), join(dir, "index.png"));
      expect(png.width).toBe(1100);
      const background = pixelsNear(png, "#fafbfc", 2) + pixelsNear(png, "#ffffff", 2);
      expect(background).toBeLessThan(png.width * png.height * 0.97);
      expect(pixelsNear(png, EBOOK_COLOUR, 10)).toBeGreaterThan(200);
      expect(pixelsNear(png, AUDIOBOOK_COLOUR, 10)).toBeGreaterThan(50);
      expect(pixelsNear(png, "#1d232b", 30)).toBeGreaterThan(500); // the text
    });
  });
});
