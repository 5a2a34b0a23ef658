import { execFileSync } from "node:child_process";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { describeWithTool } from "../helpers/tools";
import { example, renderedFiles } from "./helpers";

/** What a phone camera sees: the SVG drawn by a real renderer (librsvg), then read by a QR decoder. */
function decode(svg: string, width: number): string | undefined {
  const png = PNG.sync.read(execFileSync("rsvg-convert", ["--format=png", `--width=${width}`, "--background-color=white"], { input: svg }));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describeWithTool("rsvg-convert", "apt-get install librsvg2-bin", "QR codes beside each SETUP.md decode to the addresses it names", () => {
  const id = "P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2";
  const files = renderedFiles(example((doc) => (doc.syncthing = { serverId: id })));

  test.each([
    ["setup/iphone/opds-qr.svg", "https://shelf.tail1234.ts.net/opds"],
    ["setup/iphone/audiobookshelf-qr.svg", "https://shelf.tail1234.ts.net"],
    ["setup/palma/syncthing-server-id-qr.svg", id],
  ])("%s → %s, at screen and at thumbnail size", (path, text) => {
    const svg = files.get(path)!;
    for (const width of [400, 150]) expect(decode(svg, width)).toBe(text);
  });

  test("each QR code's address is the one written in its SETUP.md next to it", () => {
    let checked = 0;
    for (const [path, page] of files) {
      if (!path.endsWith("SETUP.md")) continue;
      const dir = path.slice(0, path.lastIndexOf("/"));
      const images = [...page.matchAll(/!\[[^\]]*: ([^\]]+)\]\(([^)]+)\)/g)];
      for (const [, shown, file] of images) {
        expect(decode(files.get(`${dir}/${file}`)!, 300)).toBe(shown);
        expect(page).toContain(`\`${shown}\``);
        checked++;
      }
    }
    expect(checked).toBe(3);
  });
});
