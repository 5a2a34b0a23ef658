import { Construct } from "constructs";
import type { StackConfig } from "../../config/resolve";
import { RenderedFile } from "../rendered-file";
import { deviceGuide } from "./guide";
import { qrSvg } from "./qr";
import { renderSetup } from "./render";

export interface DeviceSetupProps {
  readonly config: StackConfig;
  /** The device's name in stack.yaml. */
  readonly device: string;
}

/**
 * One device's set-up page: `setup/<device>/SETUP.md` and the QR codes it shows, as SVG files
 * beside it (a Markdown viewer shows them inline; a phone camera reads them off the screen).
 */
export class DeviceSetup extends Construct {
  readonly page: RenderedFile;

  constructor(scope: Construct, id: string, props: DeviceSetupProps) {
    super(scope, id);
    const device = props.config.devices.find((d) => d.name === props.device);
    if (!device) throw new Error(`no device "${props.device}" in stack.yaml`);
    const guide = deviceGuide(props.config, device);
    const dir = `setup/${device.name}`;
    this.page = new RenderedFile(this, "Page", { path: `${dir}/SETUP.md`, content: renderSetup(guide) });
    for (const qr of guide.qrCodes) {
      new RenderedFile(this, `Qr-${qr.file}`, { path: `${dir}/${qr.file}`, content: qrSvg(qr.text) });
    }
  }
}

/** A SETUP.md for every device of the stack. */
export class SetupPages extends Construct {
  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    for (const device of config.devices) new DeviceSetup(this, device.name, { config, device: device.name });
  }
}
