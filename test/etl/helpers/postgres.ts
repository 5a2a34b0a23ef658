import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throwaway PostgreSQL 15 cluster for one test file (or the benchmark): initdb into a temporary
 * directory, listening only on a unix socket there. PostgreSQL refuses to run as root and CI runs
 * as root, so as root the cluster runs as an unprivileged user (created with useradd if missing).
 */
export interface Cluster {
  /** postgresql:// URL over the socket, for pg and psql. */
  readonly url: string;
  readonly dir: string;
  /** A fresh, empty database on this cluster. */
  createDatabase(name: string): string;
  stop(): void;
}

export const PG_USER = "shelfstack-pg";

// Debian's postgresql-15 keeps the server binaries out of PATH; find them there too.
const DEBIAN_BIN = "/usr/lib/postgresql/15/bin";
if (existsSync(DEBIAN_BIN) && !(process.env.PATH ?? "").split(":").includes(DEBIAN_BIN)) {
  process.env.PATH = `${process.env.PATH ?? ""}:${DEBIAN_BIN}`;
}

function asUser(): string[] {
  if (process.getuid?.() !== 0) return [];
  if (spawnSync("id", ["-u", PG_USER]).status !== 0) {
    // --system: no login, no home; a concurrent test file may have created it meanwhile.
    spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER]);
    execFileSync("id", ["-u", PG_USER]);
  }
  return ["runuser", "-u", PG_USER, "--"];
}

/** The command's full path: runuser's environment need not have our PATH. */
function bin(command: string): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return command;
}

function run(argv: string[]): void {
  const [cmd, ...args] = [...asUser(), bin(argv[0]), ...argv.slice(1)];
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

function start(data: string, dir: string, socket: string, fsync: boolean): void {
  const settings = [
    "-c listen_addresses=''",
    `-c unix_socket_directories=${socket}`,
    "-c max_connections=20",
    // Tests kill clients, never the server: durability is not under test, speed is.
    ...(fsync ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  run(["pg_ctl", "-D", data, "-l", join(dir, "postgres.log"), "-o", settings, "-w", "-t", "60", "start"]);
}

export function startCluster(options: { fsync?: boolean } = {}): Cluster {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const socket = join(dir, "socket");
  mkdirSync(socket, { mode: 0o777 });
  chmodSync(socket, 0o777);
  try {
    run(["initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    start(data, dir, socket, options.fsync ?? false);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const urlFor = (db: string) => `postgresql://postgres@localhost/${db}?host=${encodeURIComponent(socket)}`;
  return {
    url: urlFor("postgres"),
    dir,
    createDatabase(name) {
      execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", urlFor("postgres"), "-c", `CREATE DATABASE "${name}"`]);
      return urlFor(name);
    },
    stop() {
      try {
        run(["pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
