import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { PNG } from "pngjs";

export const CHROMIUM = "/usr/bin/chromium";

/** Headless Chromium that can reach nothing: no sandbox (CI runs as root), no GPU, no background traffic. */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions", "--no-first-run", "--hide-scrollbars"];

/** Loads a page; returns the DOM after parsing and every console message Chromium logged for it. */
export function loadPage(file: string): { dom: string; console: string[] } {
  const r = spawnSync(CHROMIUM, [...FLAGS, "--enable-logging=stderr", "--v=0", "--dump-dom", `file://${file}`], { encoding: "utf8", timeout: 90_000 });
  if (r.status !== 0) throw new Error(`chromium --dump-dom ${file} failed (${r.status}): ${r.stderr}`);
  return { dom: r.stdout, console: r.stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l)) };
}

export function screenshot(file: string, png: string, size = "1100,1400"): PNG {
  const r = spawnSync(CHROMIUM, [...FLAGS, `--window-size=${size}`, `--screenshot=${png}`, `file://${file}`], { encoding: "utf8", timeout: 90_000 });
  if (r.status !== 0) throw new Error(`chromium --screenshot ${file} failed (${r.status}): ${r.stderr}`);
  return PNG.sync.read(readFileSync(png));
}

/** How many pixels are within `tolerance` of a colour (#rrggbb). */
export function pixelsNear(png: PNG, hex: string, tolerance = 24): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance) n++;
  }
  return n;
}
