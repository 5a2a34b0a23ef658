import { z } from "zod";
import { cronProblem } from "../cron";

export const absolutePath = z
  .string()
  .regex(/^\/[^\0]*$/, { message: "must be an absolute path on the server (starting with /)" });

export const cron = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `not a cron schedule: ${problem}` });
});

/** A name used in DNS (tailnet machine names, container names): lower-case letters, digits, -. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: "use lower-case letters, digits and - (a DNS name), e.g. palma",
  });

export const email = z.email({ message: "not an e-mail address — write the tailnet login, e.g. alice@example.com" });

export const timezone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
  } catch {
    ctx.addIssue({ code: "custom", message: `unknown time zone "${value}" — use an IANA name such as Europe/Berlin or UTC` });
  }
});
