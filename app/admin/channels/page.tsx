import Link from "next/link";
import { CHANNEL_STATES, channelQuery, listChannels, type ChannelQuery } from "@/lib/receiver/admin/channels";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { tokenUnit } from "@/lib/token";
import { Price } from "../../_components/ui/Price";
import { Countdown } from "../_components/Countdown";
import { Withdraw } from "../_components/Withdraw";

export const dynamic = "force-dynamic";
export const metadata = { title: "Channels" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const columns = [
  { sort: null, label: "Reader" },
  { sort: "deposit", label: "Deposit" },
  { sort: "received", label: "Received" },
  { sort: "withdrawn", label: "Withdrawn" },
  { sort: "state", label: "State" },
  { sort: "opened", label: "Opened" },
  { sort: "lastPayment", label: "Last payment" },
] as const;

const href = (q: ChannelQuery, change: Partial<ChannelQuery>) => {
  const next = { ...q, ...change };
  const params = new URLSearchParams({ sort: next.sort, dir: next.dir, page: String(next.page) });
  if (next.state) params.set("state", next.state);
  return `/admin/channels?${params}`;
};
const when = (at: Date | null) => (at ? at.toISOString().slice(0, 16).replace("T", " ") : "—");
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

export default async function AdminChannels({ searchParams }: Props) {
  const { receiver } = await requirePublisher();
  const raw = await searchParams;
  const query = channelQuery.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const { rows, total, pages } = await listChannels(receiver, query);
  return (
    <>
      <div className="admin-heading">
        <h1>Channels</h1>
        <Withdraw label="Withdraw from all channels" />
      </div>
      <nav className="filters" aria-label="Filter by state">
        <Link href={href(query, { state: undefined, page: 1 })} aria-current={!query.state ? "page" : undefined}>
          All
        </Link>
        {CHANNEL_STATES.map((s) => (
          <Link key={s} href={href(query, { state: s, page: 1 })} aria-current={query.state === s ? "page" : undefined} data-testid={`filter-${s}`}>
            {s}
          </Link>
        ))}
        <span className="field-hint">{total} {total === 1 ? "channel" : "channels"}</span>
      </nav>
      <div className="table-scroll">
        <table className="admin-table" data-testid="channels-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col" aria-sort={c.sort === query.sort ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
                  {c.sort ? (
                    <Link href={href(query, { sort: c.sort, dir: c.sort === query.sort && query.dir === "desc" ? "asc" : "desc", page: 1 })}>
                      {c.label}
                      {c.sort === query.sort ? (query.dir === "asc" ? " ↑" : " ↓") : ""}
                    </Link>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-testid="channel-row" data-sender={c.sender} data-state={c.state}>
                <td data-label="Reader">
                  <code title={`${c.sender}, opened in block ${c.openBlock}`}>{short(c.sender)}</code>
                  <span className="field-hint"> #{c.openBlock.toString()}</span>
                </td>
                <td data-label="Deposit"><Price amount={c.deposit} unit={tokenUnit} free="0" /></td>
                <td data-label="Received" data-testid="received"><Price amount={c.received} unit={tokenUnit} free="0" /></td>
                <td data-label="Withdrawn"><Price amount={c.withdrawn} unit={tokenUnit} free="0" /></td>
                <td data-label="State">
                  <span className={`badge badge-${c.state}`}>{c.state}{c.state === "open" && !c.confirmed ? " (confirming)" : ""}</span>
                  {c.state === "closing" && c.settleAfter !== null && (
                    <div className="closing">
                      <Countdown until={Number(c.settleAfter)} />
                      <div data-testid="dispute">
                        {c.dispute ? `dispute ${c.dispute.status}` : c.closingBalance !== null && c.closingBalance < c.received ? "dispute pending" : "no dispute needed"}
                      </div>
                    </div>
                  )}
                </td>
                <td data-label="Opened">{when(c.openedAt)}</td>
                <td data-label="Last payment">{when(c.lastPaidAt)}</td>
                <td data-label="Actions">
                  {c.withdrawal && (
                    <span className="field-hint" data-testid="withdrawal-status" data-status={c.withdrawal.status}>
                      withdrawal #{c.withdrawal.id} {c.withdrawal.status}
                    </span>
                  )}
                  {c.state === "open" && c.received > c.withdrawn && <Withdraw channelId={c.id} label="Withdraw" />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p>No channels{query.state ? ` ${query.state}` : ""} yet.</p>}
      <nav className="pager" aria-label="Pages">
        {query.page > 1 && <Link href={href(query, { page: query.page - 1 })}>← Previous</Link>}
        <span>
          Page {Math.min(query.page, pages)} of {pages}
        </span>
        {query.page < pages && <Link href={href(query, { page: query.page + 1 })}>Next →</Link>}
      </nav>
    </>
  );
}
