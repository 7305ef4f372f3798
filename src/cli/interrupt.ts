/** @module Ctrl-C during long work: the domain stops cleanly (programs stopped, partial files and clusters removed). */

/** SIGINT and SIGTERM abort the signal `work` gets, instead of killing pgready mid-step. */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
