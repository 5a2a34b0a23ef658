/** A log line goes to the container's log; each is prefixed with the time, in UTC. */
export type Log = (line: string) => void;

export function timestamped(write: (text: string) => void = (t) => process.stdout.write(t), now: () => Date = () => new Date()): Log {
  return (line) => write(`${now().toISOString()} ${line}\n`);
}

/** 83.4 s, 12 min 5 s, 2 h 3 min: how long a run took, for people. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** 2026-12-02 02:30 Europe/Berlin: a moment as the crontab means it, in its own zone (UTC when it sets none). */
export function inZone(date: Date, timeZone = "UTC"): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}
