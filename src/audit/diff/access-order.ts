// Moved to the grant model, which the plan reader also uses (a raised access level needs
// fresh approval at check time, as audit diff reports it widened).
export { accessEffect, DEFAULT_ACCESS_ORDER } from "../../grant/access-order.js";
