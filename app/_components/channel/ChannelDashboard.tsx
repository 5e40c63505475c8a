"use client";
import { useAccount } from "wagmi";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { describeError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useChannels } from "../reader/useChannels";
import { ErrorNotice } from "../ui/ErrorNotice";
import { useMounted } from "../ui/useMounted";
import { ConnectWalletButton } from "../wallet/ConnectWalletButton";
import { WrongNetworkNotice } from "../wallet/WrongNetworkNotice";
import { AutoPaySettings } from "./AutoPaySettings";
import { ChannelSummary } from "./ChannelSummary";
import { CloseChannel } from "./CloseChannel";
import { OpenChannelForm } from "./OpenChannelForm";
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
  const closing = channels.data.channels.filter((c) => c.record.status === "closing");
  const closed = channels.data.channels.filter((c) => c.record.status === "settled");
  return (
    <>
      <WrongNetworkNotice />
      {current ? (
        <section className="panel" aria-labelledby="current-channel">
          <h2 id="current-channel">Your channel</h2>
          <ChannelSummary channel={current} titles={titles} />
          <TopUpForm record={current.record} suggested={suggestedDeposit} />
          <CloseChannel record={current.record} />
        </section>
      ) : (
        <section className="panel" aria-labelledby="no-channel">
          <h2 id="no-channel">No open channel</h2>
          <p>Open one to read paid articles with one click each.</p>
          <OpenChannelForm suggestedDeposit={suggestedDeposit} />
        </section>
      )}
      {closing.map((channel) => (
        <section className="panel" key={channel.record.openBlock.toString()} aria-label={`Channel opened in block ${channel.record.openBlock}, closing`}>
          <h2>Closing channel</h2>
          <ChannelSummary channel={channel} titles={titles} />
          <SettlePanel record={channel.record} />
        </section>
      ))}
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
