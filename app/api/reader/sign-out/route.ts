import { accessTokenCookie } from "@/lib/receiver/access";

/** Drops the browser's access token (its cookie is HttpOnly: only the server can clear it). */
export async function POST(request: Request) {
  return new Response(null, { status: 204, headers: { "Set-Cookie": accessTokenCookie("", new URL(request.url), 0), "Cache-Control": "no-store" } });
}
