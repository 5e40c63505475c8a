// The reader's words for a site that answers 503: the site's own reason (its chain node, a busy
// database), never a guess that blames the chain for a busy database.
import assert from "node:assert/strict";
import { it } from "node:test";
import { describeError } from "../../app/_components/reader/describeError";
import { SiteRequestError } from "../../lib/client/errors";
import { ServiceUnavailableError } from "../../lib/protocol/errors";

it("shows the site's reason for a 503, and a retry", () => {
  const busy = new ServiceUnavailableError({ dependency: "database", retryAfterSeconds: 2 });
  const described = describeError(new SiteRequestError({ url: "http://site/articles/a", status: 503, detail: busy.shortMessage }));
  assert.equal(described.title, "The site is unavailable for a moment");
  assert.match(described.detail, /database is busy/);
  assert.deepEqual(described.actions, ["retry"]);
});

it("tells a busy database from an unreachable chain", () => {
  assert.equal(describeError(new ServiceUnavailableError({ dependency: "database" })).title, "The site is busy right now");
  assert.equal(describeError(new ServiceUnavailableError({ dependency: "chain" })).title, "The site cannot reach the chain right now");
});

it("keeps a generic retry for a 503 without a problem body", () => {
  assert.equal(describeError(new SiteRequestError({ url: "http://site/articles/a", status: 503 })).detail, "Try again in a few seconds.");
});
