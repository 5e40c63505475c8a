"use client";
import Link from "next/link";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { useReader } from "../reader/ReaderContext";
import { RestorePurchases } from "../reader/RestorePurchases";
import type { ReaderChannel } from "../reader/useChannels";

const statusWords = { open: "Open", closing: "Closing", settled: "Closed" } as const;

/** A channel's numbers: deposit, spent, remaining, and the articles it bought. */
export function ChannelSummary({ channel, titles }: { channel: ReaderChannel; titles: Record<string, string> }) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const { record, server, signer } = channel;
  const articles = server?.articles ?? [];
  return (
    <div className="channel-summary" data-testid="channel-summary">
      <dl className="figures">
        <div>
          <dt>Deposit</dt>
          <dd data-testid="channel-deposit">{formatTokenAmount(record.deposit, unit)}</dd>
        </div>
        <div>
          <dt>Spent</dt>
          <dd data-testid="channel-spent">{formatTokenAmount(record.balance, unit)}</dd>
        </div>
        <div>
          <dt>Remaining</dt>
          <dd data-testid="channel-remaining">{formatTokenAmount(record.deposit - record.balance, unit)}</dd>
        </div>
        <div>
          <dt>Articles bought</dt>
          <dd data-testid="channel-articles">{articles.length}</dd>
        </div>
      </dl>
      <p className="field-hint">
        {statusWords[record.status]} · opened in block {record.openBlock.toString()} ·{" "}
        {signer === "session-key" ? "payments signed by this browser's session key" : "payments signed in your wallet"}
      </p>
      {signer === "wallet" && record.delegate && record.status === "open" && (
        <p className="notice notice-info" data-testid="session-key-missing">
          This browser does not hold the channel&apos;s session key (it was opened in another browser, or this browser&apos;s
          storage was cleared), so each article will be signed in your wallet. To read without prompts again, close this
          channel and open a new one: opening registers a new session key.
        </p>
      )}
      {!server && signer === "wallet" && (
        // Another browser paid on this channel, and the site shows its history only to the
        // reader's access token: until this browser signs in, the spent figure is the chain's
        // view (nothing) and what it bought is unknown here.
        <div className="notice notice-info" data-testid="history-hidden">
          <p>
            The site shows what this channel spent and bought only once this browser has signed in as you: restore your
            purchases to see them and read them again.
          </p>
          <RestorePurchases />
        </div>
      )}
      {articles.length > 0 && (
        <ul className="bought-list" aria-label="Articles bought on this channel">
          {articles.map((slug) => (
            <li key={slug}>
              <Link href={`/articles/${slug}`} prefetch={false}>
                {titles[slug] ?? slug}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
