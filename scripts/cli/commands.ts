/** The CLI's commands, each over the SDK client built by setup.ts. Output: data on stdout, the rest on stderr. */
import type { ChannelRecord } from "../../lib/client/channelStore";
import { parseAmount } from "../../lib/protocol/amounts";
import type { CliContext } from "./setup";
import type { CliOptions } from "./options";

type Out = { stdout: (text: string) => void };

function channelLine(ctx: CliContext, c: ChannelRecord): string {
  const delegate = c.delegate ? `, session key ${c.delegate}` : "";
  return `block ${c.openBlock}  ${c.status.padEnd(8)} paid ${ctx.show(c.balance)} of ${ctx.show(c.deposit)}${delegate}`;
}

/** `get <url>`: the article on stdout, a one-line receipt on stderr. */
export async function get(ctx: CliContext, options: CliOptions, out: Out): Promise<void> {
  const { article, receipt } = await ctx.client.getArticle(options.url);
  out.stdout(`${article.title}\n\n${article.body}\n`);
  if (receipt) {
    const what = receipt.cost === 0n ? "already paid, nothing charged" : `paid ${ctx.show(receipt.cost)}`;
    ctx.log(`${what}, balance ${ctx.show(receipt.balance)}/${ctx.show(receipt.deposit)} (channel opened at block ${receipt.channel.openBlock})`);
  } else {
    ctx.log("free article, nothing paid");
  }
}

/** `catalog <site>`: one line per article. */
export async function catalog(ctx: CliContext, _options: CliOptions, out: Out): Promise<void> {
  const { articles, receiver, contract, chainId } = ctx.catalog;
  ctx.log(`receiver ${receiver}, channel manager ${contract} on chain ${chainId}`);
  for (const a of articles) out.stdout(`${(a.price === 0n ? "free" : ctx.show(a.price)).padStart(16)}  ${a.title}  ${a.url}\n`);
}

/** `channels <site>`: this reader's channels with the site, reconciled. */
export async function channels(ctx: CliContext, options: CliOptions, out: Out): Promise<void> {
  const found = await ctx.client.channels(options.url);
  ctx.log(`${found.length} channel${found.length === 1 ? "" : "s"} from ${ctx.client.sender} to ${ctx.catalog.receiver}`);
  for (const c of found) out.stdout(`${channelLine(ctx, c)}\n`);
}

/** `close <site>`: cooperative close of every open channel, or (--uncooperative) the start of a unilateral one. */
export async function close(ctx: CliContext, options: CliOptions, out: Out): Promise<void> {
  if (!options.uncooperative) {
    const results = await ctx.client.close(options.url);
    if (results.length === 0) ctx.log("no open channel to close");
    for (const r of results) out.stdout(`closed block ${r.channel.openBlock}: paid ${ctx.show(r.balance)}, refunded ${ctx.show(r.refund)} (${r.hash})\n`);
    return;
  }
  const open = (await ctx.client.channels(options.url)).filter((c) => c.status === "open");
  if (open.length === 0) ctx.log("no open channel to close");
  for (const c of open) {
    const r = await ctx.client.closeUncooperatively(c);
    const when = new Date(Number(r.settleTime) * 1000).toISOString();
    out.stdout(`closing block ${c.openBlock} at ${ctx.show(r.balance)}: settle after ${when} (npm run tollgate -- settle ${new URL(options.url).origin})\n`);
  }
}

/** `settle <site>`: settles every closing channel whose challenge period is over. */
export async function settle(ctx: CliContext, options: CliOptions, out: Out): Promise<void> {
  const closing = (await ctx.client.channels(options.url)).filter((c) => c.status === "closing" && c.settleTime !== undefined);
  if (closing.length === 0) ctx.log("no channel is waiting to be settled");
  for (const c of closing) {
    const r = await ctx.client.settle(c);
    out.stdout(`settled block ${c.openBlock} (${r.hash})\n`);
  }
}

/** `faucet <site>`: test tokens for the reader, from the site's TollgateToken. */
export async function faucet(ctx: CliContext, options: CliOptions, out: Out): Promise<void> {
  const amount = parseAmount(options.amount, ctx.unit.decimals);
  await ctx.faucet(amount);
  out.stdout(`${ctx.account.address} received ${ctx.show(amount)}\n`);
}
