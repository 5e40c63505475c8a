// Next.js calls register() once when a server instance starts (next start, next dev): the place
// for the receiver's background work. Edge runtimes have no database or timers of ours to run.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInServer } = await import("./lib/receiver/startInServer");
  await startInServer();
}
