"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "../actions";

const sections = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/articles", label: "Articles" },
  { href: "/admin/channels", label: "Channels" },
  { href: "/admin/earnings", label: "Earnings" },
  { href: "/admin/settings", label: "Settings" },
];

export function AdminNav() {
  const pathname = usePathname();
  const current = (href: string) => (href === "/admin" ? pathname === href : pathname.startsWith(href));
  return (
    <nav className="admin-nav" aria-label="Admin">
      {sections.map((s) => (
        <Link key={s.href} href={s.href} aria-current={current(s.href) ? "page" : undefined}>
          {s.label}
        </Link>
      ))}
      <form action={signOut} className="sign-out">
        <button type="submit" className="button small" data-testid="sign-out">
          Sign out
        </button>
      </form>
    </nav>
  );
}
