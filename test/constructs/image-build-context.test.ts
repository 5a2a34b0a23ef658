import { createHash } from "node:crypto";
import { Testing } from "cdktf";
import { contextFiles, ImageBuildContext } from "../../constructs/image-context";
import { renderedFiles } from "./helpers";

describe("ImageBuildContext, built alone from { image }", () => {
  test.each(["jobs", "ingest"] as const)("%s: every context file below images/<image>/, and a sha256 over paths and bytes", (image) => {
    const scope = Testing.app();
    const context = new ImageBuildContext(scope, "Ctx", { image });
    expect(context.dir).toBe(`images/${image}`);
    const files = renderedFiles(scope);
    expect([...files.keys()]).toEqual(contextFiles(image).map((f) => `images/${image}/${f.path}`));
    expect(files.get(`images/${image}/Dockerfile`)).toMatch(/^FROM /m);
    const hash = createHash("sha256");
    for (const f of contextFiles(image)) hash.update(f.path).update("\0").update(f.content).update("\0");
    expect(context.sha256).toBe(hash.digest("hex"));
  });

  test("the two images' contexts differ, so each has its own hash", () => {
    const jobs = new ImageBuildContext(Testing.app(), "J", { image: "jobs" });
    const ingest = new ImageBuildContext(Testing.app(), "I", { image: "ingest" });
    expect(jobs.sha256).not.toBe(ingest.sha256);
    expect(contextFiles("ingest").map((f) => f.path)).toEqual(["Dockerfile", "ingest.js"]);
  });
});
