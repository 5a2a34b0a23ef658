// Stands in for `archiver` in the bundles (see build.mjs): shelfstack creates no zipped assets.
module.exports = () => {
  throw new Error("shelfstack's bundle has no archiver: zipped TerraformAssets are not supported");
};
