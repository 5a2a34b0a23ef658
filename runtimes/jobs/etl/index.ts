/** The ETL: KOReader statistics, Audiobookshelf and Hardcover into Postgres or the embedded PGlite. */
export { runEtl, type EtlOptions, type EtlReport } from "./run";
export { resolveEtl, EtlUsageError, type EtlFlags } from "./options";
export { formatReport, failedSources } from "./report";
export { StatisticsFileError } from "./koreader/statistics-file";
