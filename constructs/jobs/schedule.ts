import { scheduledJobsOf } from "../../config/jobs";
import type { StackConfig } from "../../config/resolve";
import type { CronJob } from "../cron";

/**
 * Every crontab line of the jobs container: the jobs stack.yaml schedules, from the job catalogue
 * (config/jobs.ts — where a job is added). What a job needs in the container (secrets, volumes,
 * settings) comes in through JobsProps (jobsProps in props.ts).
 */
export function scheduledJobs(config: StackConfig): CronJob[] {
  return scheduledJobsOf(config);
}

/** Schedules other containers run themselves: written as comments, so the crontab shows the whole night. */
export function externalSchedules(config: StackConfig): string[] {
  return config.shelfbridge.enabled ? [`shelfbridge (its own container, not this scheduler): progress to Hardcover at "${config.shelfbridge.schedule}"`] : [];
}
