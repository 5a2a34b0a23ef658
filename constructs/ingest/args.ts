/** Where the ingest container sees its folders. The libraries sit where Audiobookshelf sees them too. */
export interface IngestMounts {
  /** The folder readers drop books into. */
  readonly ingest: string;
  /** Where what could not be ingested goes. */
  readonly failed: string;
  /** The Calibre library (Audiobookshelf's ebook library). */
  readonly ebooks: string;
  /** The audiobook library. */
  readonly audiobooks: string;
}

export interface IngestArgsProps {
  /** The folders, as the container sees them. */
  readonly mounts: IngestMounts;
  /** --poll: seconds between looks at the ingest folder. */
  readonly pollSeconds: number;
  /** --stable: seconds a file must stay unchanged before it is taken. */
  readonly stableSeconds: number;
  /** --fetch-metadata: ask Calibre for metadata online. */
  readonly fetchMetadata: boolean;
  /** Audiobookshelf from inside the tailnet namespace. */
  readonly absUrl: string;
  /** Each library's folder inside the Audiobookshelf container. */
  readonly absFolders: { readonly ebooks: string; readonly audiobooks: string };
  /** The file the runtime touches on every pass (the health check reads its age). */
  readonly heartbeat: string;
}

/** The runtime's command line (the flags of `shelfstack ingest`): visible in compose, reviewable in a diff. */
export function ingestArgs(p: IngestArgsProps): string[] {
  return [
    "--from",
    p.mounts.ingest,
    "--library",
    p.mounts.ebooks,
    "--audiobooks",
    p.mounts.audiobooks,
    "--failed",
    p.mounts.failed,
    "--poll",
    String(p.pollSeconds),
    "--stable",
    String(p.stableSeconds),
    ...(p.fetchMetadata ? ["--fetch-metadata"] : []),
    "--abs-url",
    p.absUrl,
    "--abs-ebooks-folder",
    p.absFolders.ebooks,
    "--abs-audiobooks-folder",
    p.absFolders.audiobooks,
    "--heartbeat",
    p.heartbeat,
  ];
}

/**
 * Healthy while the heartbeat is fresh. A pass touches it at its start and on every progress
 * line, so only a runtime that is stuck (or gone) for this long turns unhealthy.
 */
export function heartbeatMaxAgeMinutes(pollSeconds: number): number {
  return Math.max(10, Math.ceil((pollSeconds * 3) / 60));
}
