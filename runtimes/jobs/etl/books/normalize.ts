/**
 * How titles and authors are compared across sources. Each source spells a book its own way
 * (KOReader: the EPUB's metadata; Audiobookshelf: folder names or tags; Hardcover: its catalogue),
 * so the comparison ignores what commonly differs and keeps what names the book:
 * - case, accents and punctuation; "&" is "and";
 * - series or edition notes in brackets: "Dune (Dune Chronicles, #1)" is "Dune";
 * - a subtitle after ":": "Dune: Deluxe Edition" is "Dune";
 * - a leading "The", "A" or "An";
 * - the author's name order and initials' dots: "Tolkien, J. R. R." is "J.R.R. Tolkien";
 * - only the first author counts (the others are often missing in one of the sources).
 * Letters of any script are kept, so non-Latin titles match exactly.
 */
function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function normalizeTitle(title: string): string {
  const main = title.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, " ").split(":")[0];
  const folded = fold(main);
  const stripped = folded.replace(/^(the|a|an) /, "");
  return stripped || folded;
}

/** The first author from however the source lists several (lines, ";", " & ", " and "). */
export function firstAuthor(authors: string | null | undefined): string {
  const first = (authors ?? "").split(/\n|;| & | and /)[0].trim();
  // KOReader writes "N/A" when a book has no author.
  return first === "N/A" ? "" : first;
}

/** Word order does not matter: "Tolkien, J.R.R." and "J. R. R. Tolkien" are the same person. */
export function normalizeAuthor(author: string): string {
  return fold(author).split(" ").filter(Boolean).sort().join(" ");
}

/** "title|author": equal keys are the same book. Empty when the title has nothing to compare. */
export function matchKey(title: string, author: string | null | undefined): string {
  const t = normalizeTitle(title);
  if (!t) return "";
  return `${t}|${normalizeAuthor(firstAuthor(author))}`;
}

/** An ISBN-10 or -13 as ISBN-13 digits, or undefined if it is not a valid ISBN. */
export function normalizeIsbn(isbn: string | null | undefined): string | undefined {
  const raw = (isbn ?? "").replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{13}$/.test(raw)) {
    const sum = [...raw].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
    return sum % 10 === 0 ? raw : undefined;
  }
  if (/^\d{9}[\dX]$/.test(raw)) {
    const sum = [...raw].reduce((acc, d, i) => acc + (d === "X" ? 10 : Number(d)) * (10 - i), 0);
    if (sum % 11 !== 0) return undefined;
    const core = `978${raw.slice(0, 9)}`;
    const check = (10 - ([...core].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0) % 10)) % 10;
    return `${core}${check}`;
  }
  return undefined;
}

/** An Amazon ASIN (10 letters and digits), upper-case, or undefined. */
export function normalizeAsin(asin: string | null | undefined): string | undefined {
  const raw = (asin ?? "").trim().toUpperCase();
  return /^[A-Z0-9]{10}$/.test(raw) ? raw : undefined;
}
