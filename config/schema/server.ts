import { z } from "zod";
import { absolutePath, dnsLabel, timezone } from "./common";

export const serverSchema = z
  .object({
    /** Docker host the Terraform docker provider talks to, e.g. ssh://reader@homeserver. */
    dockerHost: z.string().regex(/^(ssh|tcp|unix):\/\/\S+$/, {
      message: "not a docker host — write ssh://user@host (or tcp://…, unix://…)",
    }),
    /** The server's machine name on the tailnet (MagicDNS: <hostname>.<tailnet>). */
    hostname: dnsLabel.default("shelf"),
    timezone: timezone.default("UTC"),
    /** Everything shelfstack keeps on the server lives below this directory unless set in `paths`. */
    dataDir: absolutePath.default("/srv/shelfstack"),
    /** Owner of the files the containers write, as uid:gid. */
    user: z.string().regex(/^\d+:\d+$/, { message: "write uid:gid, e.g. 1000:1000" }).default("1000:1000"),
    paths: z
      .object({
        /** The Calibre library: ebooks as Author/Title (id)/ with metadata.opf. */
        ebooks: absolutePath.optional(),
        audiobooks: absolutePath.optional(),
        /** Drop books here; the ingest runtime files them. */
        ingest: absolutePath.optional(),
        /** Files that could not be ingested, each with a .reason.txt. */
        failed: absolutePath.optional(),
        /** Where the readers' KOReader settings (statistics.sqlite3) arrive, receive-only. */
        statistics: absolutePath.optional(),
        /** Git repository of nightly statistics snapshots. */
        snapshots: absolutePath.optional(),
        /** Application state: Audiobookshelf config/metadata, Tailscale state, Syncthing config. */
        appdata: absolutePath.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
