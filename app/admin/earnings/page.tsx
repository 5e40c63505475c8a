import Link from "next/link";
import { formatAmount } from "@/lib/protocol/amounts";
import { earnings, type Bucket } from "@/lib/receiver/admin/earnings";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { tokenUnit } from "@/lib/token";
import { Price } from "../../_components/ui/Price";
import { ArticleRevenueChart, FunnelChart, RevenueChart } from "../_components/EarningsCharts";

export const dynamic = "force-dynamic";
export const metadata = { title: "Earnings" };

type Props = { searchParams: Promise<{ by?: string }> };

/** Tokens as a number for the charts only: exact amounts are in the tables. */
const tokens = (amount: bigint) => Number(formatAmount(amount, tokenUnit.decimals));
const percent = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)} %`);

export default async function AdminEarnings({ searchParams }: Props) {
  const { receiver } = await requirePublisher();
  const bucket: Bucket = (await searchParams).by === "week" ? "week" : "day";
  const data = await earnings(receiver, { bucket });
  const funnel = data.articles.map((a) => ({ title: a.title, views: a.views, paywalls: a.paywalls, purchases: a.purchases, revenue: tokens(a.revenue) }));
  return (
    <>
      <h1>Earnings</h1>
      <p className="lede">
        <Price amount={data.total} unit={tokenUnit} free="Nothing yet" /> earned in all.
      </p>
      <section className="panel">
        <div className="admin-heading">
          <h2>Revenue by {bucket}</h2>
          <nav className="filters" aria-label="Period">
            <Link href="/admin/earnings?by=day" aria-current={bucket === "day" ? "page" : undefined}>Day</Link>
            <Link href="/admin/earnings?by=week" aria-current={bucket === "week" ? "page" : undefined}>Week</Link>
          </nav>
        </div>
        {data.periods.length === 0 ? <p>No purchases yet.</p> : <RevenueChart data={data.periods.map((p) => ({ ...p, revenue: tokens(p.revenue) }))} symbol={tokenUnit.symbol} />}
        <div className="table-scroll">
          <table className="admin-table" data-testid="revenue-table">
            <thead>
              <tr><th scope="col">{bucket === "day" ? "Day" : "Week of"}</th><th scope="col">Purchases</th><th scope="col">Revenue</th></tr>
            </thead>
            <tbody>
              {data.periods.map((p) => (
                <tr key={p.period}><td>{p.period}</td><td>{p.purchases}</td><td><Price amount={p.revenue} unit={tokenUnit} free="0" /></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel">
        <h2>By article</h2>
        {funnel.length === 0 ? <p>No views or purchases yet.</p> : (
          <>
            <ArticleRevenueChart data={funnel} symbol={tokenUnit.symbol} />
            <h3>Funnel</h3>
            <FunnelChart data={funnel} />
          </>
        )}
        <div className="table-scroll">
          <table className="admin-table" data-testid="funnel-table">
            <thead>
              <tr><th scope="col">Article</th><th scope="col">Page views</th><th scope="col">Paywall shown</th><th scope="col">Purchases</th><th scope="col">Conversion</th><th scope="col">Revenue</th></tr>
            </thead>
            <tbody>
              {data.articles.map((a) => (
                <tr key={a.id} data-slug={a.slug}>
                  <td>{a.title}{a.archived ? " (archived)" : ""}</td>
                  <td data-testid="views">{a.views}</td>
                  <td data-testid="paywalls">{a.paywalls}</td>
                  <td data-testid="purchases">{a.purchases}</td>
                  <td>{percent(a.conversion)}</td>
                  <td><Price amount={a.revenue} unit={tokenUnit} free="0" /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="field-hint">Conversion: purchases per paywall shown. Views are counted in batches every few seconds.</p>
      </section>
    </>
  );
}
