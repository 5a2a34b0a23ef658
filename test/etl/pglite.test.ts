import { etlSuite } from "./helpers/suite";
import { pgliteTarget } from "./helpers/targets";

describe("ETL into the embedded PGlite (the same suite)", () => {
  // PGlite loads its WASM with a dynamic import, which jest only allows with this flag (npm test sets it).
  test("jest runs with --experimental-vm-modules", () => {
    expect(process.execArgv.join(" ") + " " + (process.env.NODE_OPTIONS ?? "")).toMatch(/--experimental-vm-modules/);
  });
  // One open database per test (opening takes seconds); the CLI and kill tests open it for real.
  etlSuite(() => pgliteTarget({ keepOpen: true }));
});
