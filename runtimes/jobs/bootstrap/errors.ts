import { UserError } from "../../../config/errors";

/** A reason the bootstrap cannot finish that a person can fix (wrong password, wrong address, permissions). */
export class BootstrapError extends UserError {}
