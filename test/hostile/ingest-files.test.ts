import { unzipSync, zipSync, type Zippable } from "fflate";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkEbook } from "../../runtimes/ingest/validate";
import { ingestPass } from "../../runtimes/ingest/run";
import { describeWithTool } from "../helpers/tools";
import { epub } from "../ingest/fixtures";
import { captureLog, workspace, type Workspace } from "../ingest/helpers";

type Encoding = "utf-16le-bom" | "utf-16be-bom" | "utf-8-bom" | "utf-16le" | "utf-16be";

/** `text` as bytes in an encoding XML allows, its declaration saying so (a BOM, or not). */
function encode(text: string, encoding: Encoding): Uint8Array {
  const declared = text.replace(/^<\?xml[^?]*\?>/, `<?xml version="1.0" encoding="${encoding.startsWith("utf-16") ? "UTF-16" : "UTF-8"}"?>`);
  const bom = encoding.endsWith("-bom") ? "\uFEFF" : "";
  if (encoding.startsWith("utf-8")) return Buffer.from(bom + declared, "utf8");
  const le = Buffer.from(bom + declared, "utf16le");
  if (encoding.startsWith("utf-16le")) return le;
  return Buffer.from(le).swap16();
}

/** The fixture EPUB with its container.xml and OPF re-encoded (what some tools write). */
function reencoded(data: Uint8Array, encoding: Encoding): Uint8Array {
  const files = unzipSync(data);
  const out: Zippable = { mimetype: [files.mimetype, { level: 0 }] };
  for (const [name, bytes] of Object.entries(files)) {
    if (name === "mimetype") continue;
    out[name] = name === "META-INF/container.xml" || name.endsWith(".opf") ? encode(Buffer.from(bytes).toString("utf8"), encoding) : bytes;
  }
  return zipSync(out, { mtime: new Date("2024-01-01T00:00:00Z") });
}

const TITLE = "Анна Каренина — 安娜";
const book = (version: 2 | 3) => epub({ version, title: TITLE, author: "Лев Толстой", identifier: "urn:uuid:anna", cover: false });

describe("checkEbook reads container.xml and the OPF in every encoding XML allows", () => {
  test.each(["utf-16le-bom", "utf-16be-bom", "utf-8-bom", "utf-16le", "utf-16be"] as const)("%s", (encoding) => {
    for (const version of [2, 3] as const) {
      expect(checkEbook("anna.epub", reencoded(book(version), encoding))).toEqual({ ok: true, title: TITLE, authors: ["Лев Толстой"] });
    }
  });

  test("bytes that are no text in the encoding they claim are still refused", () => {
    const files = unzipSync(book(3));
    files["OEBPS/content.opf"] = Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x41]); // a BOM, then a lone surrogate and half a unit
    const broken = zipSync({ ...files, mimetype: [files.mimetype, { level: 0 }] });
    expect(checkEbook("x.epub", broken)).toMatchObject({ ok: false, reason: expect.stringMatching(/is not an OPF package document/) });
  });
});

describeWithTool("calibredb", "apt-get install calibre", "ingest: an EPUB whose OPF is UTF-16 (real calibredb)", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  test("it is ingested, and its other edition in UTF-8 is reported as a duplicate", async () => {
    writeFileSync(join(ws.ingest, "anna-utf16.epub"), reencoded(book(3), "utf-16le-bom"));
    const { log } = captureLog();
    const first = await ingestPass(ws.options(), { log, env: {} });
    expect(first.of("failed")).toEqual([]);
    expect(first.of("ingested").map((o) => o.name)).toEqual(["anna-utf16.epub"]);

    writeFileSync(join(ws.ingest, "anna-again.epub"), book(2));
    const second = await ingestPass(ws.options(), { log, env: {} });
    expect(second.of("ingested")).toEqual([]);
    expect(second.of("duplicate").map((o) => o.name)).toEqual(["anna-again.epub"]);
    expect(readFileSync(join(ws.failed, "anna-again.epub.reason.txt"), "utf8")).toMatch(/already has a book with this title and author/);
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);

    // And the other way round: a UTF-16 (big-endian) copy of a book already there is a duplicate, not "not an OPF".
    writeFileSync(join(ws.ingest, "anna-be.epub"), reencoded(book(2), "utf-16be-bom"));
    const third = await ingestPass(ws.options(), { log, env: {} });
    expect(third.of("duplicate").map((o) => o.name)).toEqual(["anna-be.epub"]);
    expect(readFileSync(join(ws.failed, "anna-be.epub.reason.txt"), "utf8")).toMatch(/already has a book with this title and author/);
  });
});
