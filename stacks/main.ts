// The app entry that cdktf.json names: synthesizes the reference stacks at one clock
// (--now is passed as TEMPGRANT_NOW; otherwise the system clock, read once).
import { App } from "cdktf";
import { setGrantClock } from "../src/constructs/index.js";
import { resolveClock } from "../src/grant/index.js";
import { ProdStack } from "./reference/prod-stack.js";

const app = new App();
setGrantClock(app, resolveClock());
new ProdStack(app, "prod");
app.synth();
