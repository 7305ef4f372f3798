/** @module Facts about the machine pgready runs on, for sizing advice when the server runs beside it. */
export { detectHost, type HostOptions } from "./detect.js";
