"use client";
import { useState } from "react";
import { useAccount } from "wagmi";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { describeError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useChannels } from "../reader/useChannels";
import { ErrorNotice } from "../ui/ErrorNotice";
import { TransactionSteps } from "../ui/TransactionSteps";
import { useMounted } from "../ui/useMounted";
import { ConnectWalletButton } from "../wallet/ConnectWalletButton";
import { WrongNetworkNotice } from "../wallet/WrongNetworkNotice";
import { AutoPaySettings } from "./AutoPaySettings";
import { ChannelSummary } from "./ChannelSummary";
import { CloseChannel, type Mode } from "./CloseChannel";
import { useProgress } from "../reader/useProgress";
import { OpenChannelForm } from "./OpenChannelForm";
import { OpenedNotice } from "./OpenedNotice";
import { SettlePanel } from "./SettlePanel";
import { TopUpForm } from "./TopUpForm";

/**
 * The reader's channel page: the open channel's numbers, top-up and both ways to close it; any
 * channel closing alone, with its countdown and settle button; opening one when there is none;
 * auto-pay. Recovered from the site and the chain on a new browser.
 */
export function ChannelDashboard({ titles, suggestedDeposit, defaultMaxPrice }: { titles: Record<string, string>; suggestedDeposit: bigint; defaultMaxPrice: bigint }) {
  const { config } = useReader();
  const mounted = useMounted();
  const { status } = useAccount();
  const channels = useChannels();
  const opening = useProgress();
  const closing = useProgress();
  const settling = useProgress();
  const [closedBy, setClosedBy] = useState<Mode | "settled">();

  if (!mounted || status === "reconnecting" || status === "connecting") return <p className="field-hint">Checking for your wallet…</p>;
  if (status !== "connected") {
    return (
      <section className="panel">
        <p>Connect the wallet you pay with to see your channel: it is recovered from the site and the chain, on any browser.</p>
        <ConnectWalletButton />
      </section>
    );
  }
  if (channels.isPending) return <p className="field-hint">Looking for your channels…</p>;
  if (channels.isError) return <ErrorNotice error={describeError(channels.error, { isLocalChain: config.isLocalChain })} onRetry={() => void channels.refetch()} />;

  const { current } = channels.data;
  const closingChannels = channels.data.channels.filter((c) => c.record.status === "closing");
  const closed = channels.data.channels.filter((c) => c.record.status === "settled");
  return (
    <>
      <WrongNetworkNotice />
      {closedBy && (
        <div data-testid="channel-closed">
          <p className="notice notice-success" role="status">
            {closedBy === "alone" ? "Closing started: settle when the challenge period ends." : "Your channel is closed: what was left of the deposit is back in your wallet."}
          </p>
          <TransactionSteps steps={closedBy === "settled" ? settling.steps : closing.steps} label={closedBy === "settled" ? "Settle progress" : "Closing progress"} />
        </div>
      )}
      {closingChannels.map((channel) => (
        <section className="panel" key={channel.record.openBlock.toString()} aria-label={`Channel opened in block ${channel.record.openBlock}, closing`}>
          <h2>Closing channel</h2>
          <ChannelSummary channel={channel} titles={titles} />
          <SettlePanel record={channel.record} progress={settling} onSettled={() => setClosedBy("settled")} />
        </section>
      ))}
      {current ? (
        <section className="panel" aria-labelledby="current-channel">
          <h2 id="current-channel">Your channel</h2>
          {opening.steps.length > 0 && <OpenedNotice steps={opening.steps} />}
          <ChannelSummary channel={current} titles={titles} />
          <TopUpForm record={current.record} suggested={suggestedDeposit} />
          <CloseChannel record={current.record} progress={closing} onClosed={setClosedBy} />
        </section>
      ) : (
        <section className="panel" aria-labelledby="no-channel">
          <h2 id="no-channel">No open channel</h2>
          <p>Open one to read paid articles with one click each.</p>
          <OpenChannelForm suggestedDeposit={suggestedDeposit} progress={opening} />
        </section>
      )}
      <section className="panel">
        <AutoPaySettings defaultMaxPrice={defaultMaxPrice} />
      </section>
      {closed.length > 0 && (
        <section className="panel" aria-labelledby="closed-channels">
          <h2 id="closed-channels">Closed channels</h2>
          <ul className="closed-list" data-testid="closed-channels">
            {closed.map(({ record, server }) => (
              <li key={record.openBlock.toString()}>
                Opened in block {record.openBlock.toString()}: paid {formatTokenAmount(record.balance, config.tokenUnit)} for{" "}
                {server?.articles?.length ?? 0} article{server?.articles?.length === 1 ? "" : "s"}, the rest of {formatTokenAmount(record.deposit, config.tokenUnit)} returned.
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
