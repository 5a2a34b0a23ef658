// Templates are bundled as text (esbuild's text loader; the jest transform in build/).
declare module "*.hbs" {
  const text: string;
  export default text;
}
