// Moved beside the error model, which redacts every message it prints; runtimes keep importing it here.
export * from "../config/redact";
