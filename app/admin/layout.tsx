import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AdminNav } from "./_components/AdminNav";
import "./admin.css";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Tollgate" }, robots: { index: false } };

// No session check here: a layout is not re-rendered on every navigation, so each page and
// each server action checks it itself (requirePublisher()).
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="admin">
      <AdminNav />
      <main id="main" className="admin-main">
        {children}
      </main>
    </div>
  );
}
