// Jest's counterpart of build.mjs's template plugin: a template file becomes its precompiled module.
// Read from disk, not from the source Jest hands over: Jest strips a leading #! line from that.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { templateModule } = require("./handlebars-templates.cjs");

module.exports = {
  getCacheKey(_source, path) {
    return createHash("sha256").update("handlebars-template-2\0").update(readFileSync(path)).digest("hex");
  },
  process(_source, path) {
    return { code: templateModule(readFileSync(path, "utf8")) };
  },
};
