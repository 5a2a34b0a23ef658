import { z } from "zod";
import { email } from "./common";
import { secret } from "../secret";

const tag = z.string().regex(/^tag:[a-z0-9][a-z0-9-]*$/, { message: 'a tag is written "tag:name", e.g. tag:shelfstack' });

export const tailnetSchema = z
  .object({
    /** The tailnet's DNS name, as shown under DNS in the admin console, e.g. tail1234.ts.net. */
    name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.ts\.net$/, {
      message: "not a tailnet DNS name — copy it from the admin console's DNS page, e.g. tail1234.ts.net",
    }),
    /** The tailnet login that owns the stack (becomes the group's member and the tag owner). */
    owner: email,
    /** More people who may reach the library (their own devices are listed under devices). */
    members: z.array(email).default([]),
    magicDns: z.boolean().default(true),
    https: z.boolean().default(true),
    /** The tag the server's Tailscale node carries. */
    serverTag: tag.default("tag:shelfstack"),
    /** Replace a tailnet policy that was not created by Terraform (first apply). */
    overwriteExistingPolicy: z.boolean().default(false),
    /** Credentials of the tailscale Terraform provider: an API key, or an OAuth client. */
    apiKey: secret("TAILSCALE_API_KEY"),
    /** Extra policy rules and tests, merged into the generated policy. */
    extraAcls: z.array(z.record(z.string(), z.unknown())).default([]),
    extraTests: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();
