import { Construct } from "constructs";
import { cronProblem } from "../../config/cron";
import { RenderedFile } from "../rendered-file";
import { renderCrontab, type CrontabProps } from "./render";

export type { CronJob } from "./render";

/** Where synth writes the crontab, below the output directory. */
export const CRONTAB_PATH = "cron/crontab";

/**
 * The one reviewable schedule of the server's jobs (`cron/crontab`). The jobs runtime reads this
 * file, so what a reviewer sees is exactly what runs.
 */
export class Crontab extends Construct {
  readonly file: RenderedFile;

  constructor(scope: Construct, id: string, props: CrontabProps) {
    super(scope, id);
    const seen = new Set<string>();
    for (const job of props.jobs) {
      // stack.yaml's schedules are validated with their YAML path; this guards jobs added in code.
      const problem = job.schedule === "@reboot" ? undefined : cronProblem(job.schedule);
      if (problem) throw new Error(`crontab: job "${job.name}" has a bad schedule "${job.schedule}": ${problem}`);
      if (!/^[a-z][a-z0-9-]*$/.test(job.name)) throw new Error(`crontab: job name "${job.name}" must be a shelfstack command name (a-z, 0-9, -)`);
      if (seen.has(job.name)) throw new Error(`crontab: job "${job.name}" is listed twice`);
      seen.add(job.name);
      for (const arg of job.args ?? []) {
        if (!/^[^\s#"'\\]+$/.test(arg)) throw new Error(`crontab: job "${job.name}" argument "${arg}" must be one word without quotes or #`);
      }
    }
    this.file = new RenderedFile(this, "File", { path: CRONTAB_PATH, content: renderCrontab(props) });
  }
}
