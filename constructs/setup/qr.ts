import { create } from "qrcode";

/** Light modules around the code, as the QR standard asks (4), so phone cameras find its edges. */
const QUIET_ZONE = 4;
/** Pixels per module when a viewer shows the SVG at its own size. */
const SCALE = 8;

/**
 * A QR code as a standalone SVG: one path of dark modules (run-length per row) on a white square.
 * The encoding is the `qrcode` library's (error correction M); the drawing is this small pure
 * function, so the file is byte-stable and easy to review.
 */
export function qrSvg(text: string): string {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const n = modules.size;
  const side = n + 2 * QUIET_ZONE;
  const runs: string[] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n;) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      let end = x;
      while (end < n && modules.get(y, end)) end++;
      runs.push(`M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${end - x}v1h${x - end}z`);
      x = end;
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side * SCALE}" height="${side * SCALE}" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">`,
    `<title>${escapeXml(text)}</title>`,
    `<rect width="${side}" height="${side}" fill="#fff"/>`,
    `<path fill="#000" d="${runs.join("")}"/>`,
    "</svg>",
    "",
  ].join("\n");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
