import { posix } from "node:path";
import { z } from "zod";
import { cronProblem } from "../cron";

/**
 * Characters a path must not hold: docker compose interpolates $, a volume splits at : and ,,
 * Terraform interpolates ${ and %{, the shell and XML give quotes, \\, globs, < > & ; | ! # a
 * meaning, and a control character (a newline) breaks every line-based format.
 */
const SPECIAL_PATH_CHARACTER = /[$:,"'`\\*?[\]{}<>|&;!#%=\u0000-\u001f\u007f]/u;

/** Directories a data folder must never be (or be inside, for the first group): the system's own. */
const SYSTEM_TREES = [
  "/etc",
  "/proc",
  "/sys",
  "/dev",
  "/boot",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/run",
  "/usr/bin",
  "/usr/sbin",
  "/usr/lib",
  "/usr/include",
  "/usr/share",
  "/var/lib/docker",
  "/var/run",
];
const SYSTEM_DIRS = ["/", "/usr", "/usr/local", "/var", "/var/lib", "/home", "/root", "/tmp", "/srv", "/opt", "/mnt", "/media"];

function describeCharacter(c: string): string {
  const names: Record<string, string> = { "\n": "a line break", "\t": "a tab", " ": "a space" };
  return names[c] ?? (/[\u0000-\u001f\u007f]/u.test(c) ? "a control character" : `"${c}"`);
}

/** What is wrong with a path as what it becomes (a mount, a Syncthing folder, a line of sh), or undefined. */
export function pathProblem(value: string, side: "server" | "device"): string | undefined {
  const special = value.match(SPECIAL_PATH_CHARACTER)?.[0];
  if (special) {
    return `contains ${describeCharacter(special)}, which docker compose, Terraform, XML or the shell read specially — use a path without it`;
  }
  if (!value.startsWith("/")) return undefined; // the absolute check has its own message
  if (value === "/") return `is the root directory — give it a folder of its own, e.g. ${side === "server" ? "/srv/shelfstack" : "/storage/emulated/0/Books"}`;
  const segments = value.split("/").slice(1);
  if (value.endsWith("/")) return `ends with / — write it without, e.g. ${value.replace(/\/+$/, "") || "/"}`;
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    return `is not a plain path (it has "..", "." or "//"), so it is not the folder it seems to be — write the path it stands for, e.g. ${posix.normalize(value)}`;
  }
  if (side === "server") {
    if (SYSTEM_DIRS.includes(value)) return `is a system directory — use a folder of its own below it, e.g. /srv/shelfstack`;
    const tree = SYSTEM_TREES.find((t) => value === t || value.startsWith(`${t}/`));
    if (tree) return `is inside ${tree}, which belongs to the system — use a folder of its own, e.g. /srv/shelfstack`;
  }
  return undefined;
}

/** A directory on the server, checked for what it becomes: a mount, a chown in a start script. */
export const absolutePath = z
  .string()
  .regex(/^\//, { message: "must be an absolute path on the server (starting with /), e.g. /srv/shelfstack" })
  .superRefine((value, ctx) => {
    const problem = pathProblem(value, "server");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A directory on a reader's device: absolute, plain, no special characters. */
export const devicePath = z.string().superRefine((value, ctx) => {
  if (!value.startsWith("/")) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an absolute path — write the full path on the device, e.g. /storage/emulated/0/Books` });
    return;
  }
  const problem = pathProblem(value, "device");
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** An http(s) address: parsed as a URL, with no credentials in it (those are secrets). */
export function httpUrl(example: string) {
  // z.url() for the editor's schema (format: uri); its own failure and ours share one wording.
  const notUrl = `not a URL — write it whole, e.g. ${example}`;
  return z.url({ message: notUrl }).superRefine((value, ctx) => {
    const problem = urlProblem(value, ["http:", "https:"], example);
    if (problem && problem !== notUrl) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** What is wrong with a URL field, never echoing it (it may hold a password). */
export function urlProblem(value: string, protocols: readonly string[], example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL — write it whole, e.g. ${example}`;
  }
  if (!protocols.includes(url.protocol)) return `must start with ${protocols.map((p) => `${p}//`).join(" or ")}, e.g. ${example}`;
  if (!value.toLowerCase().startsWith(`${url.protocol}//`) || !url.hostname) return `not a URL with a host — write it as ${protocols[0]}//host…, e.g. ${example}`;
  if (url.password) return `holds a password (user:password@…) — remove it: a password is a secret, never written in stack.yaml`;
  if (url.username && !protocols.includes("ssh:")) return `holds a user name (user@…) — remove it: credentials are secrets, each read from an environment variable`;
  if (/[\s$`"'\\{}<>|]/u.test(value)) return `contains a space or a character the shell, compose or Terraform read specially — percent-encode it or remove it`;
  return undefined;
}

export const cron = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `not a cron schedule: ${problem}` });
});

/** A name used in DNS (tailnet machine names, container names): lower-case letters, digits, -. */
export const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
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
