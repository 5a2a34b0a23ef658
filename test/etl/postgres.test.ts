import { describeWithTool } from "../helpers/tools";
import { etlSuite } from "./helpers/suite";
import { postgresTarget } from "./helpers/targets";
// (helpers/postgres, imported by targets, adds Debian's PostgreSQL binaries to PATH before the tool check.)

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "ETL into a real PostgreSQL 15", () => {
  etlSuite(postgresTarget);
});
