/**
 * Commands for the machine you deploy from: those that build the stack (they bundle cdktf:
 * synth, validate, env, init) and those that only make sense before a deploy (the server's
 * Syncthing identity, the JSON Schema, the offline policy tests). The jobs image leaves them out
 * (constructs/image-context.ts) — 7 of its 19 MB; every other command is in it, so a job added as
 * a command is there without a change here.
 */
export const LAPTOP_ONLY_COMMANDS: ReadonlySet<string> = new Set(["synth", "validate", "env", "init", "syncthing", "schema", "policy"]);
