import type { Database, DatabaseTarget } from "./database";
import { openPglite } from "./pglite";
import { openPostgres } from "./postgres";

export function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target.dir);
}
