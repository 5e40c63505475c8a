/**
 * `npm run watcher`: the receiver's chain watcher on its own, outside any web server: it follows
 * the chain into the database, disputes stale closes and sends the receiver's transactions while
 * it holds the watcher lease, exactly as a site instance does (lib/receiver/watcher). Run it on
 * a host of its own and start the sites with WATCHER=off, or beside them: the lease lets one act.
 * Ctrl-C stops it and gives the lease up.
 */
import { checkStartup, refuseToStart } from "../lib/receiver/checkStartup";
import type { Receiver } from "../lib/receiver/context";
import { getReceiver } from "../lib/receiver/getReceiver";
import { startWatcher } from "../lib/receiver/watcher/startWatcher";

let receiver: Receiver;
try {
  receiver = getReceiver();
} catch (error) {
  refuseToStart(error);
}
await checkStartup(receiver, (line) => console.log(line.replace(/^tollgate:/, "watcher:")));
const watcher = startWatcher(receiver, { keepProcessAlive: true });

const stop = async () => {
  await watcher.stop();
  await receiver.db.$disconnect();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
