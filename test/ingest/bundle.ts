import { build, type Metafile } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Bundles the ingest runtime the way build.mjs does (dist/ingest.js), into a temporary directory:
 * tests run and kill the real entry point without depending on an earlier `npm run build`.
 */
export async function bundleIngest(): Promise<{ file: string; metafile: Metafile; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ingest-bundle-"));
  const file = join(dir, "ingest.js");
  const result = await build({
    entryPoints: [join(__dirname, "../../runtimes/ingest/main.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    metafile: true,
    logLevel: "silent",
    external: ["better-sqlite3", "pg-native", "@electric-sql/pglite", "cpu-features", "ssh2"],
  });
  return { file, metafile: result.metafile, dir };
}
