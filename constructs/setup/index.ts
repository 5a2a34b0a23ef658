import { Construct } from "constructs";
import type { StackConfig } from "../../config/resolve";
import { RenderedFile } from "../rendered-file";
import { deviceGuide, type Guide } from "./guide";
import { qrSvg } from "./qr";
import { renderSetup } from "./render";

export interface DeviceSetupProps {
  /** What the device's owner still has to tap, as data (guide.ts's deviceGuide). */
  readonly guide: Guide;
}

/**
 * One device's set-up page: `setup/<device>/SETUP.md` and the QR codes it shows, as SVG files
 * beside it (a Markdown viewer shows them inline; a phone camera reads them off the screen).
 */
export class DeviceSetup extends Construct {
  readonly page: RenderedFile;

  constructor(scope: Construct, id: string, props: DeviceSetupProps) {
    super(scope, id);
    const { guide } = props;
    const dir = `setup/${guide.device}`;
    this.page = new RenderedFile(this, "Page", { path: `${dir}/SETUP.md`, content: renderSetup(guide) });
    for (const qr of guide.qrCodes) {
      new RenderedFile(this, `Qr-${qr.file}`, { path: `${dir}/${qr.file}`, content: qrSvg(qr.text) });
    }
  }
}

export interface SetupPagesProps {
  /** One guide per device, in stack.yaml's order. */
  readonly guides: readonly Guide[];
}

/** A SETUP.md for every device of the stack. */
export class SetupPages extends Construct {
  constructor(scope: Construct, id: string, props: SetupPagesProps) {
    super(scope, id);
    for (const guide of props.guides) new DeviceSetup(this, guide.device, { guide });
  }
}

/** SetupPages' props from stack.yaml: each device's guide is built from the whole config (its URLs, folders, secrets' names). */
export function setupPagesProps(config: StackConfig): SetupPagesProps {
  return { guides: config.devices.map((device) => deviceGuide(config, device)) };
}
