"use client";
import { useState, useTransition } from "react";
import { publishArticle, removeArticle } from "../actions";

/** Publish or unpublish, and delete behind a second click that says what will happen. */
export function ArticleActions({ id, published, bought }: { id: number; published: boolean; bought: boolean }) {
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="actions admin-list-actions">
      <button type="button" className="button small" disabled={pending} onClick={() => startTransition(() => publishArticle(id, !published))} data-testid="toggle-publish">
        {published ? "Unpublish" : "Publish"}
      </button>
      {confirming ? (
        <span className="confirm-delete" role="group" aria-label="Confirm deletion">
          <span>{bought ? "Readers bought it: it will be archived." : "Delete for good?"}</span>
          <button type="button" className="button small danger" disabled={pending} onClick={() => startTransition(() => removeArticle(id))} data-testid="confirm-delete">
            {bought ? "Archive" : "Delete"}
          </button>
          <button type="button" className="button small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="button small" onClick={() => setConfirming(true)} data-testid="delete">
          Delete…
        </button>
      )}
    </div>
  );
}
