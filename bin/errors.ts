// The CLI's errors and exit codes: the model is config/errors.ts, which the sidecar runtimes share.
export * from "../config/errors";
