import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, ROOT, readTree, shelfstack, tmp } from "../helpers/cli";

/** bin/load-bundle.ts: the synth bundle is loaded with V8's code cache beside it. */
describe("the code cache of the synth bundle", () => {
  const cache = join(ROOT, "dist", "commands", "synth.js.cache");

  test("is written by a run, and a missing or corrupt cache changes nothing but speed", () => {
    const outs = ["none", "written", "corrupt"].map((name) => join(tmp(), name));
    rmSync(cache, { force: true });
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", outs[0]]).status).toBe(0);
    expect(existsSync(cache)).toBe(true);
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", outs[1]]).status).toBe(0);
    writeFileSync(cache, "not a V8 code cache");
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", outs[2]]).status).toBe(0);
    const [a, b, c] = outs.map((o) => readTree(o));
    for (const [path, content] of a) {
      expect(b.get(path)!.equals(content)).toBe(true);
      expect(c.get(path)!.equals(content)).toBe(true);
    }
  });
});
