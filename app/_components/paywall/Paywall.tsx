"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useAccount } from "wagmi";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { ArticleBody } from "../ArticleBody";
import { OpenChannelForm } from "../channel/OpenChannelForm";
import { describeError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useChannels } from "../reader/useChannels";
import { useReaderActions } from "../reader/useReaderActions";
import { ErrorNotice } from "../ui/ErrorNotice";
import { Price } from "../ui/Price";
import { useMounted } from "../ui/useMounted";
import { ConnectWalletButton } from "../wallet/ConnectWalletButton";
import { WrongNetworkNotice } from "../wallet/WrongNetworkNotice";
import { OpenedNotice } from "../channel/OpenedNotice";
import { useProgress } from "../reader/useProgress";
import { UnlockPanel, type Unlocked } from "./UnlockPanel";

type Stage = "connect" | "open" | "unlock";

/** The three steps from paywall to reading, the current one marked. */
function Steps({ stage }: { stage: Stage | undefined }) {
  const items: [Stage, string][] = [
    ["connect", "Connect a wallet."],
    ["open", "Open a channel once, with a deposit you choose (one or two transactions)."],
    ["unlock", "Unlock each article with one click: no transaction, and by default no wallet prompt."],
  ];
  return (
    <ol className="paywall-steps">
      {items.map(([key, text]) => (
        <li key={key} aria-current={key === stage ? "step" : undefined} className={key === stage ? "current" : undefined}>
          {text}
        </li>
      ))}
    </ol>
  );
}

/**
 * What a paid article shows instead of its body: the price, what happens next, and the one
 * thing to do now (connect, open a channel, or unlock). An article this reader already bought
 * is fetched with the reader's access token, free and without asking. Once unlocked, the body
 * from the gate's JSON answer takes the paywall's place. `autoPayAllowed`: the request came from
 * this site or the reader (navigationAllowsAutoPay), so auto-pay may unlock without a click.
 */
export function Paywall({ slug, price, autoPayAllowed }: { slug: string; price: bigint; autoPayAllowed: boolean }) {
  const { config } = useReader();
  const mounted = useMounted();
  const { status } = useAccount();
  const channels = useChannels();
  const actions = useReaderActions();
  const [unlocked, setUnlocked] = useState<Unlocked>();
  const opening = useProgress();

  // Already bought (on this channel or an earlier one): fetched with the access token, free.
  const boughtOn = channels.data?.channels.find((c) => c.server?.articles?.includes(slug))?.server;
  const reread = useQuery({
    queryKey: ["tollgate", "reread", slug, boughtOn?.sender, boughtOn?.openBlock.toString()],
    enabled: Boolean(boughtOn) && !unlocked,
    queryFn: async () => (await actions.reread(slug)) ?? null,
    staleTime: Infinity,
    retry: false,
  });
  const shown: Unlocked | undefined = unlocked ?? (reread.data ? { article: reread.data, cost: 0n, auto: false, remaining: 0n } : undefined);

  if (shown) {
    return (
      <>
        <p className="notice notice-success" role="status" data-testid="unlocked">
          {shown.cost > 0n
            ? `${shown.auto ? "Auto-paid" : "Paid"} ${formatTokenAmount(shown.cost, config.tokenUnit)} from your channel · ${formatTokenAmount(shown.remaining, config.tokenUnit)} left.`
            : "You already bought this article: reading it again is free."}
        </p>
        <ArticleBody body={shown.article.body} />
      </>
    );
  }

  const connected = mounted && status === "connected";
  const current = channels.data?.current;
  const stage: Stage | undefined = !mounted ? undefined : !connected ? "connect" : channels.isSuccess ? (current ? "unlock" : "open") : undefined;

  let action: React.ReactNode;
  if (!mounted || status === "reconnecting" || status === "connecting") {
    action = <p className="field-hint">Checking for your wallet…</p>;
  } else if (!connected) {
    action = <ConnectWalletButton />;
  } else if (channels.isPending) {
    action = <p className="field-hint">Looking for your channel…</p>;
  } else if (channels.isError) {
    action = <ErrorNotice error={describeError(channels.error, { isLocalChain: config.isLocalChain })} onRetry={() => void channels.refetch()} />;
  } else if (reread.isFetching) {
    action = <p className="field-hint">You bought this article: opening it…</p>;
  } else if (!current) {
    action = <OpenChannelForm suggestedDeposit={price * 10n} price={price} progress={opening} />;
  } else {
    action = (
      <>
        {opening.steps.length > 0 && <OpenedNotice steps={opening.steps} />}
        <UnlockPanel slug={slug} price={price} channel={current} onUnlocked={setUnlocked} autoPayAllowed={autoPayAllowed} />
      </>
    );
  }

  return (
    <section className="paywall" aria-labelledby="paywall-title" data-testid="paywall">
      <h2 id="paywall-title">
        Read the rest for <Price amount={price} unit={config.tokenUnit} />
      </h2>
      <p>
        This article is paid per read through a micropayment channel: a deposit you open once, from which each article takes
        its price with a signature, not a transaction. What is left comes back when you close the channel (
        <Link href="/channel">your channel</Link>).
      </p>
      <Steps stage={stage} />
      {connected && <WrongNetworkNotice />}
      <div className="paywall-action">{action}</div>
    </section>
  );
}
