import { Construct, type IConstruct } from "constructs";
import { Container as DockerContainer } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { dependable, Fn, Lazy } from "cdktf";
import type { SecretRef } from "../config/secret";
import { RenderedFile, OUT_FROM_STACK_DIR } from "./rendered-file";
import type { ImageBuildContext } from "./image-context";
import { Secrets, type OptionalSecret } from "./secrets";

/** A secret, or a value built from literal text and secrets. */
export type SecretValue = SecretRef | OptionalSecret | readonly (string | SecretRef)[];

function secretParts(value: SecretValue): readonly (string | SecretRef)[] {
  return Array.isArray(value) ? value : [value as SecretRef];
}

export interface VolumeMount {
  /** Absolute path on the server. */
  readonly hostPath: string;
  readonly containerPath: string;
  /** @default - false: the container may write */
  readonly readOnly?: boolean;
}

export interface ConfigFileMount {
  /** Where the container reads it. */
  readonly containerPath: string;
  readonly file: RenderedFile;
}

/** A file that stays on the deploying machine until the deploy copies it in (a private key): never in the output or the state. */
export interface LocalFileMount {
  readonly containerPath: string;
  /** Absolute, or starting with ~/ (expanded by Terraform on the deploying machine; compose reads the same path on the server). */
  readonly localPath: string;
}

export interface HealthCheck {
  /** Docker's test form, e.g. ["CMD-SHELL", "wget -q --spider http://127.0.0.1/healthcheck"]. */
  readonly test: readonly string[];
  /** @default - 30 */
  readonly intervalSeconds?: number;
  /** @default - 5 */
  readonly timeoutSeconds?: number;
  /** @default - 3 */
  readonly retries?: number;
  /** @default - 30 */
  readonly startPeriodSeconds?: number;
}

export interface ContainerProps {
  /** A pinned image reference, e.g. ghcr.io/advplyr/audiobookshelf:2.36.0; with `build`, the tag it gets. */
  readonly image: string;
  /**
   * Build the image from this context at deploy time (Terraform's docker_image build, compose's
   * `build:`), and rebuild it whenever the context's content changes.
   * @default - the image is pulled (or found locally)
   */
  readonly build?: ImageBuildContext;
  /** Service name in compose and the container's name on the server. @default - the construct id */
  readonly name?: string;
  /** Plain settings. Never put a secret here: use `secrets`. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables whose values hold secrets: one secret, or text and secrets joined
   * (abs-opds wants `user:token:password` in one variable).
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretValue>>;
  /** Host directories bind-mounted into the container. @default - none */
  readonly volumes?: readonly VolumeMount[];
  /** Rendered files the container reads (Terraform uploads them; compose bind-mounts them). @default - none */
  readonly configFiles?: readonly ConfigFileMount[];
  /** Files uploaded from the deploying machine by path, so their content is in neither the output nor the Terraform state. @default - none */
  readonly localFiles?: readonly LocalFileMount[];
  /** @default - the image's command */
  readonly command?: readonly string[];
  /** @default - the image's entrypoint */
  readonly entrypoint?: readonly string[];
  /** @default - none (the image's own, if any) */
  readonly healthCheck?: HealthCheck;
  /**
   * Share this container's network namespace (the Tailscale sidecar): the service is reachable
   * only through it, and no port is published on the host.
   * @default - the container has its own namespace
   */
  readonly networkOf?: Container;
  /** Linux capabilities added, e.g. NET_ADMIN. @default - none */
  readonly capAdd?: readonly string[];
  /** Host devices, e.g. /dev/net/tun. @default - none */
  readonly devices?: readonly string[];
  /** uid:gid. @default - the image's user */
  readonly user?: string;
  /**
   * A one-shot task rather than a service: it runs to completion (Terraform waits for it), is
   * never restarted, has no network unless `networkOf` says otherwise, and containers that
   * `startAfter` it start only once it has succeeded.
   * @default - false: a long-running service, restarted unless stopped
   */
  readonly runOnce?: boolean;
}

/**
 * One container, described once. The same description becomes a `docker_image` +
 * `docker_container` in Terraform and a service in docker-compose.yml, so the two can't drift.
 */
export class Container extends Construct {
  readonly name: string;
  readonly resource: DockerContainer;
  private readonly props: ContainerProps;
  private readonly tasksBefore: Container[] = [];

  constructor(scope: Construct, id: string, props: ContainerProps) {
    super(scope, id);
    this.name = props.name ?? id.toLowerCase();
    this.props = props;
    for (const key of Object.keys(props.environment ?? {})) {
      if (props.secrets && key in props.secrets) throw new Error(`${this.name}: ${key} is both a setting and a secret`);
    }
    const secrets = Secrets.of(this);
    const image = new Image(this, "Image", {
      name: props.image,
      keepLocally: true,
      ...(props.build
        ? {
            // Terraform runs in the stack's directory: the context is relative to it.
            buildAttribute: { context: `\${path.module}/${OUT_FROM_STACK_DIR}/${props.build.dir}` },
            triggers: { context_sha256: props.build.sha256 },
          }
        : {}),
    });
    const env = [
      ...Object.entries(props.environment ?? {}).map(([k, v]) => `${k}=${v}`),
      ...Object.entries(props.secrets ?? {}).map(
        ([k, value]) =>
          `${k}=${secretParts(value)
            .map((part) => (typeof part === "string" ? part : secrets.terraform(part)))
            .join("")}`,
      ),
    ].sort();
    const hc = props.healthCheck;
    this.resource = new DockerContainer(this, "Resource", {
      name: this.name,
      image: image.imageId,
      restart: props.runOnce ? "no" : "unless-stopped",
      // attach: Terraform waits for the task to end, and the provider then reads its exit_code.
      // The postcondition turns a failed task into a failed apply, so nothing that startAfter()s
      // it is created on folders nobody prepared (compose: service_completed_successfully).
      ...(props.runOnce
        ? {
            mustRun: false,
            attach: true,
            lifecycle: {
              postcondition: [
                {
                  condition: "${self.exit_code == 0}",
                  errorMessage: `The one-shot task ${this.name} exited with code \${self.exit_code}, so the containers that start after it were not started. See why with: docker logs ${this.name}`,
                },
              ],
            },
          }
        : {}),
      env: env.length ? env : undefined,
      command: props.command ? [...props.command] : undefined,
      entrypoint: props.entrypoint ? [...props.entrypoint] : undefined,
      user: props.user,
      // Every attribute in the form the docker provider reads it back (see the plan-stability
      // test): otherwise each plan shows a change, and a ForceNew one replaces the container.
      // Docker stores `container:<id>` for `container:<name>`.
      networkMode: props.networkOf ? `container:${props.networkOf.resource.id}` : props.runOnce ? "none" : undefined,
      capabilities: props.capAdd ? { add: [...props.capAdd] } : undefined,
      // The provider fills a missing permissions with "rwm" and reads it back.
      devices: props.devices?.map((d) => ({ hostPath: d, containerPath: d, permissions: "rwm" })),
      volumes: props.volumes?.map((v) => ({ hostPath: v.hostPath, containerPath: v.containerPath, readOnly: v.readOnly ?? false })),
      upload: uploads(props),
      healthcheck: hc && terraformHealthCheck(hc),
    });
  }

  /** uid:gid it runs as, if not the image's user. */
  get user(): string | undefined {
    return this.props.user;
  }

  /** Its host directories, in the order given. */
  get volumes(): readonly VolumeMount[] {
    return this.props.volumes ?? [];
  }

  /** The rendered files it reads, and where. */
  get configFiles(): readonly ConfigFileMount[] {
    return this.props.configFiles ?? [];
  }

  /** Plain settings (never a secret). */
  get environment(): Readonly<Record<string, string>> {
    return this.props.environment ?? {};
  }

  /** Names of the environment variables that hold secrets. */
  get secretNames(): readonly string[] {
    return Object.keys(this.props.secrets ?? {});
  }

  /** @default - the image's entrypoint */
  get entrypoint(): readonly string[] | undefined {
    return this.props.entrypoint;
  }

  /** @default - the image's command */
  get command(): readonly string[] | undefined {
    return this.props.command;
  }

  /** A one-shot task rather than a service (ContainerProps.runOnce). */
  get runOnce(): boolean {
    return this.props.runOnce ?? false;
  }

  /** Start this container only after a one-shot task has completed successfully. */
  startAfter(task: Container): void {
    if (!task.runOnce) throw new Error(`${this.name} can only start after a one-shot task, and ${task.name} is a service`);
    this.tasksBefore.push(task);
    // dependable() renders the bare address Terraform wants in depends_on; the fqn would be
    // written as an interpolation ("${…}"), which Terraform refuses there.
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), dependable(task.resource)];
  }

  static isContainer(x: IConstruct): x is Container {
    return x instanceof Container;
  }

  private composeDependencies(): Record<string, { condition: string }> | undefined {
    const after: Record<string, { condition: string }> = {};
    if (this.props.networkOf) after[this.props.networkOf.name] = { condition: "service_started" };
    for (const task of this.tasksBefore) after[task.name] = { condition: "service_completed_successfully" };
    return Object.keys(after).length ? sortKeys(after) : undefined;
  }

  /** This container as a Compose Specification service. Paths of config files are relative to the compose file. */
  toComposeService(): Record<string, unknown> {
    const p = this.props;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.environment ?? {})) env[k] = composeLiteral(v);
    for (const [k, value] of Object.entries(p.secrets ?? {})) {
      env[k] = secretParts(value)
        .map((part) => (typeof part === "string" ? composeLiteral(part) : Secrets.compose(part)))
        .join("");
    }
    const volumes = [
      ...(p.volumes ?? []).map((v) => `${v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`),
      ...(p.configFiles ?? []).map((f) => `./${f.file.path}:${f.containerPath}:ro`),
      ...(p.localFiles ?? []).map((f) => `${f.localPath}:${f.containerPath}:ro`),
    ];
    const hc = p.healthCheck;
    const service: Record<string, unknown> = {
      // With build, compose builds the context when the image is missing and tags it `image`.
      build: p.build && { context: `./${p.build.dir}` },
      image: p.image,
      container_name: this.name,
      restart: p.runOnce ? "no" : "unless-stopped",
      user: p.user,
      network_mode: p.networkOf ? `service:${p.networkOf.name}` : p.runOnce ? "none" : undefined,
      depends_on: this.composeDependencies(),
      cap_add: p.capAdd && [...p.capAdd],
      devices: p.devices?.map((d) => `${d}:${d}`),
      // Compose interpolates $ everywhere; a literal $ is written $$.
      entrypoint: p.entrypoint?.map(composeLiteral),
      command: p.command?.map(composeLiteral),
      environment: Object.keys(env).length ? sortKeys(env) : undefined,
      volumes: volumes.length ? volumes : undefined,
      healthcheck: hc && healthCheckTimes(hc),
    };
    return Object.fromEntries(Object.entries(service).filter(([, v]) => v !== undefined));
  }
}

function uploads(props: ContainerProps) {
  const all = [
    // Read at synth, once the whole tree is built: a file may still gain content after the
    // container that uploads it is constructed (the Syncthing server's config.xml gains every share).
    ...(props.configFiles ?? []).map((f) => ({ file: f.containerPath, content: Lazy.stringValue({ produce: once(() => terraformLiteral(f.file.content)) }) })),
    // `source` is read at apply time and, unlike `content`, never stored in the state.
    ...(props.localFiles ?? []).map((f) => ({ file: f.containerPath, source: Fn.pathexpand(f.localPath) })),
  ];
  return all.length ? all : undefined;
}

/** cdktf resolves the stack twice (prepare, then synth): a megabyte of config.xml is escaped once. */
function once(produce: () => string): () => string {
  let value: string | undefined;
  return () => (value ??= produce());
}

/** Terraform reads `${…}` and `%{…}` in any string as its own template: a rendered file means them literally. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** A health check with its defaults, in seconds. */
function healthCheckSeconds(hc: HealthCheck) {
  return {
    test: [...hc.test],
    interval: hc.intervalSeconds ?? 30,
    timeout: hc.timeoutSeconds ?? 5,
    retries: hc.retries ?? 3,
    startPeriod: hc.startPeriodSeconds ?? 30,
  };
}

/** Compose's words for a health check. */
function healthCheckTimes(hc: HealthCheck) {
  const s = healthCheckSeconds(hc);
  return { test: s.test, interval: `${s.interval}s`, timeout: `${s.timeout}s`, retries: s.retries, start_period: `${s.startPeriod}s` };
}

/**
 * The docker provider's: durations as Go prints them, and start_interval written as the "0s" it
 * reads back (Docker 20.10 has no start interval), so neither side differs on the next plan.
 */
function terraformHealthCheck(hc: HealthCheck) {
  const s = healthCheckSeconds(hc);
  return {
    test: s.test,
    interval: goDuration(s.interval),
    timeout: goDuration(s.timeout),
    retries: s.retries,
    startPeriod: goDuration(s.startPeriod),
    startInterval: goDuration(0),
  };
}

/**
 * Whole seconds as Go's time.Duration prints them (60 → "1m0s", 90 → "1m30s", 30 → "30s"): the
 * form the docker provider reads a health check's durations back in.
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`a duration must be whole seconds, not ${seconds}`);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function composeLiteral(text: string): string {
  return text.replace(/\$/g, () => "$$");
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
