import { join } from "node:path";
import { loadStack } from "../../config/load";

test("the bundled example loads with defaults filled in", () => {
  const config = loadStack(join(__dirname, "../../examples/stack.yaml"));
  expect(config.serverUrl).toBe("https://shelf.tail1234.ts.net");
  expect(config.server.paths.ebooks).toBe("/srv/shelfstack/library/ebooks");
  expect(config.devices.map((d) => [d.name, d.owner])).toEqual([
    ["palma", "alice@example.com"],
    ["iphone", "alice@example.com"],
  ]);
  expect(config.backup?.koofr.password).toEqual({ env: "KOOFR_APP_PASSWORD" });
});
