/** @module Local PostgreSQL clusters that pgready makes and manages: the user's sandbox and test clusters. */
export {
  createReplicaSandbox,
  destroySandbox,
  readPassword,
  reloadSandbox,
  restartSandbox,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  writeServerFile,
  type ReplicaOptions,
  type SandboxOptions,
  type SandboxStatus,
  type SettingValue,
} from "./cluster.js";
export { DEMO_DATABASE, loadDemo, type DemoResult } from "./demo.js";
export { freePort, portAcceptsConnections } from "./probe.js";
export { DEFAULT_SANDBOX_PORT, SUPERUSER, type SandboxState } from "./state.js";
export { sandboxConnSettings, sandboxUrl } from "./target.js";
