import { EXIT, parse, stackFile, UsageError, type Command } from "../cli";
import { inZone, timestamped } from "../../runtimes/jobs/log";
import { CrontabError } from "../../runtimes/jobs/crontab";
import { UnknownJobError } from "../../runtimes/jobs/scheduler";
import { createService } from "../../runtimes/jobs/service";

const HELP = `usage: shelfstack jobs [-c stack.yaml] [--crontab file] [--status-dir dir] [--list | --run <job>]

The jobs runtime's scheduler (the jobs container runs the same thing): runs the rendered crontab,
each job as \`shelfstack <job>\` in its own process, never two runs of one job at once; a log line
per start and end, and a status file per job (<status dir>/<job>.json).

  --crontab     the rendered crontab (default: $SHELFSTACK_CRONTAB, else cdktf.out/cron/crontab)
  --status-dir  where status files go (default: <server.paths.appdata>/jobs/status)
  --list        print each crontab line's job and next run, then exit
  --run <job>   run one job now as the scheduler would (status file, log), then exit with its result`;

const jobs: Command = async (args) => {
  const { values } = parse(
    args,
    { config: { type: "string", short: "c" }, crontab: { type: "string" }, "status-dir": { type: "string" }, list: { type: "boolean" }, run: { type: "string" } },
    HELP,
  );
  if (values.list && values.run) throw new UsageError("--list and --run go alone");
  const service = (() => {
    try {
      return createService({
        configPath: stackFile(values.config, true),
        crontabPath: values.crontab ?? process.env.SHELFSTACK_CRONTAB ?? "cdktf.out/cron/crontab",
        statusDir: values["status-dir"],
        log: timestamped(),
      });
    } catch (error) {
      if (error instanceof CrontabError || error instanceof UnknownJobError) throw new UsageError(error.message);
      throw error;
    }
  })();
  const { scheduler } = service;
  if (values.list) {
    // In the crontab's own zone (server.timezone), as its schedules are read.
    const zone = service.crontab.timezone;
    for (const { entry, next } of scheduler.nextRuns()) {
      console.log(`${entry.job.padEnd(10)} ${entry.schedule.padEnd(14)} ${next ? `next ${inZone(next, zone)}` : "at start"}`);
    }
    return EXIT.ok;
  }
  if (values.run) {
    // With the crontab line's arguments, as the night would run it (`etl --report`).
    const line = scheduler.nextRuns().find((r) => r.entry.job === values.run)?.entry;
    const result = await scheduler.trigger({ job: values.run, args: line?.args ?? [] });
    return result?.ok ? EXIT.ok : EXIT.invalid;
  }
  scheduler.start();
  await new Promise<void>((resolveStop) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void scheduler.stop(`${signal}`).then(resolveStop));
  });
  return EXIT.ok;
};
export default jobs;
