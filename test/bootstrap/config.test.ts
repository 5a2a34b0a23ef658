import { readFileSync } from "node:fs";
import { parseStack, StackError } from "../../config/load";
import { EXAMPLE } from "./helpers";

function problems(extra: string): string[] {
  try {
    parseStack(readFileSync(EXAMPLE, "utf8") + extra, "stack.yaml");
  } catch (error) {
    if (error instanceof StackError) return error.message.split("\n");
    throw error;
  }
  throw new Error("stack.yaml was accepted");
}

test("the audiobookshelf section: defaults keep the example short", () => {
  const { audiobookshelf } = parseStack(readFileSync(EXAMPLE, "utf8"), "stack.yaml");
  expect(audiobookshelf).toEqual({
    version: "2.36.0",
    ebookLibraryName: "Ebooks",
    audiobookLibraryName: "Audiobooks",
    rootUser: "root",
    rootPassword: { env: "ABS_ROOT_PASSWORD" },
    bootstrapTimeoutSeconds: 300,
  });
});

test("problems name the field, its line and the fix", () => {
  const lines = readFileSync(EXAMPLE, "utf8").split("\n").length;
  expect(problems("audiobookshelf:\n  ebookLibraryName: Books\n  audiobookLibraryName: Books\n")).toEqual([
    `stack.yaml:${lines + 2} audiobookshelf.audiobookLibraryName: the same name as ebookLibraryName — give each library its own name (the bootstrap finds libraries by name)`,
  ]);
  expect(problems("audiobookshelf:\n  bootstrapTimeoutSeconds: 3600\n")).toEqual([
    `stack.yaml:${lines + 1} audiobookshelf.bootstrapTimeoutSeconds: at most 600 seconds — the jobs runtime stops a bootstrap run after 15 minutes`,
  ]);
  // The key is no longer given by hand: the bootstrap makes one per client.
  expect(problems("audiobookshelf:\n  apiKey: { env: ABS_API_KEY }\n")).toEqual([`stack.yaml:${lines + 1} audiobookshelf.apiKey: unknown key — remove it or check its spelling`]);
  expect(problems("audiobookshelf:\n  rootPassword: hunter2\n")[0]).toMatch(/rootPassword: is a secret and must not be written in stack.yaml/);
});
