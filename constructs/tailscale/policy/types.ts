/**
 * The parts of a tailnet policy file that shelfstack writes and evaluates offline, by the names
 * the policy file uses (tailscale.com/kb/1337/policy-syntax). Sections it does not evaluate
 * (nodeAttrs, autoApprovers, …) may be present and are carried along untouched.
 */

/** `acls[i]`. Legacy `users`/`ports` are read as `src`/`dst`. */
export interface AclRule {
  readonly action: "accept";
  readonly src: readonly string[];
  readonly dst: readonly string[];
  /** IANA number or name (tcp, udp, …). @default - TCP and UDP */
  readonly proto?: string;
  /** Postures a source device must meet (any one of them). */
  readonly srcPosture?: readonly string[];
}

/** `grants[i]`: only the network part (`ip`) counts for tests. */
export interface Grant {
  readonly src: readonly string[];
  readonly dst: readonly string[];
  /** e.g. ["tcp:443", "22000", "*"]. A grant without `ip` gives no network access. */
  readonly ip?: readonly string[];
  readonly srcPosture?: readonly string[];
  readonly app?: unknown;
  readonly via?: readonly string[];
}

export type PostureValue = string | number | boolean;

/** `tests[i]`: from one identity, each `accept` destination must be reachable and each `deny` one not. */
export interface PolicyTest {
  readonly src: string;
  /** @default - either TCP or UDP */
  readonly proto?: string;
  readonly srcPostureAttrs?: Readonly<Record<string, PostureValue>>;
  /** `host:port` destinations, `port` a single number. */
  readonly accept?: readonly string[];
  readonly deny?: readonly string[];
}

/** `ssh[i]`: who may open Tailscale SSH to which devices, as which login users. */
export interface SshRule {
  readonly action: "accept" | "check";
  readonly src: readonly string[];
  readonly dst: readonly string[];
  /** Login users: names, "root", "autogroup:nonroot", "localpart:*@domain", "*". */
  readonly users: readonly string[];
  readonly checkPeriod?: string;
  readonly acceptEnv?: readonly string[];
}

/** `sshTests[i]`: from `src`, to each of `dst`, each login user must be accepted, checked or denied. */
export interface SshTest {
  readonly src: string;
  readonly dst: readonly string[];
  readonly accept?: readonly string[];
  readonly check?: readonly string[];
  readonly deny?: readonly string[];
}

export interface TailnetPolicy {
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly tagOwners?: Readonly<Record<string, readonly string[]>>;
  readonly hosts?: Readonly<Record<string, string>>;
  readonly postures?: Readonly<Record<string, readonly string[]>>;
  readonly defaultSrcPosture?: readonly string[];
  readonly acls?: readonly AclRule[];
  readonly grants?: readonly Grant[];
  readonly tests?: readonly PolicyTest[];
  readonly ssh?: readonly SshRule[];
  readonly sshTests?: readonly SshTest[];
  readonly ipsets?: Readonly<Record<string, readonly string[]>>;
  readonly [section: string]: unknown;
}
