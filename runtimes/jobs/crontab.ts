import { cronProblem } from "../../config/cron";
import { UserError } from "../../config/errors";

/** One job line of the crontab. */
export interface CrontabEntry {
  /** 1-based line number, for error messages. */
  readonly line: number;
  /** Five cron fields (six with seconds, tests only), or "@reboot". */
  readonly schedule: string;
  /** The job: the shelfstack command's name. */
  readonly job: string;
  /** Arguments after the job name. */
  readonly args: readonly string[];
}

export interface Crontab {
  /** CRON_TZ, if the file sets it: the zone schedules are read in. */
  readonly timezone?: string;
  readonly entries: readonly CrontabEntry[];
}

export class CrontabError extends UserError {}

/**
 * Reads the crontab synth renders: comments, `CRON_TZ=zone`, and `<schedule> shelfstack <job>
 * [args]` lines. Anything else is refused with its line number — the file is hand-editable, and a
 * line that silently never runs is worse than a container that will not start.
 * `seconds` accepts a sixth (leading) seconds field, so tests can schedule every second.
 */
export function parseCrontab(text: string, file = "crontab", options: { seconds?: boolean } = {}): Crontab {
  let timezone: string | undefined;
  const entries: CrontabEntry[] = [];
  const fields = options.seconds ? 6 : 5;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (assignment) {
      if (assignment[1] !== "CRON_TZ") throw new CrontabError(`${where}: only CRON_TZ may be set here, not ${assignment[1]}`);
      timezone = assignment[2].trim();
      try {
        new Intl.DateTimeFormat("en", { timeZone: timezone });
      } catch {
        throw new CrontabError(`${where}: unknown time zone "${timezone}"`);
      }
      return;
    }
    const words = line.split(/\s+/);
    const reboot = words[0] === "@reboot";
    const scheduleWords = reboot ? 1 : fields;
    const schedule = words.slice(0, scheduleWords).join(" ");
    const [command, job, ...args] = words.slice(scheduleWords);
    if (!reboot) {
      // The five standard fields are checked like stack.yaml's schedules; a seconds field by croner.
      const problem = cronProblem(words.slice(fields - 5, fields).join(" "));
      if (problem || words.length < fields) throw new CrontabError(`${where}: not a cron schedule: ${problem ?? "too few fields"}`);
    }
    if (command !== "shelfstack" || !job) {
      throw new CrontabError(`${where}: a job line is "<schedule> shelfstack <job>", got "${line}"`);
    }
    entries.push({ line: i + 1, schedule, job, args });
  });
  return { timezone, entries };
}
