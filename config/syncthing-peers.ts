/**
 * The one answer to "which devices are Syncthing peers": the Syncthing folders, the Syncthing
 * construct (the server's device list), the tailnet policy (who may reach the sync port) and the
 * rules that refuse a syncthingId elsewhere all ask this file, so they cannot disagree.
 *
 * Only Android devices sync. The tailnet policy can narrow the sync port to Android nodes with a
 * device posture (node:os == 'android'); a laptop's OS is unknown to the stack, so opening the
 * port to it would open it to every device of its owner. A laptop therefore reads in the browser
 * or over OPDS, like an iPhone, and a syncthingId on it is refused.
 */
import type { DeviceKind } from "./schema/devices";

/** The node:os each kind of device reports to the tailnet; a laptop may run any. */
export const DEVICE_OS: Readonly<Record<DeviceKind, string | undefined>> = {
  "android-ereader": "android",
  android: "android",
  ios: "ios",
  laptop: undefined,
};

/** The device kinds that run Syncthing. */
export const SYNCTHING_PEER_KINDS: readonly DeviceKind[] = ["android-ereader", "android"];

export function runsSyncthing(kind: DeviceKind): boolean {
  return SYNCTHING_PEER_KINDS.includes(kind);
}

/** A device syncs with the server when its kind runs Syncthing and it has a device ID. */
export function isSyncthingPeer(device: { readonly kind: DeviceKind; readonly syncthingId?: string }): boolean {
  return runsSyncthing(device.kind) && !!device.syncthingId;
}

/** Why a device of this kind never gets Syncthing, as the fix for a syncthingId on it. */
export function notAPeerReason(kind: DeviceKind): string {
  return kind === "ios"
    ? "an iOS device never gets Syncthing (it reads over OPDS)"
    : `a ${kind} is not a Syncthing peer: only Android readers sync (the tailnet opens Syncthing's port to Android devices alone); it reads in the browser or over OPDS`;
}
