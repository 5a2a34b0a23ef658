import type { ResolvedDevice, StackConfig } from "../../config/resolve";
import { foldersForDevice, syncthingDevices, type FolderType } from "../../config/syncthing-folders";
import { reportLocation } from "../jobs/report";

/**
 * What a device's owner still has to tap, in order, as data: facts from stack.yaml only. Where a
 * secret is needed the guide names the environment variable that holds it, never its value.
 * render.ts turns this into SETUP.md; the QR codes become SVG files beside it.
 */
export interface Guide {
  /** The device's name in stack.yaml: also its folder below setup/. */
  readonly device: string;
  /** What the device is, for the page's title. */
  readonly kind: ResolvedDevice["kind"];
  /** The page's numbered sections, in the order they are done. */
  readonly sections: readonly GuideSection[];
  /** Every QR code the guide shows: file name (beside SETUP.md) → the text it encodes. */
  readonly qrCodes: readonly QrCode[];
}

export interface GuideSection {
  /** The section's heading. */
  readonly title: string;
  /** Markdown, one step each; a step may continue on indented lines. */
  readonly steps: readonly string[];
  /** A table after the steps (Markdown cells; `|` is escaped). @default - none */
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** Steps after the table (their numbers continue the list). @default - none */
  readonly after?: readonly string[];
  /** QR codes shown at the end of the section. @default - none */
  readonly qrCodes?: readonly QrCode[];
}

export interface QrCode {
  /** The SVG's file name, beside SETUP.md. */
  readonly file: string;
  /** What the code encodes. */
  readonly text: string;
  /** The image's alt text on the page. */
  readonly caption: string;
}

/** Syncthing-Fork's names for the folder types. */
const FOLDER_TYPE_LABEL: Record<FolderType, string> = {
  sendonly: "Send Only",
  receiveonly: "Receive Only",
  sendreceive: "Send & Receive",
  receiveencrypted: "Receive Encrypted",
};

const KIND_LABEL: Record<ResolvedDevice["kind"], string> = {
  "android-ereader": "Android e-reader",
  android: "Android phone or tablet",
  ios: "iPhone or iPad",
  laptop: "laptop",
};

export function kindLabel(kind: ResolvedDevice["kind"]): string {
  return KIND_LABEL[kind];
}

const code = (s: string) => `\`${s}\``;

function tailscale(config: StackConfig, device: ResolvedDevice, named: boolean): GuideSection {
  const store = device.kind === "ios" ? "the App Store" : device.kind === "laptop" ? "tailscale.com/download" : "the Play Store (or F-Droid)";
  return {
    title: "Join the tailnet",
    steps: [
      `Install **Tailscale** from ${store}.`,
      `Sign in as ${code(device.owner)}. Allow the VPN configuration when asked.`,
      ...(named
        ? [
            `In the Tailscale admin console (*Machines*), check that this device is called ${code(device.tailnetName)}; rename it there if not — the server finds it by that name (${code(`${device.tailnetName}.${config.tailnet.name}`)}).`,
          ]
        : []),
      `Check: open ${config.serverUrl} in the browser. Audiobookshelf's sign-in page appears (it answers only on the tailnet).`,
    ],
  };
}

function opds(config: StackConfig, app: string): GuideSection {
  const url = `${config.serverUrl}/opds`;
  return {
    title: `Books in ${app} (OPDS)`,
    steps: [
      `Install **${app}**.`,
      `Add an OPDS catalogue (${app === "KOReader" ? "🔍 → *OPDS catalog* → **+**" : "*Library* → *OPDS catalogs* → **+**"}): address ${code(url)} — or scan the QR code below.`,
      `User name ${code(config.opds.user)}; password: the value of ${code(config.opds.password.env)} the stack was deployed with.`,
      "Open the catalogue, pick a book, download it. It arrives byte for byte as stored on the server, so reading progress matches across devices.",
    ],
    qrCodes: [{ file: "opds-qr.svg", text: url, caption: `OPDS catalogue: ${url}` }],
  };
}

function audiobookshelf(config: StackConfig): GuideSection {
  return {
    title: "Audiobooks in the Audiobookshelf app",
    steps: [
      "Install **Audiobookshelf** (the official app).",
      `Server address ${code(config.serverUrl)} — or scan the QR code below.`,
      `Sign in as ${code(config.audiobookshelf.rootUser)}; password: the value of ${code(config.audiobookshelf.rootPassword.env)}. The server set this account up by itself (\`shelfstack bootstrap\`); libraries: ${code(config.audiobookshelf.ebookLibraryName)} and ${code(config.audiobookshelf.audiobookLibraryName)}.`,
    ],
    qrCodes: [{ file: "audiobookshelf-qr.svg", text: config.serverUrl, caption: `Audiobookshelf: ${config.serverUrl}` }],
  };
}

function syncthing(config: StackConfig, device: ResolvedDevice, index: number): GuideSection {
  if (!device.syncthingId) {
    return {
      title: "Books by Syncthing",
      steps: [
        "Install **Syncthing-Fork** (F-Droid or Play Store), open it, tap ☰ → *Show device ID* and copy the ID.",
        `Put it into stack.yaml as ${code(`devices[${index}].syncthingId`)}, deploy again, and open this device's new SETUP.md: it then lists the folders to accept.`,
      ],
    };
  }
  const { server } = syncthingDevices(config);
  const folders = foldersForDevice(config, device.name);
  const serverId = server.deviceId
    ? `paste the server's ID ${code(server.deviceId)} (or scan the QR code below)`
    : 'paste the server\'s ID (not in stack.yaml yet: run `shelfstack syncthing identity` before the first deploy and synth again so this guide shows it — or, once the server has started, `docker logs syncthing 2>&1 | grep "My ID"` and put it under `syncthing.serverId`)';
  return {
    title: "Books and statistics by Syncthing",
    steps: [
      `Install **Syncthing-Fork** (F-Droid or Play Store). Check its ID (☰ → *Show device ID*) is ${code(device.syncthingId)}, as in stack.yaml.`,
      `*Devices* → **+** → ${serverId}; name ${code(server.name)}; under *Addresses* write ${code(server.address)}. Save.`,
      `The server offers ${folders.length === 1 ? "one folder" : `${folders.length} folders`}. Accept each with the path and type below, then add its ignore patterns (the folder's *Ignore patterns*):`,
    ],
    table: {
      header: ["folder", "ID", "path on this device", "type", "ignore patterns"],
      rows: folders.map((f) => [f.label, code(f.id), code(f.path), `**${FOLDER_TYPE_LABEL[f.type]}**`, f.ignores.map(code).join(" ") || "—"]),
    },
    after: ["Optional, for privacy: *Settings* → *Connections*: turn off global discovery, relaying and NAT traversal. This device reaches the server over Tailscale only."],
    qrCodes: server.deviceId ? [{ file: "syncthing-server-id-qr.svg", text: server.deviceId, caption: `The server's Syncthing device ID: ${server.deviceId}` }] : [],
  };
}

function koreader(config: StackConfig, device: ResolvedDevice): GuideSection[] {
  const root = device.koreaderSettingsPath.replace(/\/settings\/?$/, "");
  const koofr = config.backup?.koofr;
  const webdav = koofr
    ? `address ${code(`${koofr.endpoint.replace(/\/+$/, "")}/dav/Koofr`)}, user ${code(koofr.user)}, password: a new Koofr app password for this device (Koofr → Preferences → Password → App passwords)`
    : "the address, user and password of a WebDAV server you use";
  return [
    {
      title: "Reading in KOReader",
      steps: [
        `In KOReader's file browser open ${code(device.libraryPath)}: the library arrives there. Keep the files as they are (KOReader and Readest match a book by its content).`,
        `Reading statistics stay in ${code(device.koreaderSettingsPath)}, which Syncthing sends to the server each time this device is on the tailnet.`,
      ],
    },
    {
      title: "Progress sync with Readest (the Readest KOReader plugin)",
      steps: [
        `Download the Readest KOReader plugin (\`readest.koplugin\`, from Readest's releases on GitHub) and copy the folder into ${code(`${root}/plugins/`)}. Restart KOReader (menu → *Exit*, then open it again).`,
        "Open a book, then the top menu → *Readest sync* → sign in with the Readest account you use on your other devices. Progress, highlights and notes now follow the book between KOReader and Readest.",
      ],
    },
    {
      title: "Fallback: KOReader's own sync over WebDAV",
      steps: [
        `Only if the plugin is not an option: KOReader → 🔧 *Tools* → *Cloud storage* → **+** → *WebDAV*: ${webdav}.`,
        "Then *Reading statistics* → *Settings* → *Synchronize book statistics* with that cloud folder, to merge statistics with other KOReader devices.",
      ],
    },
  ];
}

/**
 * Putting a restored statistics database back on the reader: the folder paused on the reader so
 * nothing half-copied is sent, the old -wal/-shm removed (they belong to the old database), and the
 * server's side receive-only, so it never pushes an older copy back.
 */
function statisticsBack(config: StackConfig, device: ResolvedDevice): GuideSection | undefined {
  const folder = foldersForDevice(config, device.name).find((f) => f.content === "koreader-settings");
  if (!config.statistics.enabled || !folder) return undefined;
  const db = `${device.koreaderSettingsPath.replace(/\/+$/, "")}/statistics.sqlite3`;
  return {
    title: "Putting statistics back (after a lost or reset reader)",
    steps: [
      `Get the database from the nightly snapshots: ${code(`shelfstack snapshot restore --reader ${device.name} --to ./restored-${device.name}`)} (add ${code("--at YYYY-MM-DD")} for an earlier night). It writes ${code("statistics.sqlite3")}, checked with SQLite's integrity_check.`,
      "On this device, quit KOReader completely (menu → *Exit*), so nothing holds the database open.",
      `In Syncthing-Fork, open the folder ${code(folder.label)} and tap **Pause**: while it is paused nothing is sent to the server.`,
      `Copy the restored file over ${code(db)} (USB or \`adb push\`), and delete ${code("statistics.sqlite3-wal")} and ${code("statistics.sqlite3-shm")} beside it if they are there: they belong to the old database and would damage the restored one.`,
      "Open KOReader, check *Reading statistics* shows the history back, then quit it again.",
      `Resume the folder in Syncthing-Fork. This device sends the restored file to the server; the server's side is receive-only, so it never pushes an older copy back. The next night's snapshot records it.`,
    ],
  };
}

/** The guide for one device. */
export function deviceGuide(config: StackConfig, device: ResolvedDevice): Guide {
  const index = config.devices.findIndex((d) => d.name === device.name);
  const sections: GuideSection[] = [];
  const usesSyncthing = config.syncthing.enabled && (device.kind === "android-ereader" || (device.kind === "android" && !!device.syncthingId));
  sections.push(tailscale(config, device, usesSyncthing));
  switch (device.kind) {
    case "android-ereader":
      if (config.syncthing.enabled) sections.push(syncthing(config, device, index));
      else if (config.opds.enabled) sections.push(opds(config, "KOReader"));
      sections.push(...koreader(config, device));
      if (config.syncthing.enabled) {
        const back = statisticsBack(config, device);
        if (back) sections.push(back);
      }
      break;
    case "android":
      if (usesSyncthing) sections.push(syncthing(config, device, index));
      if (config.opds.enabled) sections.push(opds(config, "Readest"));
      sections.push(audiobookshelf(config));
      break;
    case "ios":
    case "laptop":
      if (config.opds.enabled) sections.push(opds(config, "Readest"));
      sections.push(audiobookshelf(config));
      break;
  }
  if (device.kind !== "android-ereader" && config.devices.some((d) => d.kind === "android-ereader")) {
    sections.push({
      title: "Progress sync with the e-reader",
      steps: [
        "In Readest: ☰ → *Settings* → sign in to Readest sync with the same account as in KOReader's Readest plugin on the e-reader. A book opened here continues where the e-reader left off.",
      ],
    });
  }
  const report = reportLocation(config);
  if (report) {
    sections.push({
      title: "Your reading report",
      steps: [
        `Open ${report.url} in a browser on the tailnet: reading time per day, streaks, books, sessions and devices, from every reader's KOReader statistics and Audiobookshelf. It is rewritten after each nightly ETL run.`,
      ],
    });
  }
  return { device: device.name, kind: device.kind, sections, qrCodes: sections.flatMap((s) => s.qrCodes ?? []) };
}
