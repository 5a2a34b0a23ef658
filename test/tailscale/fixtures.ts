import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { parseStack } from "../../config/load";
import type { StackConfig } from "../../config/resolve";

export const EXAMPLE_YAML = readFileSync(join(__dirname, "../../examples/stack.yaml"), "utf8");

/** The example with `edit` applied to its parsed YAML: a stack.yaml text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML, edited freely by the test
export function exampleWith(edit: (doc: Record<string, any>) => void): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML, edited freely by the test
  const doc = parse(EXAMPLE_YAML) as Record<string, any>;
  edit(doc);
  return stringify(doc);
}

/** Two households' worth of readers: e-readers, an Android phone without Syncthing, an iPad, a laptop, a member with no devices. */
export const SEVERAL_READERS = exampleWith((doc) => {
  doc.tailnet.members = ["bob@example.com", "carol@example.com"];
  doc.devices = [
    { name: "palma", kind: "android-ereader", syncthingId: "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD" },
    { name: "pixel", kind: "android" },
    { name: "iphone", kind: "ios" },
    { name: "bob-boox", kind: "android-ereader", owner: "bob@example.com", syncthingId: "BOBSBOO-XREADEA-RDEVICE-IDFORSK-HELFSTA-CKTESTS-SABCDEF-GHIJKLO" },
    { name: "bob-ipad", kind: "ios", owner: "bob@example.com" },
    { name: "bob-laptop", kind: "laptop", owner: "bob@example.com" },
  ];
});

export function load(text: string): StackConfig {
  return parseStack(text, "stack.yaml");
}
