import { CrontabError, parseCrontab } from "../../runtimes/jobs/crontab";

describe("reading the crontab: anything that would not run as written is refused with its line", () => {
  test("comments, CRON_TZ, @reboot, five-field lines with arguments", () => {
    const crontab = parseCrontab("# hi\nCRON_TZ=Europe/Berlin\n\n@reboot shelfstack bootstrap\n*/15 1-5 * * MON-FRI shelfstack snapshot --name palma\n");
    expect(crontab).toEqual({
      timezone: "Europe/Berlin",
      entries: [
        { line: 4, schedule: "@reboot", job: "bootstrap", args: [] },
        { line: 5, schedule: "*/15 1-5 * * MON-FRI", job: "snapshot", args: ["--name", "palma"] },
      ],
    });
  });

  test.each([
    ["0 2 * * shelfstack backup", /crontab:1: not a cron schedule/],
    ["0 25 * * * shelfstack backup", /crontab:1: not a cron schedule: hour "25" is outside 0–23/],
    ["0 2 * * * rm -rf /", /crontab:1: a job line is "<schedule> shelfstack <job>"/],
    ["0 2 * * * shelfstack", /crontab:1: a job line is/],
    ["PATH=/tmp", /crontab:1: only CRON_TZ may be set here, not PATH/],
    ["CRON_TZ=Mars/Olympus", /crontab:1: unknown time zone "Mars\/Olympus"/],
  ])("%s", (line, error) => {
    expect(() => parseCrontab(line)).toThrow(CrontabError);
    expect(() => parseCrontab(line)).toThrow(error);
  });

  test("a seconds field only where asked for (tests)", () => {
    expect(() => parseCrontab("*/2 * * * * * shelfstack ok")).toThrow(/a job line is/);
    expect(parseCrontab("*/2 * * * * * shelfstack ok", "c", { seconds: true }).entries[0].schedule).toBe("*/2 * * * * *");
  });
});
