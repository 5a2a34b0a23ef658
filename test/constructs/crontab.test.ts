import { Testing } from "cdktf";
import { Crontab, CRONTAB_PATH, type CronJob } from "../../constructs/cron";
import { parseCrontab } from "../../runtimes/jobs/crontab";

const make = (jobs: CronJob[], notes?: string[]) => new Crontab(Testing.app(), "Crontab", { timezone: "Europe/Berlin", jobs, notes });

describe("Crontab, built alone from plain props", () => {
  test("writes cron/crontab: a comment per job, its `after`, start-up jobs first, notes last; the runtime reads it back", () => {
    const crontab = make(
      [
        { name: "etl", schedule: "30 3 * * *", summary: "loads the warehouse", after: ["snapshot", "backup"], args: ["--quiet"] },
        { name: "bootstrap", schedule: "@reboot", summary: "sets Audiobookshelf up" },
      ],
      ["shelfbridge: its own schedule"],
    );
    const text = crontab.file.content;
    expect(crontab.file.path).toBe(CRONTAB_PATH);
    expect(text).toContain(
      "CRON_TZ=Europe/Berlin\n\n# bootstrap: sets Audiobookshelf up\n@reboot shelfstack bootstrap\n\n# etl: loads the warehouse\n" +
        "# after: snapshot, backup — starts once a running snapshot or backup has ended\n30 3 * * * shelfstack etl --quiet\n\n# shelfbridge: its own schedule\n",
    );
    expect(parseCrontab(text).entries.map((e) => [e.schedule, e.job, e.args])).toEqual([
      ["@reboot", "bootstrap", []],
      ["30 3 * * *", "etl", ["--quiet"]],
    ]);
  });

  test.each([["two words"], ['"quoted"'], ["#comment"], ["back\\slash"]])("refuses the argument %s, which would not reach the command as one word", (arg) => {
    expect(() => make([{ name: "etl", schedule: "0 1 * * *", summary: "", args: [arg] }])).toThrow(/must be one word without quotes or #/);
  });
});
