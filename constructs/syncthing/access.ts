import { PORTS } from "../../config/ports";
import type { DeviceKind } from "../../config/schema/devices";
import type { ServerAccess } from "../tailscale/policy/generate";

/**
 * What Syncthing opens on the tailnet: its sync port, to the peers it lists. The Syncthing
 * construct hands exactly this to the Tailnet (`Tailnet.allow`); `policyPropsFromConfig` uses it for
 * `shelfstack policy`, so the CLI's policy is synth's.
 */
export function syncthingAccess(peers: readonly { readonly name: string; readonly kind?: DeviceKind; readonly owner?: string }[]): ServerAccess {
  const devices = peers.flatMap((p) => (p.kind && p.owner ? [{ name: p.name, kind: p.kind, owner: p.owner }] : []));
  return {
    name: "syncthing",
    port: PORTS.syncthingSync,
    peers: devices,
    why: `Android readers (${devices.map((d) => d.name).join(", ")}) sync with the server's Syncthing (TCP, and QUIC on UDP).`,
  };
}
