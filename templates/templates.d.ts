// A template module is its precompiled specification (build/handlebars-templates.cjs).
declare module "*.hbs" {
  const spec: TemplateSpecification;
  export default spec;
}
