import { readFileSync } from "node:fs";
import { Testing } from "cdktf";
import { EXAMPLE } from "../helpers/cli";
import { scratch } from "../jobs/helpers/scratch";
import { parseStack } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { RenderedFile } from "../../constructs/rendered-file";
import { renderServeConfig } from "../../constructs/tailscale/serve";

const exampleText = readFileSync(EXAMPLE, "utf8");

function build(text = exampleText) {
  const stack = new ReadingStack(Testing.app({ outdir: scratch("shelfstack-report-synth-") }), "shelfstack", parseStack(text, "stack.yaml"));
  const json = JSON.parse(Testing.synth(stack)) as { resource: { docker_container: Record<string, Record<string, unknown>> } };
  const files = new Map(RenderedFile.all(stack).map((f) => [f.path, f.content]));
  const container = (name: string) => Object.values(json.resource.docker_container).find((c) => c.name === name)!;
  return { files, container };
}

describe("synth: the reading report on the tailnet", () => {
  const { files, container } = build();

  test("serve.json serves the report folder at /report/ with a static Path handler, beside the proxies", () => {
    const serve = JSON.parse(files.get("tailscale/serve.json")!);
    expect(serve.Web["${TS_CERT_DOMAIN}:443"].Handlers).toEqual({
      "/": { Proxy: "http://127.0.0.1:80" },
      "/opds": { Proxy: "http://127.0.0.1:3010/opds" },
      "/report/": { Path: "/srv/shelfstack-report" },
    });
  });

  test("the sidecar mounts what the nightly job writes, read-only, where serve.json points", () => {
    expect(container("tailscale").volumes).toEqual(
      expect.arrayContaining([{ host_path: "/srv/shelfstack/appdata/jobs/report", container_path: "/srv/shelfstack-report", read_only: true }]),
    );
    expect(files.get("cron/crontab")).toMatch(/^30 3 \* \* \* shelfstack etl --report$/m);
  });

  test("each device's SETUP.md links the report", () => {
    for (const device of ["palma", "iphone"]) {
      expect(files.get(`setup/${device}/SETUP.md`)).toContain("Open https://shelf.tail1234.ts.net/report/ in a browser on the tailnet");
    }
  });

  test("without the ETL there is no report: no route, no mount, no link", () => {
    const off = build(`${exampleText}\netl:\n  enabled: false\n`);
    expect(JSON.stringify(JSON.parse(off.files.get("tailscale/serve.json")!))).not.toContain("/report/");
    expect(JSON.stringify(off.container("tailscale").volumes)).not.toContain("report");
    expect(off.files.get("setup/palma/SETUP.md")).not.toContain("/report/");
  });

  test("a route serves exactly one thing, and a Path is absolute", () => {
    expect(() => renderServeConfig({ routes: [{ mount: "/r/", path: "rel" }] })).toThrow(/must be an absolute path/);
    expect(() => renderServeConfig({ routes: [{ mount: "/r/", path: "/x", proxy: "http://127.0.0.1:1" }] })).toThrow(/exactly one of proxy and path/);
  });
});
