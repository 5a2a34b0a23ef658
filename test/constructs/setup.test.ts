import { Testing } from "cdktf";
import { DeviceSetup, SetupPages } from "../../constructs/setup";
import type { Guide } from "../../constructs/setup/guide";
import { renderedFiles } from "./helpers";

const guide: Guide = {
  device: "kobo",
  kind: "android-ereader",
  sections: [
    { title: "First", steps: ["Tap *here*.", "Then there,\nand on."] },
    {
      title: "Second",
      steps: ["Look at the table:"],
      table: { header: ["a", "b"], rows: [["x|y", "z"]] },
      after: ["Done."],
      qrCodes: [{ file: "thing-qr.svg", text: "https://example.org/", caption: "The thing" }],
    },
  ],
  qrCodes: [{ file: "thing-qr.svg", text: "https://example.org/", caption: "The thing" }],
};

describe("DeviceSetup, built alone from a guide", () => {
  const scope = Testing.app();
  const setup = new DeviceSetup(scope, "Kobo", { guide });
  const files = renderedFiles(scope);

  test("writes setup/<device>/SETUP.md and each QR code as an SVG beside it, nothing else", () => {
    expect([...files.keys()]).toEqual(["setup/kobo/SETUP.md", "setup/kobo/thing-qr.svg"]);
    expect(setup.page.path).toBe("setup/kobo/SETUP.md");
    expect(files.get("setup/kobo/thing-qr.svg")).toMatch(/^<svg [^>]+>\n<title>https:\/\/example.org\/<\/title>\n/);
  });

  test("numbered sections and steps, continuation lines indented, table cells escaped, numbering continued after the table", () => {
    const page = files.get("setup/kobo/SETUP.md")!;
    expect(page.startsWith("# Setting up kobo (Android e-reader)\n")).toBe(true);
    expect(page).toContain("## 1. First\n\n1. Tap *here*.\n2. Then there,\n   and on.\n");
    expect(page).toContain("## 2. Second\n\n1. Look at the table:\n\n| a | b |\n|---|---|\n| x\\|y | z |\n\n2. Done.\n\n![The thing](thing-qr.svg)\n");
    expect(page.endsWith("\n") && !page.endsWith("\n\n")).toBe(true);
  });

  test("refuses a device name that would write outside the output directory", () => {
    expect(() => new DeviceSetup(Testing.app(), "Bad", { guide: { ...guide, device: ".." } })).toThrow(/must stay inside the output directory/);
  });
});

describe("SetupPages", () => {
  test("one page per guide, in the given order", () => {
    const scope = Testing.app();
    new SetupPages(scope, "Setup", { guides: [guide, { ...guide, device: "phone", kind: "ios", qrCodes: [] }] });
    expect([...renderedFiles(scope).keys()].filter((p) => p.endsWith("SETUP.md"))).toEqual(["setup/kobo/SETUP.md", "setup/phone/SETUP.md"]);
  });
});
