import { lastLines, type LibraryBook } from "./calibre";
import type { Context } from "./context";
import { run } from "./process";
import { elements, NS, parseXml, texts, type Element } from "./xml";

/**
 * Online metadata (`fetch-ebook-metadata`), when stack.yaml enables it: description, publisher,
 * date, tags, language and identifiers are set on the Calibre record — never the book's file
 * (no embed_metadata, so its bytes stay as dropped), and never title or authors (the file's own
 * win; changing them would also rename the book's folder). Any failure leaves the book as it was.
 */
export async function enrichFromNetwork(ctx: Context, book: LibraryBook): Promise<boolean> {
  const args = ["-t", book.title, "-o", "-d", "30"];
  if (book.authors && book.authors !== "Unknown") args.push("-a", book.authors);
  const result = await run(ctx.calibre.tools.fetchEbookMetadata, args, { timeoutMs: 120_000 }).catch((error: Error) => ({
    code: 1,
    stdout: "",
    stderr: error.message,
  }));
  const opf = result.code === 0 ? parseXml(result.stdout.slice(Math.max(0, result.stdout.indexOf("<")))) : undefined;
  const fields = opf ? fieldsFromOpf(opf) : {};
  if (Object.keys(fields).length === 0) {
    ctx.log(`no online metadata for “${book.title}” (${lastLines(result.stderr || result.stdout, 1)}); kept the book's own`);
    return false;
  }
  const set = await ctx.calibre.setFields(book.id, fields);
  if (set.code !== 0) {
    ctx.log(`could not store online metadata for “${book.title}”: ${lastLines(set.stderr)}`);
    return false;
  }
  ctx.log(`online metadata for “${book.title}”: ${Object.keys(fields).sort().join(", ")}`);
  return true;
}

/** The calibredb `--field` values an OPF offers (empty ones left out). */
export function fieldsFromOpf(opf: Element): Record<string, string> {
  const fields: Record<string, string> = {};
  const first = (name: string) => texts(opf, NS.dc, name)[0];
  const put = (key: string, value: string | undefined) => {
    if (value) fields[key] = value;
  };
  put("comments", first("description"));
  put("publisher", first("publisher"));
  put("pubdate", first("date"));
  put("languages", texts(opf, NS.dc, "language").join(","));
  put(
    "tags",
    texts(opf, NS.dc, "subject")
      .map((t) => t.replace(/,/g, ";"))
      .join(","),
  );
  const identifiers = elements(opf, NS.dc, "identifier")
    .map((e) => {
      const scheme = (e.getAttributeNS(NS.opf, "scheme") ?? e.getAttribute("opf:scheme") ?? "").toLowerCase();
      const value = (e.textContent ?? "").trim();
      return scheme && value && !["uuid", "calibre"].includes(scheme) ? `${scheme}:${value.replace(/,/g, "")}` : undefined;
    })
    .filter((x): x is string => x !== undefined);
  put("identifiers", identifiers.join(","));
  return fields;
}
