import { formatEther } from "viem";
import { formatAmount } from "@/lib/protocol/amounts";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { receiverSettings } from "@/lib/receiver/admin/settings";
import { tokenUnit } from "@/lib/token";
import { DefaultPriceForm } from "../_components/DefaultPriceForm";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings" };

const when = (at: Date | null | undefined) => (at ? at.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—");

export default async function AdminSettings() {
  const { receiver } = await requirePublisher();
  const s = await receiverSettings(receiver);
  const lowGas = s.gasBalance !== null && s.gasBalance < s.gasBalanceWarning;
  return (
    <>
      <h1>Settings</h1>
      <section className="panel">
        <h2>Articles</h2>
        <DefaultPriceForm initial={formatAmount(s.defaultPrice, tokenUnit.decimals)} symbol={tokenUnit.symbol} />
      </section>
      <section className="panel" data-testid="receiver-settings">
        <h2>Receiver</h2>
        <dl className="facts">
          <dt>Address</dt>
          <dd><code>{s.receiver}</code></dd>
          <dt>Chain</dt>
          <dd>{s.chainId}</dd>
          <dt>Confirmations</dt>
          <dd>{s.confirmations} {s.confirmations === 1 ? "block" : "blocks"} before a new channel&apos;s payments count (CONFIRMATIONS)</dd>
          <dt>Gas balance</dt>
          <dd data-testid="gas-balance">
            {s.gasBalance === null ? "the chain is unreachable" : `${formatEther(s.gasBalance)} ETH`}
            {lowGas && <span className="badge badge-warn"> low: below {formatEther(s.gasBalanceWarning)} ETH, disputes and withdrawals may fail</span>}
          </dd>
        </dl>
      </section>
      <section className="panel" data-testid="watcher">
        <h2>Chain watcher</h2>
        <dl className="facts">
          <dt>State</dt>
          <dd>{s.watcher.current ? "current" : "behind: the gate does not charge until it catches up"}</dd>
          <dt>Leader</dt>
          <dd>{s.watcher.leader ? <><code>{s.watcher.leader.holder}</code>, lease until {when(s.watcher.leader.expiresAt)}</> : "none"}</dd>
          <dt>Cursor</dt>
          <dd>{s.watcher.block === null ? "not started" : `block ${s.watcher.block} of ${s.watcher.head}`}</dd>
          <dt>Lag</dt>
          <dd data-testid="lag">{s.watcher.lagBlocks === null ? "—" : `${s.watcher.lagBlocks} ${s.watcher.lagBlocks === 1n ? "block" : "blocks"}`}</dd>
          <dt>Last synced</dt>
          <dd>{when(s.watcher.syncedAt)}</dd>
          <dt>Last error</dt>
          <dd>{s.watcher.lastError ?? "none"}</dd>
        </dl>
      </section>
    </>
  );
}
