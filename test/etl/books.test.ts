import { matchBooks, type SourceRecord } from "../../runtimes/jobs/etl/books/match";
import { matchKey, normalizeIsbn, normalizeTitle } from "../../runtimes/jobs/etl/books/normalize";

const rec = (source: SourceRecord["source"], key: string, title: string, author: string | null, more: Partial<SourceRecord> = {}): SourceRecord => ({
  source,
  key,
  title,
  author,
  isbn: null,
  asin: null,
  ...more,
});

describe("normalized title + first author", () => {
  test.each([
    ["Dune (Dune Chronicles, #1)", "Frank Herbert\nBrian Herbert", "Dune", "Frank Herbert"],
    ["The Hobbit", "Tolkien, J. R. R.", "Hobbit: or There and Back Again", "J.R.R. Tolkien"],
    ["Les Misérables", "Victor Hugo", "LES MISERABLES", "victor hugo"],
    ["Pride & Prejudice", "Jane Austen; Someone", "Pride and Prejudice", "Jane Austen"],
    ["Война и мир", "Лев Толстой", "война и мир", "Толстой Лев"],
  ])("%s / %s matches %s / %s", (t1, a1, t2, a2) => {
    expect(matchKey(t1, a1)).toBe(matchKey(t2, a2));
  });

  test.each([
    ["Dune", "Frank Herbert", "Dune Messiah", "Frank Herbert"],
    ["Dune", "Frank Herbert", "Dune", "Brian Herbert"],
    ["小王子", "", "王子", ""],
  ])("%s / %s does not match %s / %s", (t1, a1, t2, a2) => {
    expect(matchKey(t1, a1)).not.toBe(matchKey(t2, a2));
  });

  test("a title of only an article is kept", () => {
    expect(normalizeTitle("A")).toBe("a");
  });

  test("ISBN-10 and ISBN-13 compare as ISBN-13; a bad check digit is no ISBN", () => {
    expect(normalizeIsbn("0-441-17271-7")).toBe("9780441172719");
    expect(normalizeIsbn("978-0-441-17271-9")).toBe("9780441172719");
    expect(normalizeIsbn("978-0-441-17271-8")).toBeUndefined();
  });
});

describe("matching books across sources", () => {
  const records = [
    rec("koreader", "aaaa", "Dune (Dune Chronicles, #1)", "Frank Herbert\nBrian Herbert"),
    rec("audiobookshelf", "li_1", "Dune", "Frank Herbert", { isbn: "9780441172719" }),
    rec("hardcover", "312460", "Dune", "Frank Herbert"),
    // Same file, metadata changed on the device: one book by md5 even though titles differ.
    rec("koreader", "bbbb", "Book Four", "X"),
    // Linked only by ISBN (titles differ in language).
    rec("hardcover", "99", "Der Wüstenplanet", "Frank Herbert", { isbn: "0441172717" }),
    rec("audiobookshelf", "li_2", "Unrelated", "Someone"),
  ];

  test("md5/ids, ISBN/ASIN and normalized title+author join records; the catalogue names the book", () => {
    const { books, bookOf } = matchBooks(records);
    expect(books).toHaveLength(3);
    const dune = books.find((b) => b.koreader_md5 === "aaaa")!;
    expect(dune).toMatchObject({ title: "Dune", author: "Frank Herbert", format: "both", abs_item_id: "li_1", hardcover_book_id: "99" });
    expect(bookOf.get("hardcover\u0000312460")).toBe(dune.id);
    expect(bookOf.get("hardcover\u000099")).toBe(dune.id);
  });

  test("the result depends on the records only, never their order; ids are stable", () => {
    const a = matchBooks(records);
    const b = matchBooks([...records].reverse());
    expect(b).toEqual(a);
    // Adding an unrelated record keeps every other book's id.
    const c = matchBooks([...records, rec("koreader", "cccc", "Something Else", "Nobody")]);
    for (const book of a.books) expect(c.books.find((x) => x.id === book.id)).toEqual(book);
  });

  test("records without a comparable title only match by key or id", () => {
    const { books } = matchBooks([rec("koreader", "k1", "!!!", null), rec("koreader", "k2", "???", null)]);
    expect(books).toHaveLength(2);
  });
});
