"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Chart points: revenue in tokens as a JS number, for drawing only (the table beside shows the exact amounts). */
export type RevenuePoint = { period: string; revenue: number; purchases: number };
export type FunnelPoint = { title: string; views: number; paywalls: number; purchases: number; revenue: number };

const ACCENT = "#0b6e4f";
const height = (rows: number) => Math.max(180, rows * 56 + 60);

export function RevenueChart({ data, symbol }: { data: RevenuePoint[]; symbol: string }) {
  return (
    <div className="chart" data-testid="revenue-chart">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="period" tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} width={56} />
          <Tooltip formatter={(value) => [`${value} ${symbol}`, "Revenue"]} />
          <Bar dataKey="revenue" name={`Revenue (${symbol})`} fill={ACCENT} radius={[4, 4, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function ArticleRevenueChart({ data, symbol }: { data: FunnelPoint[]; symbol: string }) {
  return (
    <div className="chart" data-testid="article-revenue-chart">
      <ResponsiveContainer width="100%" height={height(data.length)}>
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="title" width={120} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => [`${value} ${symbol}`, "Revenue"]} />
          <Bar dataKey="revenue" name={`Revenue (${symbol})`} fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function FunnelChart({ data }: { data: FunnelPoint[] }) {
  return (
    <div className="chart" data-testid="funnel-chart">
      <ResponsiveContainer width="100%" height={height(data.length) + 40}>
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="title" width={120} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="views" name="Page views" fill="#9bb7d4" isAnimationActive={false} />
          <Bar dataKey="paywalls" name="Paywall shown" fill="#d9a521" isAnimationActive={false} />
          <Bar dataKey="purchases" name="Purchases" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
