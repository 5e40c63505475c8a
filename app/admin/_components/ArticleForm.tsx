"use client";
import { useActionState, useState } from "react";
import type { ArticleField, ArticleFormResult } from "@/lib/receiver/admin/articles";
import { ArticleBody } from "../../_components/ArticleBody";
import { saveArticle } from "../actions";

export type ArticleValues = Record<ArticleField, string>;

/**
 * Creates or edits an article. The preview renders the body with the reader page's own
 * ArticleBody, so what the publisher sees is what a reader who paid will read. Validation is
 * the server's (zod in lib/receiver/admin/articles.ts); its message stands under its field.
 */
export function ArticleForm({ id, initial, symbol }: { id: number | null; initial: ArticleValues; symbol: string }) {
  const [result, action, pending] = useActionState<ArticleFormResult | null, FormData>(saveArticle.bind(null, id), null);
  const [values, setValues] = useState(initial);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const field = (name: ArticleField) => ({
    id: `article-${name}`,
    name,
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `article-${name}-error` : undefined,
  });
  const error = (name: ArticleField) =>
    errors[name] && (
      <p className="field-error" id={`article-${name}-error`} data-testid={`error-${name}`}>
        {errors[name]}
      </p>
    );

  return (
    <form action={action} className="article-form" noValidate>
      {result?.ok && (
        <p className="notice notice-success" role="status" data-testid="saved">
          Saved.
        </p>
      )}
      {result && !result.ok && result.formError && (
        <p className="notice notice-error" role="alert">
          {result.formError}
        </p>
      )}
      <div className="field">
        <label htmlFor="article-title">Title</label>
        <input className="input" {...field("title")} />
        {error("title")}
      </div>
      <div className="field">
        <label htmlFor="article-slug">Slug</label>
        <input className="input" {...field("slug")} autoCapitalize="off" spellCheck={false} />
        <p className="field-hint">Its address: /articles/{values.slug || "…"}</p>
        {error("slug")}
      </div>
      <div className="field">
        <label htmlFor="article-price">Price</label>
        <div className="amount">
          <input {...field("price")} inputMode="decimal" />
          <span className="unit">{symbol}</span>
        </div>
        <p className="field-hint">Per read, in tokens (e.g. 0.05); 0 makes it free.</p>
        {error("price")}
      </div>
      <div className="field">
        <label htmlFor="article-teaser">Teaser</label>
        <textarea className="input" rows={3} {...field("teaser")} />
        <p className="field-hint">Free: shown above the paywall and in search results.</p>
        {error("teaser")}
      </div>
      <div className="editor">
        <div className="field">
          <label htmlFor="article-body">Text</label>
          <textarea className="input body-input" rows={16} {...field("body")} />
          <p className="field-hint">Paid. A blank line starts a new paragraph.</p>
          {error("body")}
        </div>
        <section className="preview" aria-label="Preview" data-testid="preview">
          <p className="preview-label">Preview</p>
          <h2>{values.title || "Untitled"}</h2>
          <p className="teaser">{values.teaser}</p>
          <ArticleBody body={values.body} />
        </section>
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={pending} data-testid="save-article">
          {pending ? "Saving…" : id === null ? "Create draft" : "Save"}
        </button>
      </div>
    </form>
  );
}
