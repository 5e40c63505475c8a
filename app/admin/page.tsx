import Link from "next/link";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { receiverStats } from "@/lib/receiver/stats";
import { tokenUnit } from "@/lib/token";
import { Price } from "../_components/ui/Price";

export const dynamic = "force-dynamic";
export const metadata = { title: "Overview" };

export default async function AdminHome() {
  const { receiver, publisher } = await requirePublisher();
  const stats = await receiverStats(receiver);
  const earned = BigInt(stats.earned);
  const withdrawn = BigInt(stats.withdrawn);
  return (
    <>
      <h1>Publisher admin</h1>
      <p className="lede">
        Signed in as <code data-testid="publisher">{publisher}</code>
      </p>
      <dl className="figures" data-testid="overview">
        <div>
          <dt>Earned</dt>
          <dd><Price amount={earned} unit={tokenUnit} free="0" /></dd>
        </div>
        <div>
          <dt>Withdrawn</dt>
          <dd><Price amount={withdrawn} unit={tokenUnit} free="0" /></dd>
        </div>
        <div>
          <dt>Purchases</dt>
          <dd>{stats.purchases}</dd>
        </div>
        <div>
          <dt>Channels open / closing / settled</dt>
          <dd>
            {stats.channels.open} / {stats.channels.closing} / {stats.channels.settled}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <Link className="button primary" href="/admin/articles/new">New article</Link>
        <Link className="button" href="/admin/channels">Channels</Link>
        <Link className="button" href="/admin/earnings">Earnings</Link>
      </div>
    </>
  );
}
