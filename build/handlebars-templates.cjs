// Script templates (templates/*.hbs) are precompiled when bundled: synth then runs template
// functions and never parses a template. One place for the options, used by build.mjs and Jest.
const Handlebars = require("handlebars");

/** Nothing is HTML-escaped (these are shell scripts); a value the template names must exist. */
const OPTIONS = { noEscape: true, strict: true };

/** A module's source whose default export is the template's precompiled specification. */
function templateModule(source) {
  const spec = Handlebars.precompile(source, OPTIONS);
  return `module.exports = ${spec}; module.exports.default = module.exports;`;
}

module.exports = { templateModule };
