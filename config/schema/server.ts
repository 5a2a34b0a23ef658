import { z } from "zod";
import { absolutePath, dnsLabel, timezone, urlProblem } from "./common";

const path = (description: string) => absolutePath.optional().describe(description);

export const serverSchema = z
  .object({
    dockerHost: z
      .string()
      .regex(/^(ssh|tcp|unix):\/\/\S+$/, { message: "not a docker host — write ssh://user@host (or tcp://…, unix://…)" })
      .superRefine((value, ctx) => {
        if (value.startsWith("unix://")) return;
        const problem = urlProblem(value, ["ssh:", "tcp:"], "ssh://reader@homeserver");
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .describe("Docker host Terraform deploys to, e.g. ssh://reader@homeserver"),
    hostname: dnsLabel.default("shelf").describe("the server's machine name on the tailnet: https://<hostname>.<tailnet>"),
    timezone: timezone.default("UTC").describe("IANA time zone for schedules and containers"),
    dataDir: absolutePath.default("/srv/shelfstack").describe("everything shelfstack keeps on the server, unless set under paths"),
    user: z
      .string()
      .regex(/^\d+:\d+$/, { message: "write uid:gid, e.g. 1000:1000" })
      .default("1000:1000")
      .describe("uid:gid that owns the files the containers write"),
    paths: z
      .object({
        ebooks: path("the Calibre library (Author/Title (id)/ with metadata.opf); default <dataDir>/library/ebooks"),
        audiobooks: path("audiobook library; default <dataDir>/library/audiobooks"),
        ingest: path("drop books here to file them; default <dataDir>/ingest"),
        failed: path("files that could not be ingested, each with a .reason.txt; default <dataDir>/ingest-failed"),
        statistics: path("the readers' KOReader settings arrive here, receive-only; default <dataDir>/statistics"),
        snapshots: path("git repository of nightly statistics snapshots; default <dataDir>/statistics-snapshots"),
        appdata: path("application state (Audiobookshelf, Tailscale, Syncthing); default <dataDir>/appdata"),
      })
      .strict()
      .default({}),
  })
  .strict();
