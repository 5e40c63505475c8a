-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Purchase" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "buyer" TEXT NOT NULL,
    "channelId" INTEGER,
    "articleId" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "balance" TEXT,
    "signature" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Purchase_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Purchase_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Hand-edited: every existing purchase is a channel purchase, bought by the sender of its channel.
-- The old rule charged a sender once per channel, and the new key allows one row per buyer and
-- article, so only the first purchase by one sender of one article is kept (the channel
-- balances still hold what the later ones were charged).
INSERT INTO "new_Purchase" ("amount", "articleId", "balance", "buyer", "channelId", "createdAt", "id", "signature")
SELECT p."amount", p."articleId", p."balance", c."sender", p."channelId", p."createdAt", p."id", p."signature"
FROM "Purchase" p JOIN "Channel" c ON c."id" = p."channelId"
WHERE p."id" = (
    SELECT MIN(q."id") FROM "Purchase" q JOIN "Channel" d ON d."id" = q."channelId"
    WHERE d."sender" = c."sender" AND q."articleId" = p."articleId"
);
DROP TABLE "Purchase";
ALTER TABLE "new_Purchase" RENAME TO "Purchase";
CREATE INDEX "Purchase_channelId_idx" ON "Purchase"("channelId");
CREATE INDEX "Purchase_articleId_idx" ON "Purchase"("articleId");
CREATE UNIQUE INDEX "Purchase_buyer_articleId_key" ON "Purchase"("buyer", "articleId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
