import { isIP } from "node:net";
import { z } from "zod";
import { email } from "./common";
import { secret } from "../secret";

const tag = z.string().regex(/^tag:[a-z0-9][a-z0-9-]*$/, { message: 'a tag is written "tag:name", e.g. tag:shelfstack' });

/** host:ports as an ACL destination writes it: tag:nas:22, group:family:80,443, 100.101.102.103:*. */
const destination = z.string().regex(/^\S+:(\*|\d+(-\d+)?(,\d+(-\d+)?)*)$/, {
  message: "write host:ports, e.g. tag:nas:22, group:family:80,443 or *:*",
});
/** host:port as a test writes it: one port number. */
const testDestination = z
  .string()
  .regex(/^\S+:\d+$/, { message: "write host:port with one port number, e.g. tag:nas:22" })
  .refine((v) => !/^(\*|group:|autogroup:)|@|\//.test(v.replace(/:\d+$/, "")), {
    message: "a test destination is one host: a tag, a host alias of one address or an IP, e.g. tag:nas:22 (Tailscale refuses users, groups, autogroups, * and prefixes)",
  });

/** An ACL rule of the policy file (tailscale.com/kb/1337/policy-syntax#acls). */
export const aclRuleSchema = z
  .object({
    action: z.literal("accept", { message: 'the only action is "accept" (Tailscale denies by default)' }).default("accept"),
    src: z.array(z.string().min(1)).min(1, { message: "list at least one source (user, group:…, tag:…, host or IP)" }),
    dst: z.array(destination).min(1, { message: "list at least one destination (host:ports)" }),
    /** @default TCP and UDP */
    proto: z.string().optional(),
    srcPosture: z.array(z.string().regex(/^posture:/, { message: 'a posture is written "posture:name"' })).optional(),
  })
  .strict();

/** A policy test (tailscale.com/kb/1337/policy-syntax#tests). */
export const policyTestSchema = z
  .object({
    src: z.string().min(1),
    /** @default either TCP or UDP */
    proto: z.string().optional(),
    srcPostureAttrs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    accept: z.array(testDestination).optional(),
    deny: z.array(testDestination).optional(),
  })
  .strict()
  .refine((t) => (t.accept?.length ?? 0) + (t.deny?.length ?? 0) > 0, {
    message: "a test needs accept or deny destinations (host:port)",
  });

const address = z.string().refine((v) => isIP(v.split("/")[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(v), {
  message: "write an IP address or a CIDR range, e.g. 100.101.102.103 or 192.168.1.0/24",
});

export const tailnetSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.ts\.net$/, {
        message: "not a tailnet DNS name — copy it from the admin console's DNS page, e.g. tail1234.ts.net",
      })
      .describe("the tailnet's DNS name (admin console, DNS page), e.g. tail1234.ts.net"),
    owner: email.describe("tailnet login that owns the stack: a reader, and the owner of the server's tag"),
    members: z.array(email).default([]).describe("more people who may open the library (their devices go under devices)"),
    magicDns: z.boolean().default(true).describe("turn MagicDNS on with Terraform (the HTTPS name needs it); false leaves the tailnet's DNS settings alone"),
    serverTag: tag.default("tag:shelfstack").describe("the tag the server's node carries; its auth key is issued for it"),
    overwriteExistingPolicy: z.boolean().default(false).describe("let the first apply replace a policy Terraform did not create (see README, The tailnet)"),
    auth: z
      .enum(["api-key", "oauth-client"], { message: "use api-key or oauth-client" })
      .default("api-key")
      .describe("how Terraform's tailscale provider signs in: an API key, or an OAuth client (can be scoped)"),
    apiKey: secret("TAILSCALE_API_KEY").describe("Tailscale API key (auth: api-key)"),
    oauthClientId: secret("TAILSCALE_OAUTH_CLIENT_ID").describe("OAuth client ID (auth: oauth-client)"),
    oauthClientSecret: secret("TAILSCALE_OAUTH_CLIENT_SECRET").describe("OAuth client secret (auth: oauth-client)"),
    basePolicy: z
      .string()
      .min(1)
      .regex(/\.(hujson|json)$/, { message: "name the policy file, e.g. ./tailnet-policy.hujson" })
      .optional()
      .describe("your own tailnet policy file (HuJSON, relative to stack.yaml): kept as it is, with the library's entries merged in; see `shelfstack policy import`"),
    // Rules and tests follow the generated ones (and basePolicy's own), and every test must still pass.
    extraAcls: z.array(aclRuleSchema).default([]).describe("more policy rules (acls entries), after the generated ones"),
    extraTests: z.array(policyTestSchema).default([]).describe("more policy tests, run with the generated ones"),
    extraGroups: z
      .record(z.string().regex(/^group:[^\s]+$/, { message: 'a group is written "group:name"' }), z.array(z.string().min(1)))
      .default({})
      .describe("more policy groups, group:name → logins"),
    extraTagOwners: z
      .record(tag, z.array(z.string().min(1)))
      .default({})
      .describe("more tags, tag:name → owners"),
    extraHosts: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { message: "a host name uses lower-case letters, digits, . and -" }), address)
      .default({})
      .describe("policy host aliases, name → IP or CIDR"),
  })
  .strict()
  .superRefine((t, ctx) => {
    // The generated policy names its groups and postures after the server's tag.
    const base = t.serverTag.replace(/^tag:/, "");
    for (const group of [`group:${base}-readers`, `group:${base}-syncthing`]) {
      if (group in t.extraGroups) {
        ctx.addIssue({ code: "custom", path: ["extraGroups", group], message: `${group} is generated from devices and members — choose another name` });
      }
    }
    if (t.serverTag in t.extraTagOwners) {
      ctx.addIssue({
        code: "custom",
        path: ["extraTagOwners", t.serverTag],
        message: `the server's tag is owned by tailnet.owner — remove it here (or pick another serverTag)`,
      });
    }
  });
