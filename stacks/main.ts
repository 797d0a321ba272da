// The app entry that cdktf.json names: synthesizes the reference stacks at one clock
// (`tempgrant plan --now` passes TEMPGRANT_NOW; otherwise the system clock, read once).
import { App } from "cdktf";
import { configureFromEnvironment } from "../src/constructs/index.js";
import { ProdStack } from "./reference/prod-stack.js";

const app = new App();
configureFromEnvironment(app);
new ProdStack(app, "prod");
app.synth();
