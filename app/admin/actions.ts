"use server";
// The admin's server actions. Each one starts with requirePublisher(): a server action is a
// public POST endpoint (any client can call it with its Next-Action id), so the page that shows
// the button proves nothing.
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createArticle, deleteArticle, setArticlePublished, updateArticle, type ArticleFormResult } from "@/lib/receiver/admin/articles";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { ADMIN_SESSION_COOKIE } from "@/lib/receiver/admin/session";
import { saveDefaultPrice } from "@/lib/receiver/admin/settings";
import { requestWithdrawals } from "@/lib/receiver/requestWithdrawals";

const articleId = z.coerce.number().int().positive().max(2 ** 31 - 1);
const formFields = (form: FormData) => Object.fromEntries(["slug", "title", "teaser", "body", "price"].map((k) => [k, form.get(k) ?? ""]));

/**
 * A server action's argument, checked: anyone can call an action with arguments of their own,
 * and a value that fails its schema (which no admin page sends) must not be a 500. Next.js has no
 * 400 for a server action; the not-found interrupt is the nearest answer that is not an error.
 */
function argument<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) notFound();
  return parsed.data;
}
const form = z.instanceof(FormData);

/** Creates (id null) or saves an article from its form; field errors come back to the form. */
export async function saveArticle(id: number | null, _previous: ArticleFormResult | null, fields: FormData): Promise<ArticleFormResult> {
  const { receiver } = await requirePublisher();
  const target = argument(articleId.nullable(), id);
  const values = formFields(argument(form, fields));
  const result = target === null ? await createArticle(receiver, values) : await updateArticle(receiver, target, values);
  if (!result.ok) return result;
  revalidatePath("/admin/articles");
  if (target === null) redirect(`/admin/articles/${result.id}?created=1`);
  return result;
}

export async function publishArticle(id: number, published: boolean): Promise<void> {
  const { receiver } = await requirePublisher();
  await setArticlePublished(receiver, argument(articleId, id), argument(z.boolean(), published));
  revalidatePath("/admin/articles");
}

/** Deletes an article, or archives it if it was bought; back to the list, saying which. */
export async function removeArticle(id: number): Promise<void> {
  const { receiver } = await requirePublisher();
  const outcome = await deleteArticle(receiver, argument(articleId, id));
  revalidatePath("/admin/articles");
  redirect(`/admin/articles?${outcome}=${id}`);
}

/** Enqueues withdrawals (one channel, or every channel with something to withdraw); returns their ids to follow. */
export async function withdraw(channelIds: number[] | null): Promise<{ transactionIds: number[] }> {
  const { receiver } = await requirePublisher();
  const ids = argument(z.array(articleId).max(1000).nullable(), channelIds) ?? undefined;
  const enqueued = await requestWithdrawals(receiver, { channelIds: ids });
  revalidatePath("/admin/channels");
  return { transactionIds: enqueued.map((t) => t.id) };
}

export async function saveSettings(_previous: { error: string | null; saved: boolean } | null, fields: FormData) {
  const { receiver } = await requirePublisher();
  const price = argument(form, fields).get("defaultPrice");
  const error = await saveDefaultPrice(receiver, typeof price === "string" ? price : "");
  if (!error) revalidatePath("/admin/settings");
  return { error, saved: !error };
}

export async function signOut(): Promise<void> {
  await requirePublisher();
  (await cookies()).delete(ADMIN_SESSION_COOKIE);
  redirect("/admin");
}
