import { join } from "node:path";
import { EXIT, loadFromArgs, parse, UsageError, type Command } from "../cli";
import { ABS_LOCAL_URL, SYNCTHING_GUI_LOCAL_URL } from "../../config/ports";
import { anyFailed, formatChecks } from "../../runtimes/doctor/check";
import { runDoctor } from "../../runtimes/doctor";
import { defaultStatusDir } from "../../runtimes/jobs/service";

const HELP = `usage: shelfstack doctor [-c stack.yaml] [--json] [options]

Tells whether the stack still does its job, one line per check: ✓ passed, ✗ failed (with the
fact and the fix), – not checked (with why: no network path, no key). Not checked is never a pass.

Checks: every container running and healthy (Docker Engine API); Audiobookshelf's /healthcheck,
its pinned version, each client's API key; each Syncthing folder's type against the stack (drift),
errors, local changes on a receive-only side, each reader seen recently; the last run of each
scheduled job (snapshot, backup, restore drill, ETL) ok and not stale; free space on each data
path; the tailnet HTTPS name's certificate.

Run it on the laptop (on the tailnet) or on the server: docker exec jobs shelfstack doctor.

  --json                 the checks as JSON (name, verdict pass|fail|unchecked, fact, fix)
  --out dir              synth's output (docker-compose.yml, cron/crontab) (default: out)
  --crontab file         the rendered crontab (default: $SHELFSTACK_CRONTAB, else <out>/cron/crontab)
  --status-dir dir       the jobs' status files (default: <server.paths.appdata>/jobs/status)
  --docker-host url      default server.dockerHost (unix:// over the Engine API; ssh://, tcp:// via the docker CLI)
  --abs-url url          Audiobookshelf (default: ${ABS_LOCAL_URL} in the jobs container, else https://<server>.<tailnet>)
  --syncthing-url url    the server Syncthing's REST API (default: ${SYNCTHING_GUI_LOCAL_URL})
  --https-host h[:p]     the HTTPS name to check (default: <server>.<tailnet>:443)
  --reader-hours n       a reader unseen for longer fails (default: 48)
  --min-free-gib n       less free space fails (default: 1)

The Syncthing API key is read from the variable stack.yaml names (syncthing.apiKey, SYNCTHING_API_KEY).
Exit 0: nothing failed. 1: at least one check failed (or bad input). 2: a bug.`;

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`${flag} takes a positive number, got "${value}"`);
  return n;
}

function httpsTarget(value: string | undefined): { httpsHost?: string; httpsPort?: number } {
  if (!value) return {};
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(value);
  if (!m) throw new UsageError(`--https-host takes host or host:port, got "${value}"`);
  return { httpsHost: m[1], httpsPort: m[2] ? Number(m[2]) : 443 };
}

const doctor: Command = async (args) => {
  const { values } = parse(
    args,
    {
      config: { type: "string", short: "c" },
      json: { type: "boolean" },
      out: { type: "string" },
      crontab: { type: "string" },
      "status-dir": { type: "string" },
      "docker-host": { type: "string" },
      "abs-url": { type: "string" },
      "syncthing-url": { type: "string" },
      "reader-hours": { type: "string" },
      "https-host": { type: "string" },
      "min-free-gib": { type: "string" },
    },
    HELP,
  );
  const config = loadFromArgs(values.config, values.json);
  const out = values.out ?? "out";
  // The jobs container names its rendered stack.yaml: there, Audiobookshelf is a loopback neighbour.
  const inJobsContainer = !!process.env.SHELFSTACK_CONFIG;
  const checks = await runDoctor({
    config,
    dockerHost: values["docker-host"],
    composeFile: join(out, "docker-compose.yml"),
    crontab: values.crontab ?? process.env.SHELFSTACK_CRONTAB ?? join(out, "cron", "crontab"),
    statusDir: values["status-dir"] ?? defaultStatusDir(config),
    absUrl: values["abs-url"] ?? (inJobsContainer ? ABS_LOCAL_URL : config.serverUrl),
    syncthingUrl: values["syncthing-url"] ?? SYNCTHING_GUI_LOCAL_URL,
    syncthingApiKey: process.env[config.syncthing.apiKey.env] || undefined,
    ...httpsTarget(values["https-host"]),
    readerSeenWithinHours: positive(values["reader-hours"], "--reader-hours", 48),
    minFreeBytes: positive(values["min-free-gib"], "--min-free-gib", 1) * 1024 ** 3,
  });
  console.log(values.json ? JSON.stringify({ ok: !anyFailed(checks), checks }, null, 2) : formatChecks(checks));
  return anyFailed(checks) ? EXIT.invalid : EXIT.ok;
};
export default doctor;
