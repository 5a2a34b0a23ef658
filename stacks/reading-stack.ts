import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { StackConfig } from "../config/resolve";
import { TailscaleSidecar } from "../constructs/tailscale/sidecar";
import { Audiobookshelf } from "../constructs/audiobookshelf";
import { AbsOpds } from "../constructs/abs-opds";
import { Shelfbridge } from "../constructs/shelfbridge";
import { ComposeFile } from "../constructs/compose";

export const STACK_NAME = "shelfstack";

/** The whole reading stack from one StackConfig: one construct per component. */
export class ReadingStack extends TerraformStack {
  constructor(scope: Construct, id: string, readonly config: StackConfig) {
    super(scope, id);
    const { server } = config;
    const { paths } = server;

    // Relative to the stack's working directory (<out>/stacks/shelfstack), so the state file sits
    // beside the output directory — outside what synth replaces — and no absolute path of this
    // machine lands in the output.
    new LocalBackend(this, { path: `../../../terraform.${STACK_NAME}.tfstate` });
    new DockerProvider(this, "Docker", { host: server.dockerHost });

    const tailscale = new TailscaleSidecar(this, "Tailscale", {
      hostname: server.hostname,
      stateDir: `${paths.appdata}/tailscale`,
      authKey: { env: "TAILSCALE_AUTH_KEY" },
    });
    const network = tailscale.container;

    const abs = new Audiobookshelf(this, "Audiobookshelf", {
      version: config.audiobookshelf.version,
      timezone: server.timezone,
      appdataDir: paths.appdata,
      ebooksDir: paths.ebooks,
      audiobooksDir: paths.audiobooks,
      user: server.user,
      network,
    });

    if (config.opds.enabled) {
      new AbsOpds(this, "AbsOpds", {
        absUrl: config.serverUrl,
        user: config.opds.user,
        password: config.opds.password,
        absApiKey: config.audiobookshelf.apiKey,
        network,
      });
    }

    if (config.shelfbridge.enabled) {
      new Shelfbridge(this, "Shelfbridge", {
        userId: config.shelfbridge.userId,
        absUrl: abs.localUrl,
        absApiKey: config.audiobookshelf.apiKey,
        hardcoverToken: config.shelfbridge.hardcoverToken,
        schedule: config.shelfbridge.schedule,
        timezone: server.timezone,
        minProgressThreshold: config.shelfbridge.minProgressThreshold,
        autoAddBooks: config.shelfbridge.autoAddBooks,
        dryRun: config.shelfbridge.dryRun,
        appdataDir: paths.appdata,
        network,
      });
    }

    new ComposeFile(this, "Compose", STACK_NAME);
  }
}
