/** The stack's ports live in config/ports.ts (config/ and runtimes/ import them too); re-exported for constructs. */
export { ABS_LOCAL_URL, localUrl, PORTS, SYNCTHING_GUI_LOCAL_URL } from "../config/ports";
