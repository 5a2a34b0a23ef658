import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { StackConfig } from "../config/resolve";
import { absKeyHandoff } from "../config/abs-keys";
import { SetupPages, setupPagesProps } from "../constructs/setup";
import { TailscaleSidecar } from "../constructs/tailscale/sidecar";
import { Tailnet } from "../constructs/tailscale/tailnet";
import { tailnetPolicyProps } from "../constructs/tailscale/policy/generate";
import { Audiobookshelf } from "../constructs/audiobookshelf";
import { AbsOpds } from "../constructs/abs-opds";
import { Shelfbridge } from "../constructs/shelfbridge";
import { ComposeFile } from "../constructs/compose";
import { HostDirectories } from "../constructs/host-directories";
import { useImageOverrides } from "../constructs/images";
import { Syncthing } from "../constructs/syncthing";
import { Jobs } from "../constructs/jobs";
import { jobsProps } from "../constructs/jobs/props";
import { reportLocation } from "../constructs/jobs/report";
import { Ingest } from "../constructs/ingest";
import { syncthingDevices, syncthingFolders } from "../config/syncthing-folders";
import { serverIdentity } from "../config/syncthing-identity";

export const STACK_NAME = "shelfstack";

/**
 * The whole reading stack from one StackConfig: one construct per component. The root is the one
 * place that reads the config; every construct below gets its own props, and the stack keeps no
 * reference to the config once built.
 */
export class ReadingStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    // Before any child: every container below looks its image up here.
    useImageOverrides(this, config.images);
    const { server } = config;
    const { paths } = server;

    // Relative to the stack's working directory (<out>/stacks/shelfstack), so the state file sits
    // beside the output directory — outside what synth replaces — and no absolute path of this
    // machine lands in the output.
    new LocalBackend(this, { path: `../../../terraform.${STACK_NAME}.tfstate` });
    new DockerProvider(this, "Docker", { host: server.dockerHost });

    // The reading report: the nightly ETL writes it, the sidecar serves it at /report/.
    const report = reportLocation(config);
    // The tailnet policy (its tests run here, offline), the server's auth key, MagicDNS, serve.json.
    const tailnet = new Tailnet(this, "Tailnet", {
      ...tailnetPolicyProps(config),
      opds: config.opds.enabled,
      staticDirs: report ? [{ mount: report.mount, path: report.sidecarDir }] : undefined,
      magicDns: config.tailnet.magicDns,
      overwriteExistingPolicy: config.tailnet.overwriteExistingPolicy,
      auth: config.tailnet.auth,
      apiKey: config.tailnet.apiKey,
      oauthClientId: config.tailnet.oauthClientId,
      oauthClientSecret: config.tailnet.oauthClientSecret,
    });
    const tailscale = new TailscaleSidecar(this, "Tailscale", {
      hostname: server.hostname,
      stateDir: `${paths.appdata}/tailscale`,
      authKey: tailnet.authKey.key,
      serveConfig: { containerPath: "/config/serve.json", file: tailnet.serveConfig },
      servedDirs: report ? [{ hostPath: report.hostDir, containerPath: report.sidecarDir, readOnly: true }] : undefined,
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
        absUrl: abs.localUrl,
        user: config.opds.user,
        password: config.opds.password,
        absApiKey: absKeyHandoff(config, "abs-opds"),
        runAs: server.user,
        network,
      });
    }

    if (config.shelfbridge.enabled) {
      new Shelfbridge(this, "Shelfbridge", {
        userId: config.shelfbridge.userId,
        absUrl: abs.localUrl,
        absApiKey: absKeyHandoff(config, "shelfbridge"),
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

    if (config.syncthing.enabled) {
      const peers = syncthingDevices(config);
      const syncthing = new Syncthing(this, "Syncthing", {
        folders: syncthingFolders(config),
        server: peers.server,
        devices: peers.devices,
        apiKey: config.syncthing.apiKey,
        appdataDir: paths.appdata,
        user: server.user,
        timezone: server.timezone,
        network,
        identity: serverIdentity(config),
      });
      // The sync port opens to exactly the peers the server's config lists.
      tailnet.allow(syncthing.access);
    }

    // The nightly jobs (snapshot, backup, ETL) and start-up jobs: the job catalogue, config/jobs.ts.
    new Jobs(this, "Jobs", { ...jobsProps(config), network });

    if (config.ingest.enabled) {
      new Ingest(this, "Ingest", {
        ingestDir: paths.ingest,
        failedDir: paths.failed,
        ebooksDir: paths.ebooks,
        audiobooksDir: paths.audiobooks,
        user: server.user,
        timezone: server.timezone,
        pollSeconds: config.ingest.pollSeconds,
        stableSeconds: config.ingest.stableSeconds,
        fetchMetadata: config.ingest.fetchMetadata,
        absUrl: abs.localUrl,
        absApiKey: absKeyHandoff(config, "ingest"),
        network,
      });
    }

    // A SETUP.md per device: what is left to tap, from stack.yaml (README.md#setupmd-for-each-device).
    new SetupPages(this, "Setup", setupPagesProps(config));

    // Both look at every container of the stack when it is synthesized, wherever they are added.
    new HostDirectories(this, "HostDirectories", { owner: server.user });
    new ComposeFile(this, "Compose");

    // Every component has declared its tailnet access: the policy is generated and its tests run
    // now, so a failing test refuses the stack where it is built, with its YAML path.
    void tailnet.policy;
  }
}
