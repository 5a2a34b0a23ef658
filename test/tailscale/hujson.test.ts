import { HujsonError, parseHujson, standardize } from "../../constructs/tailscale/policy/hujson";

describe("HuJSON", () => {
  test("reads comments and trailing commas, and leaves strings that look like them alone", () => {
    const text = `// header
{
  /* block
     comment */
  "a": ["x", "y",], // after
  "url": "https://example.com/*not a comment*/",
  "comma": "a,]",
  "nested": {"b": 1,},
}`;
    expect(parseHujson(text)).toEqual({ a: ["x", "y"], url: "https://example.com/*not a comment*/", comma: "a,]", nested: { b: 1 } });
  });

  test("keeps every offset, so positions in errors point into the original text", () => {
    const text = '{\n  // c\n  "a": 1,\n}';
    const plain = standardize(text);
    expect(plain).toHaveLength(text.length);
    expect(plain.split("\n")).toHaveLength(text.split("\n").length);
  });

  test("an escaped quote does not end a string", () => {
    expect(parseHujson('{"a": "say \\"hi\\", // no comment",}')).toEqual({ a: 'say "hi", // no comment' });
  });

  test.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3],
    ["{\n  'a': 1,\n}", 2],
    ["{\n  a: 1,\n}", 2],
    ['{\n  "a": 1, /* open', 2],
  ])("what JSON5 would allow is still an error, with its line: %j", (text, line) => {
    expect(() => parseHujson(text)).toThrow(HujsonError);
    try {
      parseHujson(text);
    } catch (error) {
      expect((error as HujsonError).line).toBe(line);
    }
  });
});
