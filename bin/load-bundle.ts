import { readFileSync, renameSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/**
 * Loads a command's bundle with V8's code cache beside it (<bundle>.cache): parsing and compiling
 * a 2 MB bundle is a fifth of `shelfstack synth`, and Node 20 has no built-in compile cache.
 * The cache is written after the first run; V8 rejects it when the bundle or Node changes, and
 * it is then written anew. A cache that cannot be written (read-only install) only costs time.
 * Only for bundles without import(): a vm.Script has no loader for it on Node 20 (the ETL's
 * PGlite is ESM), so those bundles are plain `require`d.
 */
export function loadBundle(file: string): unknown {
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The bundle's shebang line is no JavaScript once wrapped in a function.
  const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the first run, so the cache also holds the functions that run compiled.
    process.once("beforeExit", () => writeCache(cacheFile, script));
  }
  return module.exports;
}

function writeCache(cacheFile: string, script: Script): void {
  try {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // Read-only install: run without the cache.
  }
}
