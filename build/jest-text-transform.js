// Jest's counterpart of esbuild's text loader: a template file becomes a module exporting its text.
// Read from disk, not from the source Jest hands over: Jest strips a leading #! line from that.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");

module.exports = {
  getCacheKey(_source, path) {
    return createHash("sha256").update("text-module-1\0").update(readFileSync(path)).digest("hex");
  },
  process(_source, path) {
    const text = readFileSync(path, "utf8");
    return { code: `module.exports = ${JSON.stringify(text)}; module.exports.default = module.exports;` };
  },
};
