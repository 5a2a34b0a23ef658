import { Testing } from "cdktf";
import { ABS_KEY_ENTRYPOINT_PATH, AbsKeyEntrypoint } from "../../constructs/setup/abs-key";

describe("AbsKeyEntrypoint, built alone from plain props", () => {
  const entry = new AbsKeyEntrypoint(Testing.app(), "Entry", {
    handoff: { client: "shelfbridge", keyName: "shelfstack shelfbridge", hostDir: "/keys/shelfbridge" },
    path: "somewhere/entrypoint.sh",
    exports: { ZED: [{ env: "ABS_API_KEY" }], ALPHA: ["u:", { env: "ABS_API_KEY" }] },
    command: ["/image/start", "--flag"],
  });

  test("what it asks of the container: sh on the uploaded script, the image's command, its key directory read-only, the key file's path", () => {
    expect(entry.containerProps).toEqual({
      entrypoint: ["/bin/sh", ABS_KEY_ENTRYPOINT_PATH],
      command: ["/image/start", "--flag"],
      configFiles: [{ containerPath: ABS_KEY_ENTRYPOINT_PATH, file: entry.file }],
      volumes: [{ hostPath: "/keys/shelfbridge", containerPath: "/run/shelfstack/abs-key", readOnly: true }],
      environment: { ABS_API_KEY_FILE: "/run/shelfstack/abs-key/api-key" },
    });
  });

  test("renders the script at the given path, naming its service and exporting each variable, in name order", () => {
    expect(entry.file.path).toBe("somewhere/entrypoint.sh");
    const script = entry.file.content;
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("Starts shelfbridge with the Audiobookshelf API key");
    const alpha = /^ALPHA=(.*)\nexport ALPHA$/m.exec(script);
    expect(alpha?.[1]).toMatch(/^'u:'"\$\{ABS_API_KEY\?.*\}"$/);
    expect(script.indexOf("\nZED=")).toBeGreaterThan(script.indexOf("\nALPHA="));
  });
});
